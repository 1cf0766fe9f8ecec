#!/usr/bin/env bash
# A persistent cache that other local users could forge is never served, to lookups and modules alike. A lookup
# and a module (in the controller's process) share one jsonfile folder: 3 entries (ListMarkets, Germany's and
# France's rankings). After a cold run (3 requests) and a warm one (0), each way of forging the folder is tried;
# the next run must send all 3 requests again (both markets: the lookup's entry and the module's), get the first
# run's names, and say at -v, once per entry, why it did not use it; the run after it is answered from the cache
# again (the entries were written anew). Then: the folder is private (0700) and its entries are too (0600); a
# folder open to others gets one warning; one others can write, or (as root) one another user owns, is not used.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start

cache="${KMI_IT_TMP}/cache"
prefix=kentik_kmi_
export KENTIK_KMI_CACHE=true KENTIK_KMI_CACHE_CONNECTION="${cache}" KENTIK_KMI_CACHE_PREFIX="${prefix}"
play_args=(forged.yml -e "kmi_forged_dir=${KMI_IT_TMP}")

# forged_run NAME REQUESTS [ARGS...]: a run (ARGS added) that sends REQUESTS requests.
forged_run() {
    local name=$1 requests=$2
    shift 2
    kmi_playbook "${name}" "${play_args[@]}" -e "kmi_forged_requests=${requests}" "$@"
}
# said NAME COUNT TEXT: TEXT is in COUNT lines of run NAME's output.
said() { test "$(grep -c -F -- "$3" "${KMI_IT_TMP}/$1.log" || true)" = "$2"; }
entries() { find "${cache}" -maxdepth 1 -name "${prefix}*" "$@"; }
modes() { entries -printf '%m\n' | sort -u | tr '\n' ' '; }

forged_run cold 3 -e kmi_forged_first=true
said cold 0 "is not used"
test "$(entries | wc -l)" = 3
test "$(stat -c %a "${cache}")" = 700
test "$(modes)" = "600 "
forged_run warm 0

refused="kentik.kmi cache: the ansible.builtin.jsonfile cache entry"
# A name changed in every entry, with the plain SHA-256 of the changed answer recomputed.
"${KMI_PYTHON}" forge.py "${cache}" "${prefix}" rename
forged_run renamed 3
said renamed 3 "${refused} "
said renamed 3 "is not used, bad signature (not written with this account's API token, or changed since); asking the KMI API"
forged_run renamed-again 0
# Every entry stored ten years ahead (so that it would never expire).
"${KMI_PYTHON}" forge.py "${cache}" "${prefix}" future
forged_run future 3
said future 3 "is not used, bad signature"
forged_run future-again 0
# Entries that others can write.
entries -exec chmod 666 {} +
forged_run world-writable 3
said world-writable 3 "is not used, other users can write its file ${cache}/"
test "$(modes)" = "600 "
forged_run world-writable-again 0

# A folder others can write: no entry of it is used, with one warning for the run, until it is private again.
chmod 777 "${cache}"
forged_run open-folder 3
said open-folder 3 "is not used, other users can write its folder ${cache} (mode 0777)"
said open-folder 1 "the jsonfile cache's entries are not used, each answer is asked of the KMI API again"
forged_run open-folder-again 3
chmod 755 "${cache}"  # others can enter and read it, not write: used, with one warning for the run
forged_run readable-folder 0
said readable-folder 1 "the jsonfile cache folder ${cache} is open to other users (mode 0755)"
chmod 700 "${cache}"
forged_run private-again 0
said private-again 0 "open to other users"

# Entries another user owns (only root can give files away).
if [ "$(id -u)" = 0 ]; then
    entries -exec chown 65534 {} +
    forged_run foreign 3
    said foreign 3 "belongs to another user (uid 65534)"
    forged_run foreign-again 0
else
    echo "not root: the case of entries another user owns is left to the unit tests"
fi
