#!/usr/bin/env bash
# Big answers: a transit network with more than 10,000 direct customers (the scale generator with a steeper
# Zipf exponent: generated:1:40000:3 builds in about 20 s, and its AS3283 has 13,216 customers in the global
# IPv4 market), fetched by the kentik.kmi.kmi_asn_info module and lookup. The playbook asserts that both answers
# are complete and typed and equal the simulator's own answer; the module's peak memory is measured and printed
# (not asserted: it depends on the machine), and written to /tmp/kmi-big-answers.txt. Then an endless body: the
# module must fail at max_response_bytes within timeout + 2 s, with at most the cap + 50 MB more memory than for a
# small answer.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh

KMI_BIG_DATASET=generated:1:40000:3
# shellcheck disable=SC2016  # a literal $: the global market's id
KMI_BIG_MARKET='planet$earth'
KMI_BIG_ASN=3283
here=$(pwd)

started=${SECONDS}
kmi_sim_start --dataset "${KMI_BIG_DATASET}"
echo "simulator with ${KMI_BIG_DATASET} ready in $((SECONDS - started)) s"

# The reference: the simulator's answer, asked with the standard library only.
kmi_with_env "${KMI_PYTHON}" "${here}/sim_answer.py" "${KMI_BIG_MARKET}" "${KMI_BIG_ASN}" "${KMI_IT_TMP}/reference.json"

# The module runs under peak_rss.py, which records the peak RSS of the Python process that runs it.
rss_file="${KMI_IT_TMP}/module-rss.txt"
: > "${rss_file}"
cat > "${KMI_IT_TMP}/big_vars.yml" <<YAML
kmi_big_market: '${KMI_BIG_MARKET}'
kmi_big_asn: ${KMI_BIG_ASN}
kmi_big_reference: '${KMI_IT_TMP}/reference.json'
kmi_big_peak_rss: '${here}/peak_rss.py'
kmi_big_rss_file: '${rss_file}'
YAML

started=${SECONDS}
kmi_playbook big big.yml -e "@${KMI_IT_TMP}/big_vars.yml"
echo "playbook done in $((SECONDS - started)) s"

# One line per run of the module: "<peak KiB> <seconds>": the big answer, a small one, the endless body.
test "$(wc -l < "${rss_file}")" = 3
{ read -r peak_kib module_seconds; read -r small_kib _; read -r endless_kib endless_seconds; } < "${rss_file}"
# The endless body: within timeout (10 s) + 2 s, and at most the cap (64 MiB) + 50 MB above the small answer's peak.
endless_note="endless body: the module failed after ${endless_seconds} s; peak RSS $((endless_kib / 1024)) MB, $(((endless_kib - small_kib) / 1024)) MB above a small answer's"
echo "${endless_note}"
"${KMI_PYTHON}" -c 'import sys; sys.exit(float(sys.argv[1]) > 12)' "${endless_seconds}"
test $((endless_kib - small_kib)) -le $((65536 + 50 * 1000))
customers=$("${KMI_PYTHON}" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["customers"]))' "${KMI_IT_TMP}/reference.json")
note="big_answers: AS${KMI_BIG_ASN} (${KMI_BIG_DATASET}, market ${KMI_BIG_MARKET}): ${customers} customers; peak RSS of the module: $((peak_kib / 1024)) MB (${peak_kib} KiB, module run ${module_seconds} s)"
echo "${note}"
printf '%s\n%s\n' "${note}" "${endless_note}" > /tmp/kmi-big-answers.txt
