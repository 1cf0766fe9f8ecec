#!/usr/bin/env bash
# Many forks: 100 hosts in 20 forks each template a lookup (6 distinct KMI requests in all) with the persistent cache
# on (ansible.builtin.jsonfile in one folder shared by every fork and every run). Between runs the cache folder is
# damaged as torn writes would leave it, aged past its TTL, and runs are killed with SIGKILL at several points:
# before any request, with requests in flight (the simulator delays its answers), after some entries were written,
# halfway through writing an entry (cache_plugins/forks_slow_jsonfile.py: jsonfile, with a pause in mid-write), and
# once ansible-playbook alone (its workers, which call setsid(), go on
# and finish). After each step the next complete run must
#   - give every host exactly the reference answers (no corrupt entry is ever read, no host fails),
#   - send exactly one request per distinct request whose entry was missing, unsound or expired (none for the
#     others), never two for the same request,
#   - leave only sound entries, and no file of the cache (or of a killed run's run cache) holds the API token
#     or the email of the test user.
# A killed run itself sends at most one request per distinct request (the run's single-flight lock), and leaves only
# sound entries; the totals per distinct request over the whole test are printed at the end.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
here=$(pwd)

kmi_sim_start

cache="${KMI_IT_TMP}/cache"
export KMI_FORKS_CACHE="${cache}" KMI_FORKS_PREFIX=kentik_kmi_
# Each run's run cache lives in a folder under this one; a killed run cannot remove its own, so it stays for
# inspection (and must not matter to later runs, which get folders of their own).
export ANSIBLE_LOCAL_TEMP="${KMI_IT_TMP}/local"
mkdir -p "${ANSIBLE_LOCAL_TEMP}"  # the cache folder is made by the first run that uses it: private (0700)
inventory="${KMI_IT_TMP}/hundred.ini"
cat > "${inventory}" <<'INI'
[hundred]
host[001:100]

[all:vars]
ansible_connection=local
ansible_pipelining=true
ansible_python_interpreter="{{ ansible_playbook_python }}"
INI
play_args=(-i "${inventory}" -e "kmi_forks_cache_dir=${cache}" -e "kmi_forks_expected=${KMI_IT_TMP}/expected.json")
QUERIES=6  # distinct requests of answers.yml over the two kinds of host

tool() { KMI_IT_COLLECTION_ROOT="$(_kmi_collection_root)" "${KMI_PYTHON}" "${here}/forks_tool.py" "$@"; }
field() { tool field "$1" "$2"; }

# forks_run NAME EXPECTED: a complete run; exactly EXPECTED requests, none twice; every entry sound afterwards.
forks_run() {
    local name=$1 expected=$2 since summary state started=${SECONDS}
    since=$(tool mark)
    kmi_playbook "${name}" forks.yml --forks 20 "${play_args[@]}"
    summary=$(tool requests "${since}")
    echo "${name}: $((SECONDS - started)) s, requests ${summary}"
    test "$(field "${summary}" total)" = "${expected}"
    test "$(field "${summary}" max_per_request)" -le 1
    test "$(field "${summary}" statuses)" = '["200"]' || test "${expected}" = 0
    state=$(tool inspect "${cache}" "${ANSIBLE_LOCAL_TEMP}")
    echo "${name}: cache ${state}"
    test "$(field "${state}" entries)" = "${QUERIES}"
    test "$(field "${state}" sound)" = "${QUERIES}"
    COMPLETE_REQUESTS=$((COMPLETE_REQUESTS + expected))
}

# forks_kill NAME MODE TRIGGER [ARGS...]: a run (ARGS added to its command line) killed when TRIGGER fires
# (forks_tool.py kill: MODE tree kills ansible-playbook and all its workers, MODE main only ansible-playbook, and
# waits for its orphaned workers to finish). The trigger must fire. What the run leaves must be sound entries or
# nothing, and it sends no request twice. The request counts are taken once the simulator has no connection open,
# so that a request a killed worker wrote just before it died counts for its run. Sets SOUND to the number of sound
# entries left, which the next complete run does not need to fetch, and REPORT to forks_tool.py kill's report.
forks_kill() {
    local name=$1 mode=$2 trigger=$3 since summary report state leaks
    shift 3
    since=$(tool mark)
    report=$(tool kill "${mode}" "${trigger}" "${KMI_IT_TMP}/${name}.log" -- \
        ansible-playbook -vvvv -i "${KMI_IT_INVENTORY}" -e "@${KMI_IT_VARS}" forks.yml --forks 20 "${play_args[@]}" "$@")
    summary=$(tool requests "${since}")
    state=$(tool inspect "${cache}" "${ANSIBLE_LOCAL_TEMP}")
    echo "${name}: ${report}; requests ${summary}; cache ${state}"
    echo "${name} ${report} $(field "${summary}" total)" >> "${KMI_IT_TMP}/kills.txt"
    test "$(field "${report}" killed)" = true
    test "$(field "${summary}" max_per_request)" -le 1
    test "$(field "${state}" unsound)" = '{}'
    leaks=$(kmi_secret_lines "${KMI_IT_TMP}/${name}.log")  # kmi_playbook's check, for a log that may be cut short
    test "${leaks}" = 0
    SOUND=$(field "${state}" sound)
    REPORT=${report}
    KILLED_REQUESTS=$((KILLED_REQUESTS + $(field "${summary}" total)))
}

# The reference answers, without the persistent cache.
kmi_playbook reference reference.yml -e "kmi_forks_expected=${KMI_IT_TMP}/expected.json"
first=$(tool mark)
COMPLETE_REQUESTS=0
KILLED_REQUESTS=0

# 1. Cold: one request per distinct request for 100 hosts in 20 forks. 2. Warm: none.
forks_run cold "${QUERIES}"
forks_run warm 0
# The folder, made by the first run, is private (0700), and so is every entry (0600).
state=$(tool inspect "${cache}")
test "$(field "${state}" folder_mode)" = 0700
test "$(field "${state}" modes)" = '["0600"]'

# 3. Torn, empty, tampered, swapped and binary entries, plus the temporary files a writer killed before its rename
#    leaves: the five unsound entries are fetched again (once each), the sound one is used, the debris is ignored.
damaged=$(tool damage "${cache}")
forks_run damaged "${damaged}"
state=$(tool inspect "${cache}")
test "$(field "${state}" strays)" = '["tmpkmiempty", "tmpkmitorn"]'

# 4. The next TTL window (every entry made two hours older; the TTL is one hour): one request each again.
tool age "${cache}" 7200
forks_run expired "${QUERIES}"

# 5. Killed runs. Every answer is delayed by 1.5 s, so that requests are in flight when the kill comes; the cache
#    is emptied before each round, so that the kills hit runs that have everything to fetch.
rm -f "${cache}/${KMI_FORKS_PREFIX}"*
tool latency 1500
forks_kill killed-early tree delay:1.5
forks_kill killed-in-flight tree requests:1
tool latency 0
forks_run after-kills-1 $((QUERIES - SOUND))

rm -f "${cache}/${KMI_FORKS_PREFIX}"*
tool latency 1500
# kill -9 of ansible-playbook alone: its workers (in sessions of their own) finish their lookups and write the cache.
forks_kill killed-main-only main requests:1
rm -f "${cache}/${KMI_FORKS_PREFIX}"*
forks_kill killed-after-two-entries tree entries:2
tool latency 0
# Every write pauses 2 s halfway through its temporary file; the run is killed in the first such pause. The torn
# temporary file it leaves (one per worker caught in a write: one, or more on a loaded machine) is one more stray,
# which the next run ignores like the planted ones.
export KMI_FORKS_SLOW_WRITE=2
forks_kill killed-in-a-write tree write -e kmi_forks_cache_plugin=forks_slow_jsonfile
unset KMI_FORKS_SLOW_WRITE
test "$(field "${REPORT}" write_seen)" != None
test "$(field "${REPORT}" strays_after | tr -cd , | wc -c)" -ge 2  # the two planted names and at least one torn file
forks_run after-kills-2 $((QUERIES - SOUND))

# Every request of the test: the complete runs sent exactly one per distinct request whose entry was missing,
# unsound or expired (asserted run by run), the killed runs at most one per distinct request each, and nothing came
# later (an orphaned worker of a killed run finishing after its count would show here).
summary=$(tool requests "${first}")
tool table "${first}"
cat "${KMI_IT_TMP}/kills.txt"
test "$(field "${summary}" total)" = $((COMPLETE_REQUESTS + KILLED_REQUESTS))
tool inspect "${cache}" "${ANSIBLE_LOCAL_TEMP}"
echo "run-cache folders left by killed runs: $(find "${ANSIBLE_LOCAL_TEMP}" -mindepth 1 -maxdepth 1 | wc -l)"
