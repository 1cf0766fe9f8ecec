#!/usr/bin/env bash
# Hostile answers (issue 25): the simulator's hostile fault puts its corpus (simulator/hostile.py) into spec-valid
# answers, and every output is read with its own parser.
# 1. outputs.yml on normal answers, then on hostile names at three offsets of the corpus: the modules' and lookups'
#    results, the FRR and BIRD files (also through bird -p, vtysh and bgpd), the CSV, Markdown, HTML (also as headless
#    Chromium's DOM) and JSON reports; check_outputs.py compares each with the normal run's: 0 injected config lines,
#    0 formula cells, 0 raw tags.
# 2. bad_values.yml: each bad market id, AS number and count through a module and a lookup (one clear error), and
#    both roles on refused answers (their error, no file written).
# The parsers and Chromium come from Debian packages, installed when missing (kmi_checks.sh; when they cannot be,
# only those checks are skipped, with a SKIP line saying why).
set -eux
HERE=$(pwd)
OFFSETS="0 12 24"  # where in the corpus the names of each hostile run start
source ../setup_kmi_simulator/kmi_sim.sh
source ../setup_kmi_simulator/kmi_checks.sh
ROOT=$(_kmi_collection_root)
kmi_sim_start
OUT="${KMI_IT_TMP}/out"

# sim_faults JSON: replace the simulator's fault plan.
sim_faults() {
    kmi_sim_control "${KMI_IT_URL}" faults "$1" > /dev/null
}

# 1. Every output, of normal answers and of hostile names.
kmi_playbook normal outputs.yml -e "kmi_it_out=${OUT}/normal"
for offset in ${OFFSETS}; do
    sim_faults "{\"faults\": [{\"kind\": \"hostile\", \"names\": true, \"offset\": ${offset}, \"count\": 1000000}]}"
    kmi_playbook "names-${offset}" outputs.yml -e "kmi_it_out=${OUT}/names-${offset}"
done
sim_faults '{}'
"${KMI_PYTHON}" "${HERE}/check_outputs.py" "${ROOT}" files "${OUT}/normal" "${OUT}"/names-*
# The checks can fail: a copy of a hostile run with one injected line, formula cell and raw tag per format.
cp -r "${OUT}/names-0" "${KMI_IT_TMP}/planted"
P="${KMI_IT_TMP}/planted"
printf 'protocol bgp injected { neighbor 6.6.6.6 as 666; }\n' >> "${P}/bgp/bird-kmi.conf"
sed -i 's/^route-map KMI-PEERLOCK-IN permit 100$/&\n set local-preference 666/' "${P}/bgp/frr-kmi.conf"
printf 'peering_candidate,9,64500,=HYPERLINK("x"),1,1,1,,,"x","y",1\n' >> "${P}/report/64501-planet_earth.csv"
printf '| 1 | AS1 | <b>x</b> | 1 | 1 | 1 | x |\n' >> "${P}/report/64501-planet_earth.md"
sed -i 's#</body>#<script>alert(1)</script></body>#' "${P}/report/64501-planet_earth.html"
if "${KMI_PYTHON}" "${HERE}/check_outputs.py" "${ROOT}" files "${OUT}/normal" "${P}" > "${KMI_IT_TMP}/planted.out" 2>&1; then
    cat "${KMI_IT_TMP}/planted.out"; echo "check_outputs.py accepted planted injections" >&2; exit 1
fi
cat "${KMI_IT_TMP}/planted.out"
grep -c -e 'bird-kmi.conf: ' -e 'frr-kmi.conf: ' -e 'a formula cell' -e '.md: tags' -e '.html: tags' "${KMI_IT_TMP}/planted.out" | grep -x 5

# 2. Bad ids and numbers: the cases, from the corpus.
"${KMI_PYTHON}" - "${ROOT}" "${KMI_IT_TMP}/cases.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from simulator.hostile import BAD_ASNS, BAD_COUNTS, BAD_IDS
cases = []
for market_id in BAD_IDS:
    # the gateway leaves an empty string out: then the id is missing
    cases.append({"fault": {"market_id": market_id}, "rpc": "ListMarkets", "where": "response.markets[0].market_id: ",
                  "phrase": "is not a KMI id" if market_id else "missing"})
for asn in BAD_ASNS:
    cases.append({"fault": {"field": "asn", "value": asn, "operation": "GetRankings"}, "rpc": "GetRankings",
                  "where": "response.rankings[0].asn: ", "phrase": "out of range for an AS number"})  # 0 too: asn has presence
for count in BAD_COUNTS:
    cases.append({"fault": {"field": "score", "value": count, "operation": "GetRankings"}, "rpc": "GetRankings",
                  "where": "response.rankings[0].score: ", "phrase": "out of range for a uint32"})
json.dump(cases, open(sys.argv[2], "w"))
print("%d cases" % len(cases))
PY
kmi_playbook bad_values bad_values.yml -e "kmi_it_cases=${KMI_IT_TMP}/cases.json" -e "kmi_it_out=${OUT}/bad"

# The config files through their parsers, the HTML through Chromium.
kmi_need_parsers
if [ -n "${PARSER_SKIP}" ]; then
    echo "SKIP: parser checks (bird -p, vtysh --dryrun, bgpd --dryrun): ${PARSER_SKIP}"
else
    for offset in ${OFFSETS}; do
        kmi_check_bird "${OUT}/names-${offset}/bgp/bird-kmi.conf"
        kmi_check_frr "${OUT}/names-${offset}/bgp/frr-kmi.conf"
    done
    echo "parser checks passed"
fi
kmi_need_chromium
if [ -n "${BROWSER_SKIP}" ]; then
    echo "SKIP: the DOM checks in headless Chromium: ${BROWSER_SKIP}"
    exit 0
fi
for run in normal ${OFFSETS}; do
    if [ "${run}" != normal ]; then run="names-${run}"; fi
    for page in 64501-planet_earth 64501-index; do
        kmi_chromium --dump-dom "file://${OUT}/${run}/report/${page}.html" > "${KMI_IT_TMP}/${run}-${page}.dom" 2> "${KMI_IT_TMP}/chromium.log" \
            || { cat "${KMI_IT_TMP}/chromium.log"; exit 1; }
    done
done
for page in 64501-planet_earth 64501-index; do
    "${KMI_PYTHON}" "${HERE}/check_outputs.py" "${ROOT}" dom "${KMI_IT_TMP}/normal-${page}.dom" "${KMI_IT_TMP}"/names-*-"${page}.dom"
done
echo "browser checks passed"
