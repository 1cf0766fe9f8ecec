#!/usr/bin/env bash
# kentik.kmi in an AWX job: ansible-runner (AWX's executor) runs a private data dir laid out as AWX lays
# it out, with the Kentik user injected by the credential type of docs/awx/credential_type.yml (its
# injectors rendered as AWX renders them: env/envvars and env/extravars). Then no file of the job's
# artifacts (job events, stdout, stderr, status) may hold the user's token or email, except `command`: runner
# always copies the job's environment there (mode 0600), so check_events.py checks that the token is
# in it only under a name that AWX masks when it stores the job's environment (KTAPI_AUTH_TOKEN).
set -eux
source ../setup_kmi_simulator/kmi_sim.sh

# ansible-runner in the Python that runs Ansible (tests/requirements-dev.txt installs it for `make`).
if ! "${KMI_PYTHON}" -c 'import ansible_runner' 2>/dev/null; then
    "${KMI_PYTHON}" -m pip install --quiet 'ansible-runner==2.4.*'
fi

kmi_sim_start
root=$(_kmi_collection_root)
job="${KMI_IT_TMP}/private_data_dir"
mkdir -p "${job}/project" "${job}/inventory" "${job}/env"
cp main.yml "${job}/project/main.yml"
cat > "${job}/inventory/hosts" <<'INI'
localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"
INI

# The credential's inputs reach the renderer through its environment only (kmi_with_env), never argv.
kmi_with_env "${KMI_PYTHON}" render_injectors.py "${root}/docs/awx/credential_type.yml" "${job}" \
    "{\"kmi_it_url\": \"${KMI_IT_URL}\", \"kmi_it_tasks\": \"$(pwd)/../setup_kmi_simulator/tasks\"}"

# Runner runs ansible-playbook from PATH (ansible-test's) with os.environ + env/envvars: no KTAPI_* of ours.
rc=0
"${KMI_PYTHON}" -m ansible_runner run "${job}" -p main.yml --ident job1 -vvvv > "${KMI_IT_TMP}/runner.out" 2>&1 || rc=$?
artifacts="${job}/artifacts/job1"
if [ "${rc}" != 0 ]; then
    tail -n 100 "${artifacts}/stdout" 2>/dev/null || tail -n 100 "${KMI_IT_TMP}/runner.out"
    echo "awx_runner: ansible-runner failed (exit ${rc}); its output is in ${KMI_IT_TMP}/runner.out and ${artifacts}" >&2
fi

# No token and no email in any artifact but `command` (see above), whether the job passed or not.
_kmi_trace_off
leaks=$(grep -r -l -F --exclude=command -e "${KMI_IT_TOKEN}" -e "${KMI_IT_EMAIL}" "${job}/artifacts" "${KMI_IT_TMP}/runner.out" || true)
_kmi_trace_on
if [ -n "${leaks}" ]; then
    echo "SECRET LEAK: the test user's API token or email appears in: ${leaks}" >&2
    exit 1
fi
[ "${rc}" = 0 ]

echo "awx_runner: no token or email in $(find "${job}/artifacts" -type f ! -name command | wc -l) artifact files ($(du -sk "${job}/artifacts" | cut -f1) kB) and runner's output"
kmi_with_env "${KMI_PYTHON}" check_events.py "${artifacts}"
sed -n '/^PLAY RECAP/,$p' "${artifacts}/stdout"
