# shellcheck shell=bash
# `make demo`: the main job. Runs the kentik.kmi.market_report playbook for ASN in MARKET and prints
# the summary and the written files. Against Kentik when KTAPI_AUTH_EMAIL and KTAPI_AUTH_TOKEN are set
# (and KTAPI_URL is not); otherwise against the bundled simulator on the real-data (RouteViews) dataset.
# Called by the Makefile as: bash hacking/demo.sh BIN COLLECTIONS_PATH ASN MARKET OUTPUT_DIR
set -euo pipefail

BIN=$1 COLLECTIONS=$2 ASN=$3 MARKET=$4 OUT=$5
COLL="${COLLECTIONS}/ansible_collections/kentik/kmi"
mkdir -p "${OUT}"

step() { printf '\n== %s\n' "$*"; }

if [ -n "${KTAPI_AUTH_EMAIL:-}" ] && [ -n "${KTAPI_AUTH_TOKEN:-}" ] && [ -z "${KTAPI_URL:-}" ]; then
    step "Using Kentik's API with the credentials in KTAPI_AUTH_EMAIL / KTAPI_AUTH_TOKEN"
else
    step "Starting the KMI simulator (real RouteViews data; takes a few seconds)"
    port_file=$(mktemp)
    (cd "${COLL}" && exec "${BIN}/python" -m simulator --port 0 --port-file "${port_file}") > "${OUT}/simulator.log" 2>&1 &
    sim_pid=$!
    trap 'kill "${sim_pid}" 2>/dev/null || true; wait "${sim_pid}" 2>/dev/null || true; rm -f "${port_file}"' EXIT
    for _ in $(seq 300); do
        [ -s "${port_file}" ] && break
        kill -0 "${sim_pid}" 2>/dev/null || { cat "${OUT}/simulator.log" >&2; exit 1; }
        sleep 0.1
    done
    [ -s "${port_file}" ] || { echo "demo: the simulator did not start; see ${OUT}/simulator.log" >&2; exit 1; }
    KTAPI_URL="http://127.0.0.1:$(cat "${port_file}")"
    export KTAPI_URL KTAPI_AUTH_EMAIL=sim@example.com KTAPI_AUTH_TOKEN=sim-token
    echo "simulator: ${KTAPI_URL} ($(head -1 "${OUT}/simulator.log"))"
fi

step "Running: ansible-playbook kentik.kmi.market_report  (AS${ASN}, market ${MARKET})"
ANSIBLE_COLLECTIONS_PATH="${COLLECTIONS}" ANSIBLE_NOCOLOR=1 ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    "${BIN}/ansible-playbook" kentik.kmi.market_report \
    -e "market_report_asn=${ASN}" -e "{\"market_report_markets\": [\"${MARKET}\"]}" -e "market_report_output_dir=${OUT}"

step "Done. Open the report: ${OUT}"
for file in "${OUT}"/*; do
    case "${file}" in */simulator.log) ;; *) echo "  ${file}" ;; esac
done
