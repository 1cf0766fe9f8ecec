#!/usr/bin/env bash
# One request budget per Kentik account. Two ansible-playbook runs at once, 6 forks each, one with module tasks
# and one with lookups, share a jsonfile cache folder (KENTIK_KMI_CACHE*) and with it the account's request ledger.
# The simulator enforces a hard limit lowered to 6 requests a minute (requests_per_minute 6 on our side, so the
# test takes a minute, not an hour), and the two runs ask 11 distinct requests between them: 6 go at once, the
# other 5 a minute later. No 429 may be answered and no request may be sent twice.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
export KENTIK_KMI_CACHE=true KENTIK_KMI_CACHE_CONNECTION="${KMI_IT_TMP}/cache"
kmi_playbook limits limits.yml
kmi_playbook modules budget.yml -e kmi_budget_way=module -e kmi_budget_first=0 --forks 6 &
modules=$!
kmi_playbook lookups budget.yml -e kmi_budget_way=lookup -e kmi_budget_first=3 --forks 6 &
lookups=$!
wait "${modules}"
wait "${lookups}"
kmi_playbook check check.yml
