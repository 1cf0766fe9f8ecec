#!/usr/bin/env bash
# The fault matrix (issue 7): every fault of the simulator's fault plan, through a module task and a lookup, with the
# attempts and their spacing read from the simulator's log; then Kentik's documented rate limits against a play of
# 100 requests. Writes the matrix as a Markdown table to $KMI_IT_TMP/fault_matrix.md (and /tmp/kmi-fault-matrix.md).
#
# Kentik's hard limit is per minute and the client paces per minute, so the rate-limit play needs a real minute:
# it runs in the background, against a simulator of its own (the routeviews dataset, for 100 distinct networks),
# while the fault matrix runs against the usual one.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh

kmi_sim_start --dataset routeviews
RL_TMP=${KMI_IT_TMP}
RL_SIM_PID=${KMI_SIM_PID}
KMI_SIM_PID=  # kmi_sim_stop of the next start must not take this one
(kmi_playbook rate_limit rate_limit.yml) > "${RL_TMP}/rate_limit.out" 2>&1 &
RL_JOB=$!

# A second listener on another port, where the redirect cases point: it must see no request at all.
kmi_sim_start
ELSEWHERE_URL=${KMI_IT_URL}
ELSEWHERE_SIM_PID=${KMI_SIM_PID}
KMI_SIM_PID=

kmi_sim_start
trap 'kill "${RL_SIM_PID}" "${ELSEWHERE_SIM_PID}" 2>/dev/null || true; kmi_sim_stop' EXIT
# A loopback port nobody listens on, for "connection refused".
CLOSED_PORT=$("${KMI_PYTHON}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
started=${SECONDS}
matrix_rc=0
kmi_playbook faults faults.yml -e "kmi_fm_closed_port=${CLOSED_PORT}" -e "kmi_fm_elsewhere=${ELSEWHERE_URL}" || matrix_rc=$?
matrix_seconds=$((SECONDS - started))
elsewhere=$(kmi_sim_control "${ELSEWHERE_URL}" log | "${KMI_PYTHON}" -c '
import json, sys
log = json.load(sys.stdin)["requests"]
print("%d requests, %d with credentials" % (len(log), sum(1 for entry in log if entry["credentials"])))')

rl_rc=0
wait "${RL_JOB}" || rl_rc=$?
cat "${RL_TMP}/rate_limit.out"
rl_seconds=$((SECONDS - started))

{
    cat "${KMI_IT_TMP}/fault_matrix_cases.md" 2>/dev/null || echo "(the fault matrix play wrote no table; exit ${matrix_rc})"
    echo
    cat "${RL_TMP}/rate_limit.md" 2>/dev/null || echo "(the rate-limit play wrote no summary; exit ${rl_rc})"
    echo
    echo "Fault matrix play: ${matrix_seconds} s; rate-limit play (in parallel): ${rl_seconds} s."
    echo "The listener the redirects pointed to saw ${elsewhere}."
} > "${KMI_IT_TMP}/fault_matrix.md"
set +x
echo "==================== fault matrix ===================="
cat "${KMI_IT_TMP}/fault_matrix.md"
echo "======================================================"
if { [ ! -e /tmp/kmi-fault-matrix.md ] && [ -w /tmp ]; } || [ -w /tmp/kmi-fault-matrix.md ]; then
    cp "${KMI_IT_TMP}/fault_matrix.md" /tmp/kmi-fault-matrix.md || true
fi
set -x
[ "${matrix_rc}" = 0 ] && [ "${rl_rc}" = 0 ] && [ "${elsewhere}" = "0 requests, 0 with credentials" ]
