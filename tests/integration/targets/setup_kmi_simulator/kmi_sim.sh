# shellcheck shell=bash
# Sourced by the runme.sh of every kentik.kmi integration target (they list needs/target/setup_kmi_simulator,
# so ansible-test copies this folder next to them). Provides:
#   kmi_sim_start [ARGS]     start the KMI simulator on a free loopback port (stopped by an EXIT trap) and write
#                            $KMI_IT_INVENTORY (localhost + host001..host050) and $KMI_IT_VARS (url, users, tokens);
#                            ARGS go to the simulator after `--dataset small` (e.g. --dataset generated:7:20000;
#                            --tls-cert F --tls-key K for HTTPS)
#   kmi_playbook NAME ARGS   run ansible-playbook -vvvv with them, output to $KMI_IT_TMP/NAME.log, and fail
#                            when a token of the test users appears in that output
#   kmi_with_env CMD...      run CMD with KTAPI_URL/KTAPI_AUTH_EMAIL/KTAPI_AUTH_TOKEN set to the KMI test user
#   kmi_sim_control URL CMD  the simulator's control API from a shell (simulator/control.py)
# and puts lookup_plugins/ on ANSIBLE_LOOKUP_PLUGINS: playbooks reach the control API with lookup('kmi_sim', ...).
#
# The tokens are long random strings, so a leak cannot hide behind a common word. They reach Ansible only through
# an extra-vars file and the controller's environment, never a command line: `set -x` would echo it, and so would
# Ansible, which prints a task's `environment:` keyword in its EXEC lines at -vvv (modules get the token as an
# option, from module_defaults or vars, and lookups from vars, kwargs or the controller's environment).

set -o pipefail

# The Python that runs ansible-test (and Ansible); the simulator needs nothing but its standard library.
KMI_PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}

ANSIBLE_LOOKUP_PLUGINS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lookup_plugins${ANSIBLE_LOOKUP_PLUGINS:+:${ANSIBLE_LOOKUP_PLUGINS}}"
export ANSIBLE_LOOKUP_PLUGINS

# xtrace off for the lines that handle tokens; _kmi_trace_on restores it.
_kmi_trace_off() { case $- in *x*) _KMI_TRACE=1; set +x ;; *) _KMI_TRACE= ;; esac; }
_kmi_trace_on() { if [ -n "${_KMI_TRACE}" ]; then set -x; fi; }

_kmi_collection_root() {
    # ansible-test runs a copy of the target under tests/output/.tmp and puts the folder that holds
    # ansible_collections/ on ANSIBLE_COLLECTIONS_PATH; outside ansible-test, walk up from here.
    local dir entry
    IFS=: read -ra _kmi_paths <<< "${ANSIBLE_COLLECTIONS_PATH:-}"
    for entry in "${_kmi_paths[@]}"; do
        dir="${entry}/ansible_collections/kentik/kmi"
        if [ -f "${dir}/simulator/__main__.py" ]; then echo "${dir}"; return 0; fi
    done
    dir=$(pwd)
    while [ "${dir}" != / ]; do
        if [ -f "${dir}/simulator/__main__.py" ] && [ -f "${dir}/galaxy.yml" ]; then echo "${dir}"; return 0; fi
        dir=$(dirname "${dir}")
    done
    echo "kmi_sim.sh: cannot find the collection root (the folder with simulator/)" >&2
    return 1
}

kmi_sim_stop() {
    if [ -n "${KMI_SIM_PID:-}" ]; then
        kill "${KMI_SIM_PID}" 2>/dev/null || true
        wait "${KMI_SIM_PID}" 2>/dev/null || true
        KMI_SIM_PID=
    fi
}

kmi_sim_start() {
    local root port scheme health
    root=$(_kmi_collection_root)
    KMI_IT_TMP=$(mktemp -d "${OUTPUT_DIR:-/tmp}/kmi-it.XXXXXX")
    KMI_IT_INVENTORY="${KMI_IT_TMP}/inventory.ini"
    KMI_IT_VARS="${KMI_IT_TMP}/kmi_it_vars.yml"
    export KMI_IT_TMP KMI_IT_INVENTORY KMI_IT_VARS
    # Not to be picked up by mistake: each test sets connection options itself.
    unset KTAPI_URL KTAPI_AUTH_EMAIL KTAPI_AUTH_TOKEN KTAPI_REGION

    _kmi_trace_off
    KMI_IT_TOKEN=$("${KMI_PYTHON}" -c 'import secrets; print("kmiIT" + secrets.token_hex(24))')
    KMI_IT_NOKMI_TOKEN=$("${KMI_PYTHON}" -c 'import secrets; print("kmiNOKMI" + secrets.token_hex(24))')
    # The email is the other half of the credential (Kentik's X-CH-Auth-Email header): random too, and
    # scanned for like the tokens. Exported for the targets that run Ansible themselves (awx_runner).
    KMI_IT_EMAIL="kmi-it-$("${KMI_PYTHON}" -c 'import secrets; print(secrets.token_hex(8))')@example.com"
    KMI_IT_NOKMI_EMAIL="nokmi-it-$("${KMI_PYTHON}" -c 'import secrets; print(secrets.token_hex(8))')@example.com"
    export KMI_IT_EMAIL KMI_IT_NOKMI_EMAIL
    (cd "${root}" && exec "${KMI_PYTHON}" -m simulator --dataset small --port 0 --port-file "${KMI_IT_TMP}/port" \
        --user "${KMI_IT_EMAIL}:${KMI_IT_TOKEN}" --user-without-kmi "${KMI_IT_NOKMI_EMAIL}:${KMI_IT_NOKMI_TOKEN}" "$@") \
        > "${KMI_IT_TMP}/simulator.out" 2>&1 &
    KMI_SIM_PID=$!
    _kmi_trace_on
    trap kmi_sim_stop EXIT

    # A generated dataset takes its time to build before the port file appears (about 30 s for 75,000 ASes).
    for _ in $(seq 1200); do
        if [ -s "${KMI_IT_TMP}/port" ]; then break; fi
        if ! kill -0 "${KMI_SIM_PID}" 2>/dev/null; then cat "${KMI_IT_TMP}/simulator.out" >&2; return 1; fi
        sleep 0.1
    done
    port=$(cat "${KMI_IT_TMP}/port")
    scheme=http
    case " $* " in *" --tls-cert "*) scheme=https ;; esac
    KMI_IT_URL="${scheme}://127.0.0.1:${port}"
    export KMI_IT_URL
    health=$(kmi_sim_control "${KMI_IT_URL}" wait '{"seconds": 10}') || return 1
    echo "simulator healthy: ${health}"

    cat > "${KMI_IT_INVENTORY}" <<INI
[local]
localhost

[fifty]
host[001:050]

[all:vars]
ansible_connection=local
ansible_pipelining=true
# pyenv shims may be broken: run modules with the Python that runs ansible-playbook
ansible_python_interpreter="{{ ansible_playbook_python }}"
INI

    _kmi_trace_off
    (umask 077 && cat > "${KMI_IT_VARS}" <<YAML
kmi_it_url: ${KMI_IT_URL}
kmi_it_email: ${KMI_IT_EMAIL}
kmi_it_token: ${KMI_IT_TOKEN}
kmi_it_nokmi_email: ${KMI_IT_NOKMI_EMAIL}
kmi_it_nokmi_token: ${KMI_IT_NOKMI_TOKEN}
kmi_it_collection_root: ${root}
YAML
    )
    _kmi_trace_on
}

# kmi_sim_control URL COMMAND [JSON]: the simulator's control API through its one client (simulator/control.py);
# prints the answer as JSON. COMMAND: health, wait, reset, log, faults or rate_limit.
kmi_sim_control() {
    PYTHONPATH="$(_kmi_collection_root)${PYTHONPATH:+:${PYTHONPATH}}" "${KMI_PYTHON}" -m simulator.control "$@"
}

# kmi_secret_lines FILE...: how many lines of FILE(s) hold a test user's token or email, in any letter case, the
# emails also percent-encoded (the simulator's echo fault sends them back so).
kmi_secret_lines() {
    local count
    _kmi_trace_off
    count=$(cat "$@" | grep -c -i -F -e "${KMI_IT_TOKEN}" -e "${KMI_IT_NOKMI_TOKEN}" -e "${KMI_IT_EMAIL}" -e "${KMI_IT_NOKMI_EMAIL}" \
        -e "${KMI_IT_EMAIL//@/%40}" -e "${KMI_IT_NOKMI_EMAIL//@/%40}" || true)
    _kmi_trace_on
    echo "${count}"
}

# kmi_check_log FILE: fail when a token or email of the test users appears in FILE.
kmi_check_log() {
    local leaks
    leaks=$(kmi_secret_lines "$1")
    if [ "${leaks}" != 0 ]; then
        echo "SECRET LEAK: a test user's API token or email appears on ${leaks} line(s) of $1" >&2
        return 1
    fi
    # The check is only worth something if the output is really -vvvv.
    if ! grep -q -x 'verbosity: 4' "$1"; then
        echo "kmi_check_log: $1 does not look like -vvvv output" >&2
        return 1
    fi
}

# kmi_playbook NAME [ansible-playbook arguments...]
# The -vvvv output goes to the log only (it is large); on success the play recap is shown, on failure the log's end.
kmi_playbook() {
    local log="${KMI_IT_TMP}/$1.log" rc=0
    shift
    ansible-playbook -vvvv -i "${KMI_IT_INVENTORY}" -e "@${KMI_IT_VARS}" "$@" > "${log}" 2>&1 || rc=$?
    if [ "${rc}" != 0 ]; then
        kmi_check_log "${log}" || true  # a leak is reported even when the play failed
        tail -n 200 "${log}"
        echo "kmi_playbook: ansible-playbook $* failed (exit ${rc}); -vvvv output above and in ${log}" >&2
        return "${rc}"
    fi
    kmi_check_log "${log}"
    sed -n '/^PLAY RECAP/,$p' "${log}"
}

# kmi_with_env CMD...: CMD with the KMI test user in KTAPI_* (the controller's environment).
kmi_with_env() {
    _kmi_trace_off
    KTAPI_URL="${KMI_IT_URL}" KTAPI_AUTH_EMAIL="${KMI_IT_EMAIL}" KTAPI_AUTH_TOKEN="${KMI_IT_TOKEN}" "$@"
    local rc=$?
    _kmi_trace_on
    return "${rc}"
}
