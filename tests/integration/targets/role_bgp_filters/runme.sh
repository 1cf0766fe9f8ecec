#!/usr/bin/env bash
# The kentik.kmi.bgp_filters role against the KMI simulator, then every rendered file through the platforms' own
# parsers: BIRD 2 (bird -p) and FRR 8 (vtysh --dryrun, and bgpd -C, which also catches semantic errors).
# The parsers come from the Debian packages bird2 and frr, installed when missing (kmi_checks.sh; when they cannot be,
# only the parser checks are skipped, with a SKIP line saying why).
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
source ../setup_kmi_simulator/kmi_checks.sh
kmi_sim_start

OUT="${KMI_IT_TMP}/out"

kmi_need_parsers
if [ -z "${PARSER_SKIP}" ]; then PARSERS=true; else PARSERS=false; fi

# check_bird_peerlock FILE: run bird on static routes whose AS paths are what peer and customer sessions would bring
# (first AS = the neighbour), and compare kmi_peerlock_violation() with what the AS64499 peer-lock set
# (64500 65548 65543; provider 64496 and customers not in it) must decide.
check_bird_peerlock() {
    local conf="${KMI_IT_TMP}/bird-run.conf" log="${KMI_IT_TMP}/bird-run.log" pid got expected
    rm -f "${log}"
    cat > "${conf}" <<EOF
router id 192.0.2.254;
log "${log}" all;
protocol device {}
include "$1";
protocol static kmi_test {
  ipv4 {
    import filter {
      if net = 10.0.1.0/24 then { bgp_path.prepend(64500); bgp_path.prepend(65547); }
      if net = 10.0.2.0/24 then { bgp_path.prepend(64496); bgp_path.prepend(65547); }
      if net = 10.0.3.0/24 then { bgp_path.prepend(64511); bgp_path.prepend(64500); bgp_path.prepend(64500); }
      if net = 10.0.4.0/24 then { bgp_path.prepend(65548); bgp_path.prepend(64500); }
      if net = 10.0.5.0/24 then { bgp_path.prepend(64508); bgp_path.prepend(64505); }
      if net = 10.0.6.0/24 then { bgp_path.prepend(65543); bgp_path.prepend(64505); bgp_path.prepend(64505); }
      if kmi_peerlock_violation() then print "KMI-TEST ", net, " ", bgp_path, " reject";
      else print "KMI-TEST ", net, " ", bgp_path, " accept";
      accept;
    };
  };
  route 10.0.1.0/24 blackhole;
  route 10.0.2.0/24 blackhole;
  route 10.0.3.0/24 blackhole;
  route 10.0.4.0/24 blackhole;
  route 10.0.5.0/24 blackhole;
  route 10.0.6.0/24 blackhole;
}
EOF
    # A unix socket path has at most 107 bytes: ansible-test's output dir can be longer, so use a short one.
    sock_dir=$(mktemp -d /tmp/kmi-bird.XXXXXX)
    bird -f -c "${conf}" -s "${sock_dir}/bird.ctl" -P "${sock_dir}/bird.pid" &
    pid=$!
    for _ in $(seq 50); do
        if [ "$(grep -c 'KMI-TEST' "${log}" 2>/dev/null)" = 6 ]; then break; fi
        sleep 0.1
    done
    kill "${pid}" 2>/dev/null || true  # bird may have exited already; its log tells
    wait "${pid}" || true
    rm -rf "${sock_dir}"
    got=$(grep -o 'KMI-TEST .*' "${log}" | sort)
    expected=$(cat <<'EOF'
KMI-TEST 10.0.1.0/24 (path 65547 64500) reject
KMI-TEST 10.0.2.0/24 (path 65547 64496) accept
KMI-TEST 10.0.3.0/24 (path 64500 64500 64511) accept
KMI-TEST 10.0.4.0/24 (path 64500 65548) reject
KMI-TEST 10.0.5.0/24 (path 64505 64508) accept
KMI-TEST 10.0.6.0/24 (path 64505 64505 65543) reject
EOF
)
    if [ "${got}" != "${expected}" ]; then
        printf 'BIRD peer-lock decisions differ.\nexpected:\n%s\ngot:\n%s\n' "${expected}" "${got}" >&2
        return 1
    fi
}

# plant FILE SED-SCRIPT COPY: COPY is FILE with one error planted (the sed script must change something).
plant() {
    sed -e "$2" "$1" > "$3"
    if cmp -s "$1" "$3"; then echo "plant: '$2' changed nothing in $1" >&2; return 1; fi
}

# The role, from a test playbook: four scenarios, idempotence, bad input.
kmi_playbook main main.yml -e "kmi_it_out=${OUT}" -e "kmi_it_parsers=${PARSERS}"

# The collection playbook, connection from kmi_api_* variables (a vars file: templates, never the token itself) ...
cat > "${KMI_IT_TMP}/playbook_vars.yml" <<EOF
kmi_api_url: "{{ kmi_it_url }}"
kmi_api_email: "{{ kmi_it_email }}"
kmi_api_token: "{{ kmi_it_token }}"
bgp_filters_asn: 64499
bgp_filters_market: country\$us
bgp_filters_rank_type: customer_base_retail
bgp_filters_output_dir: ${OUT}/playbook-vars
bgp_filters_date: "2026-01-02"
EOF
kmi_playbook playbook-vars kentik.kmi.bgp_filters -e "@${KMI_IT_TMP}/playbook_vars.yml"
# ... and from KTAPI_* in the environment (the kmi_api_* variables undefined: module_defaults omits them).
kmi_with_env kmi_playbook playbook-env kentik.kmi.bgp_filters -e bgp_filters_asn=64499 -e "bgp_filters_market=country\$us" \
    -e bgp_filters_rank_type=customer_base_retail -e "bgp_filters_output_dir=${OUT}/playbook-env" -e bgp_filters_date=2026-01-02
diff -r "${OUT}/playbook-vars" "${OUT}/playbook-env"
# From an empty folder with a relative output folder: the files land there, and the playbook prints absolute paths.
USER_DIR=$(mkdir -p "${KMI_IT_TMP}/user" && cd "${KMI_IT_TMP}/user" && pwd -P)
(cd "${USER_DIR}" && kmi_with_env kmi_playbook playbook-relative kentik.kmi.bgp_filters -e bgp_filters_asn=64499 \
    -e "bgp_filters_market=country\$us" -e bgp_filters_rank_type=customer_base_retail -e bgp_filters_output_dir=bgp \
    -e bgp_filters_date=2026-01-02)
diff -r "${OUT}/playbook-vars" "${USER_DIR}/bgp"
grep -F "files ${USER_DIR}/bgp/frr-kmi.conf, ${USER_DIR}/bgp/bird-kmi.conf" "${KMI_IT_TMP}/playbook-relative.log"

if [ -n "${PARSER_SKIP}" ]; then
    echo "SKIP: parser checks (bird -p, vtysh --dryrun, bgpd --dryrun): ${PARSER_SKIP}"
    exit 0
fi
bird --version
vtysh --help | grep -o 'version [0-9.]*'

# Every rendered file parses.
for file in "${OUT}"/*/bird-kmi.conf; do kmi_check_bird "${file}"; done
for file in "${OUT}"/*/frr-kmi.conf; do kmi_check_frr "${file}"; done
# A planted error fails each check: syntax (both parsers), and a semantic error that only bgpd sees.
plant "${OUT}/us/bird-kmi.conf" 's/^define KMI_LOCAL_AS = 64499;$/define KMI_LOCAL_AS = 64499/' "${KMI_IT_TMP}/bad-bird.conf"
if kmi_check_bird "${KMI_IT_TMP}/bad-bird.conf"; then echo "check_bird accepted a broken file" >&2; exit 1; fi
plant "${OUT}/us/frr-kmi.conf" 's/ permit _64500_$/ permt _64500_/' "${KMI_IT_TMP}/bad-frr-syntax.conf"
if kmi_check_frr "${KMI_IT_TMP}/bad-frr-syntax.conf"; then echo "check_frr accepted a syntax error" >&2; exit 1; fi
plant "${OUT}/us/frr-kmi.conf" 's/^ ! neighbor <ADDRESS> peer-group PEER-AS65548$/ neighbor 192.0.2.9 peer-group PEER-NOSUCH/' \
    "${KMI_IT_TMP}/bad-frr-semantic.conf"
vtysh --dryrun -f "${KMI_IT_TMP}/bad-frr-semantic.conf"  # vtysh alone accepts it
if kmi_check_frr "${KMI_IT_TMP}/bad-frr-semantic.conf"; then echo "check_frr accepted an unknown peer-group" >&2; exit 1; fi

# The BIRD peer-lock decides as intended on real paths.
check_bird_peerlock "${OUT}/us/bird-kmi.conf"
echo "parser checks passed"
