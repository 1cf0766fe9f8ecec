# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the many_forks target: read the simulator's request log, inspect, damage and age the
persistent cache folder, and run ansible-playbook to kill it at a chosen point.

python forks_tool.py mark                      print how many requests the simulator has logged
python forks_tool.py latency MS                delay every answer of the simulator by MS milliseconds
python forks_tool.py field JSON NAME           print one field of a JSON document
python forks_tool.py requests SINCE            JSON: the requests logged after the first SINCE, by distinct request
python forks_tool.py table SINCE               the same counts as a table, for people
python forks_tool.py inspect DIR [DIR...]      JSON: entries of the persistent cache in the first DIR (sound or not),
                                               stray temporary files; fails when the API token or the email is in a
                                               name or a file of any DIR (the others: run caches of killed runs)
python forks_tool.py damage DIR                tear, empty, garble and swap entries as a torn write or a bad disk
                                               would; print how many entries are now unsound
python forks_tool.py age DIR SECONDS           make every entry SECONDS older (its stored time and its mtime)
python forks_tool.py kill MODE TRIGGER LOG -- CMD
                                               run CMD; when TRIGGER fires, SIGKILL it with all its descendants
                                               (MODE tree) or only itself (MODE main); print JSON about it

TRIGGER: delay:S (S seconds after the start), requests:N (the simulator has logged N requests of this run),
entries:N (N entries in the cache folder), write (a write of the cache plugin is under way: a new temporary
file in the folder or an entry that does not parse yet; with cache_plugins/forks_slow_jsonfile.py and
KMI_FORKS_SLOW_WRITE, every write pauses halfway, so the kill lands inside it).

Every count of requests is taken once the simulator has no other connection open and its log held still for
0.3 s: a request that a killed worker wrote just before it died is logged a moment after the kill.

KMI_IT_URL (the simulator), KMI_IT_COLLECTION_ROOT (where its control client simulator/control.py is),
KMI_IT_VARS (the file with the token and email), KMI_FORKS_CACHE (the folder) and
KMI_FORKS_PREFIX (the entries' file prefix) come from the environment.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

# The simulator's control client, and the cache entry's own checks: the collection's root (runme.sh sets it) and the
# folder that holds ansible_collections/.
sys.path[:0] = [os.environ["KMI_IT_COLLECTION_ROOT"], os.path.abspath(os.path.join(os.environ["KMI_IT_COLLECTION_ROOT"], "..", "..", ".."))]
# pylint: disable=wrong-import-position
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_account import cache_secret  # noqa: E402
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache_entry import envelope, problem  # noqa: E402
from simulator.control import Control  # noqa: E402

SHARED = ".kentik_kmi"  # plugin_utils/_kmi_cache.py SHARED_FOLDER: the runs' lock files and request ledger, not an entry
# ansible-core 2.19 wraps every cache plugin: the file of key K is PREFIX + "s<schema>_" + K and holds
# {"__payload__": "<the value as JSON text>"}; older versions use PREFIX + K and the value itself.
SCHEMA = re.compile(r"^s[0-9]+_")
PAYLOAD = "__payload__"


def _control():
    return Control(os.environ["KMI_IT_URL"])


def _sim_log():
    return _control().log()


def _settled_log():
    """The simulator's log once no other connection is being served and the count held still for 0.3 s. A run
    killed with SIGKILL may have written a request that the simulator reads (and logs) a moment later; counting
    before then credits that request to no run, and the final total is one more than the sum of the runs."""
    return _control().settled_log()


def _request_name(entry):
    query = "&".join("%s=%s" % (k, ",".join(v)) for k, v in sorted(entry["query"].items()))
    return "%s %s %s%s%s" % (entry["operation"], entry["method"], entry["path"], "?" + query if query else "",
                             " " + entry["body"] if entry["body"] else "")


def _secrets():
    """The test user's token and email (kmi_sim.sh makes both random), from the extra-vars file."""
    return [value.encode("utf-8") for value in _test_user().values()]


def _test_user():
    found = {}
    with open(os.environ["KMI_IT_VARS"], encoding="utf-8") as handle:
        for line in handle:
            name, sep, value = line.partition(":")
            if sep and name in ("kmi_it_token", "kmi_it_email"):
                found[name] = value.strip()
    if len(found) != 2:
        raise SystemExit("no kmi_it_token and kmi_it_email in %s" % os.environ["KMI_IT_VARS"])
    return found


def _secret():
    """The test user's cache secret (_kmi_account.cache_secret of the token): what signs its entries."""
    return cache_secret(_test_user()["kmi_it_token"])


def _entries(folder, prefix):
    return sorted(name for name in os.listdir(folder) if name.startswith(prefix))


def _key(name, prefix):
    return SCHEMA.sub("", name[len(prefix):])


def _read(path):
    """The envelope stored in the file at ``path`` (the data itself and the payload wrapper, if any)."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if isinstance(data, dict) and isinstance(data.get(PAYLOAD), str):
        return json.loads(data[PAYLOAD]), data
    return data, None


def _write(path, entry, wrapped):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({PAYLOAD: json.dumps(entry)} if wrapped is not None else entry, handle)


def _check(path, key):
    """'sound', or why the file at ``path`` is not a whole answer for ``key`` (_kmi_cache_entry.problem's reason)."""
    try:
        entry, dummy = _read(path)
    except (OSError, ValueError) as exc:
        return "unreadable (%s)" % type(exc).__name__
    found = problem(entry, key, _secret())
    if found is not None:
        return found[1]
    return "sound" if entry["kind"] == "answer" else "kind %r" % entry["kind"]


def mark():
    print(_settled_log()["count"])


def latency(milliseconds):
    """Delay every API answer of the simulator, to widen the window of a kill."""
    _control().faults(latency_ms=float(milliseconds))


def table(since):
    """The requests logged after the first SINCE, counted by distinct request (operation, path, query; no body)."""
    counts = {}
    for entry in _settled_log()["requests"][int(since):]:
        name = _request_name(entry).split(" {", 1)[0]
        counts[name] = counts.get(name, 0) + 1
    for name, count in sorted(counts.items()):
        print("%4d  %s" % (count, name))


def field(document, name):
    """Print one field of a JSON document (runme.sh's assertions)."""
    value = json.loads(document)[name]
    print(json.dumps(value, sort_keys=True) if isinstance(value, (dict, list, bool)) else value)


def requests(since):
    log = _settled_log()["requests"][int(since):]
    counts = {}
    for entry in log:
        name = _request_name(entry)
        counts[name] = counts.get(name, 0) + 1
    print(json.dumps({
        "total": len(log),
        "distinct": len(counts),
        "max_per_request": max(counts.values(), default=0),
        "statuses": sorted({str(entry["status"]) for entry in log}),
        "by_request": counts,
    }, sort_keys=True))


def _strays(folder, prefix):
    """Names in the folder that are neither entries nor the runs' shared subfolder: temporary files."""
    return sorted(name for name in os.listdir(folder) if not name.startswith(prefix) and name != SHARED)


def inspect(folder, *others):
    prefix = os.environ["KMI_FORKS_PREFIX"]
    secrets = _secrets()
    states = {}
    for name in _entries(folder, prefix):
        states[_key(name, prefix)] = _check(os.path.join(folder, name), _key(name, prefix))
    strays = _strays(folder, prefix)
    leaks = []
    for top in (folder,) + others:
        for root, dummy, files in os.walk(top):
            for name in files:
                path = os.path.join(root, name)
                with open(path, "rb") as handle:
                    data = name.encode("utf-8") + b"\n" + handle.read()
                if any(secret in data for secret in secrets):
                    leaks.append(path)
    print(json.dumps({
        "modes": sorted({"%04o" % (os.stat(os.path.join(folder, name)).st_mode & 0o7777) for name in _entries(folder, prefix)}),
        "folder_mode": "%04o" % (os.stat(folder).st_mode & 0o7777),
        "entries": len(states),
        "sound": sum(1 for state in states.values() if state == "sound"),
        "unsound": {key[:12]: state for key, state in states.items() if state != "sound"},
        "strays": strays,
        "secret_found_in": len(leaks),
    }, sort_keys=True))
    if leaks:
        raise SystemExit("the test user's API token or email is in %d cache file(s) or name(s)" % len(leaks))


def damage(folder):
    """Five kinds of damage, one entry each (sorted by name), plus the debris a killed writer leaves."""
    prefix = os.environ["KMI_FORKS_PREFIX"]
    names = _entries(folder, prefix)
    if len(names) < 6:
        raise SystemExit("damage needs at least 6 entries, found %d" % len(names))
    paths = [os.path.join(folder, name) for name in names]
    with open(paths[0], "rb") as handle:
        whole = handle.read()
    with open(paths[0], "wb") as handle:  # a torn write: the first half of the file
        handle.write(whole[: len(whole) // 2])
    with open(paths[1], "wb"):  # created, never written
        pass
    entry, wrapped = _read(paths[2])  # valid JSON, a changed answer: the signature tells
    entry["value"] = {"tampered": True}
    _write(paths[2], entry, wrapped)
    with open(paths[5], "rb") as handle:  # a whole, sound envelope in the wrong file
        other = handle.read()
    with open(paths[3], "wb") as handle:
        handle.write(other)
    with open(paths[4], "wb") as handle:  # not even text
        handle.write(b"\x00\xff\xfe garbage \x80" * 8)
    # What a writer killed between its temporary file and the rename leaves behind.
    with open(os.path.join(folder, "tmpkmitorn"), "wb") as handle:
        handle.write(whole[: len(whole) // 3])
    with open(os.path.join(folder, "tmpkmiempty"), "wb"):
        pass
    print(5)


def age(folder, seconds):
    prefix = os.environ["KMI_FORKS_PREFIX"]
    seconds = float(seconds)
    for name in _entries(folder, prefix):
        path = os.path.join(folder, name)
        entry, wrapped = _read(path)
        # as the test user's own run would have written it then
        entry = envelope(entry["key"], entry["kind"], entry["value"], _secret(), stored=float(entry["stored"]) - seconds)
        _write(path, entry, wrapped)
        then = time.time() - seconds
        os.utime(path, (then, then))


def _write_under_way(folder, prefix, debris):
    """What shows a write in progress (a new temporary file, an entry that does not parse yet), or None."""
    for name in os.listdir(folder):
        if name == SHARED:
            continue
        if not name.startswith(prefix):
            if name not in debris:
                return "temporary file " + name
            continue
        try:
            _read(os.path.join(folder, name))
        except (OSError, ValueError):
            return "unparsable entry " + name[:24]
    return None


def _process_tree(pid):
    """``pid``'s descendants (Linux /proc): Ansible's workers call setsid(), so they are not in its process group."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry, encoding="utf-8") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] != "Z":
                children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            tree.append(child)
            todo.append(child)
    return tree


def _state(pid):
    """``pid``'s state letter in /proc (R, S, T, Z, ...), or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _wait_stopped(pid, timeout=5.0):
    """Wait until SIGSTOP has taken hold of ``pid`` (state T): os.kill() only queues the signal, and a process that
    has not stopped yet can still fork a worker that a listing of its children made now would miss."""
    deadline = time.monotonic() + timeout
    while _state(pid) not in (None, "T", "t", "Z", "X") and time.monotonic() < deadline:
        time.sleep(0.001)


def _signal(pid, number):
    try:
        os.kill(pid, number)
    except ProcessLookupError:  # a worker that ended on its own
        pass


def _alive(pid):
    return _state(pid) not in (None, "Z")


def kill(mode, trigger, log, *command):
    """Start ``command``; when ``trigger`` fires, SIGKILL it and (mode tree) all its descendants, or (mode main)
    only the ansible-playbook process, whose workers then finish on their own; report."""
    if command[:1] == ("--",):
        command = command[1:]
    folder, prefix = os.environ["KMI_FORKS_CACHE"], os.environ["KMI_FORKS_PREFIX"]
    kind, dummy, arg = trigger.partition(":")
    base = _sim_log()["count"]
    debris = set(_strays(folder, prefix))  # left by earlier steps
    started = time.monotonic()
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    fired, last_poll, seen = None, 0.0, None
    while process.poll() is None and fired is None:
        now = time.monotonic()
        if now - started > 90:
            fired = "timeout"
        elif kind == "delay" and now - started >= float(arg):
            fired = trigger
        elif kind == "entries" and len(_entries(folder, prefix)) >= int(arg):
            fired = trigger
        elif kind == "write":
            seen = _write_under_way(folder, prefix, debris)
            fired = trigger if seen else None
        elif kind == "requests" and now - last_poll >= 0.02:
            last_poll = now
            if _sim_log()["count"] - base >= int(arg):
                fired = trigger
        if kind != "write":  # a jsonfile write lasts well under a millisecond: look for one without pause
            time.sleep(0.0005)
    at_seconds = round(time.monotonic() - started, 2)
    workers, orphans_ran = [], None
    if fired:
        try:
            os.kill(process.pid, signal.SIGSTOP)  # it forks no more workers
            _wait_stopped(process.pid)
            workers = _process_tree(process.pid)
            doomed = [process.pid] + (workers if mode == "tree" else [])
            for pid in doomed[1:]:  # the whole tree stands still, then dies: no worker acts on another's death
                _signal(pid, signal.SIGSTOP)
            for pid in doomed:
                _signal(pid, signal.SIGKILL)
        except ProcessLookupError:  # it ended on its own meanwhile
            pass
    returncode = process.wait()
    entries_at_kill = len(_entries(folder, prefix))
    if fired and mode == "main":  # the orphaned workers finish their lookups (and write the cache) on their own
        while any(_alive(pid) for pid in workers) and time.monotonic() - started < 60:
            time.sleep(0.05)
        orphans_ran = round(time.monotonic() - started - at_seconds, 2)
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    print(json.dumps({
        "mode": mode,
        "trigger": trigger,
        "killed": bool(fired),
        "write_seen": seen,
        "at_seconds": at_seconds,
        "returncode": returncode,
        "workers_at_kill": len(workers),
        "orphans_ran_seconds": orphans_ran,
        "requests_sent": _settled_log()["count"] - base,
        "entries_at_kill": entries_at_kill,
        "entries_after": len(_entries(folder, prefix)),
        "strays_after": _strays(folder, prefix),
    }, sort_keys=True))
    if fired == "timeout":
        raise SystemExit("the run neither finished nor reached %s in 90 s" % trigger)


if __name__ == "__main__":
    COMMANDS = {"mark": mark, "latency": latency, "field": field, "requests": requests, "table": table, "inspect": inspect,
                "damage": damage, "age": age, "kill": kill}
    COMMANDS[sys.argv[1]](*sys.argv[2:])
