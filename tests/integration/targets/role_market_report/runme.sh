#!/usr/bin/env bash
# The kentik.kmi.market_report role and collection playbook against the KMI simulator (small dataset): the requests,
# the files and their content (check.yml), then the HTML page in headless Chromium: a screenshot that must not be
# blank (png_check.py) and the rendered DOM, which must hold the report's tables and charts (dom_check.py).
# Chromium comes from the Debian package chromium, installed when missing (kmi_checks.sh; when it cannot be, only
# the browser checks are skipped, with a SKIP line saying why).
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
source ../setup_kmi_simulator/kmi_checks.sh
kmi_sim_start

OUT="${KMI_IT_TMP}/out"
HERE=$(pwd)

# The collection playbook, AS64501 in Germany and the global market, connection from kmi_api_* variables (a vars
# file of templates, never the token itself). The simulator is fresh: its log holds this run's requests only.
cat > "${KMI_IT_TMP}/playbook_vars.yml" <<VARS
kmi_api_url: "{{ kmi_it_url }}"
kmi_api_email: "{{ kmi_it_email }}"
kmi_api_token: "{{ kmi_it_token }}"
market_report_asn: 64501
market_report_markets: [DE, planet\$earth]
market_report_output_dir: ${OUT}/two
VARS
kmi_playbook playbook kentik.kmi.market_report -e "@${KMI_IT_TMP}/playbook_vars.yml"
# The summary line of each market, then the top 3 of each list with its name and reason.
grep -F "\"Global (planet\$earth): rank 8; peer with AS64496, AS64499, AS64498; transit from AS64496, AS64499, AS64498; 3 single-homed customer(s) at risk\"," \
    "${KMI_IT_TMP}/playbook.log"
grep -F "\"peer with AS64496 ATLAS-BACKBONE Atlas Global Networks: rank 1 in Global (score 3413); not a peer, customer or provider of AS64501\"," \
    "${KMI_IT_TMP}/playbook.log"
grep -F "\"transit from AS64502 ALPENWEB AlpenWeb Netze GmbH: rank 3 in Germany, 10.2% of the ranking's total score; buys transit from your provider AS64497; already peers with AS64501\"," \
    "${KMI_IT_TMP}/playbook.log"
grep -F "\"at risk: AS64509 HAFEN-ISP Hafen Internet GmbH: single-homed behind AS64501: an outage of AS64501 cuts it off\"," \
    "${KMI_IT_TMP}/playbook.log"

# The requests, the files and their content; the role on AS64504 in GB and Japan; bad input.
kmi_playbook check check.yml -e "kmi_it_out=${OUT}"

# The playbook again with KTAPI_* in the environment (module_defaults omits the undefined kmi_api_* variables): one
# market, two formats, the AS written as64501, a trailing slash on the folder: no index, the same data.
kmi_with_env kmi_playbook playbook-env kentik.kmi.market_report -e market_report_asn=as64501 \
    -e '{"market_report_markets": ["Germany"], "market_report_formats": ["json", "csv"]}' -e "market_report_output_dir=${OUT}/one/"
[ "$(cd "${OUT}/one" && echo *)" = "64501-country_de.csv 64501-country_de.json" ]
cmp "${OUT}/one/64501-country_de.csv" "${OUT}/two/64501-country_de.csv"
"${KMI_PYTHON}" - "${OUT}/one/64501-country_de.json" "${OUT}/two/64501-country_de.json" <<'PY'
import json, sys
one, two = (json.load(open(path)) for path in sys.argv[1:])
for report in (one, two):
    del report["report"]["generated_at"]
assert one == two, "the JSON reports of the two runs differ"
PY

# Run from an empty folder with a relative output folder, as the README does: the reports land in that folder (not
# next to the collection's playbook, where modules run), and the playbook prints their absolute paths.
USER_DIR=$(mkdir -p "${KMI_IT_TMP}/user" && cd "${KMI_IT_TMP}/user" && pwd -P)
(cd "${USER_DIR}" && kmi_with_env kmi_playbook playbook-relative kentik.kmi.market_report -e market_report_asn=64501 \
    -e '{"market_report_markets": ["DE"], "market_report_formats": ["csv"]}' -e market_report_output_dir=./report)
[ "$(cd "${USER_DIR}" && echo */*)" = "report/64501-country_de.csv" ]
grep -F "\"${USER_DIR}/report/64501-country_de.csv\"" "${KMI_IT_TMP}/playbook-relative.log"

# The page in a real browser.
kmi_need_chromium
if [ -n "${BROWSER_SKIP}" ]; then
    echo "SKIP: the HTML checks in headless Chromium (screenshot, DOM): ${BROWSER_SKIP}"
    exit 0
fi
chromium --version 2>/dev/null
PAGE="file://${OUT}/two/64501-planet_earth.html"
SHOT="${KMI_IT_TMP}/64501-planet_earth.png"
kmi_chromium --screenshot="${SHOT}" --window-size=1280,2000 "${PAGE}" > "${KMI_IT_TMP}/chromium.log" 2>&1 \
    || { cat "${KMI_IT_TMP}/chromium.log"; exit 1; }
"${KMI_PYTHON}" "${HERE}/png_check.py" "${SHOT}"
kmi_chromium --dump-dom "${PAGE}" > "${KMI_IT_TMP}/dom.html" 2> "${KMI_IT_TMP}/chromium-dom.log" \
    || { cat "${KMI_IT_TMP}/chromium-dom.log"; exit 1; }
"${KMI_PYTHON}" "${HERE}/dom_check.py" "${KMI_IT_TMP}/dom.html"
echo "browser checks passed"
