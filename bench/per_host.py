# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scenario 9 of the bench: what one more host costs once the answer is in the run cache.

Over the scenario 1 inventory (local connection, forks 5), one playbook (playbooks/per_host.yml)
times a bare set_fact (Ansible's floor, before and after), a set_fact that templates the warm
lookup, and the warm module task (run in the controller's process by its action plugin). The
target: each costs at most 1.2x the floor. For reference, what Ansible alone spends on the same
answer: a set_fact of it from a variable, Ansible's vars lookup returning it, and an action task
that has it (playbooks/action_plugins/bench_has_answer.py, with the module task's templated argument).
The profile (with py-spy, which the bench target installs) shows where a fork's time goes in a
lookup run and in a module run, and ``python -X importtime`` what importing the lookup costs.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys

from harness import COLL_DIR, summary

TARGET = 1.2
PROFILED = ("lookup", "module")  # the tags of per_host.yml that the profile runs, one at a time, after the warm-up
# Left out of the profile's top frames: frames that nearly every sample of a fork has (its trunk), and Ansible's
# plumbing around a task (executor, templating, task queue), which every task goes through on its way to the plugin.
_TRUNK = 0.97
# A fork that asked the client: its call was not in the run cache's memo.
_MISS = ("KmiLookupBase._call ", "KmiInfoAction._call ")
_PLUMBING = re.compile(r"^process |\((ansible/executor/|ansible/playbook/|ansible/_internal/_templating/|ansible/_internal/_task|jinja2/"
                       r"|3\.\d+/multiprocessing/|<template>)")


# The table's rows, in order: (key, label, the playbook's tasks whose mean time it is).
ROWS = (
    ("floor", "baseline: bare set_fact", ("Floor 1", "Floor 2")),
    ("same", "baseline: set_fact of the same answer, from a variable", ("Same data",)),
    ("builtin", "baseline: the same answer through ansible.builtin.vars (a lookup)", ("Builtin lookup",)),
    ("action", "baseline: the same answer from an action that has it (bench_has_answer)", ("Same answer from an action",)),
    ("lookup", "ours: set_fact with the warm lookup", ("Lookup",)),
    ("module", "ours: kmi_rankings_info task, warm", ("Module",)),
)
# Ratios taken within each run: name: (row, the row it is compared with, what that row is, whether it has the target).
RATIOS = {
    "lookup": ("lookup", "floor", "a bare set_fact", True),
    "module": ("module", "floor", "a bare set_fact", True),
    # For reference: what the lookup adds to what Ansible spends on a fact of its answer's size, and on any lookup.
    "lookup_same": ("lookup", "same", "a set_fact of the same answer from a variable", False),
    "lookup_builtin": ("lookup", "builtin", "the same answer through ansible.builtin.vars", False),
    "module_action": ("module", "action", "the same answer from an action that has it", False),
}


def scenario_per_host(runner, sim, args, inventory, market, report):
    """9. The per_host.yml tasks over args.hosts hosts, each repeat one run; ratios within each run."""
    times = {key: [] for key, _label, _tasks in ROWS}
    ratios = {name: [] for name in RATIOS}
    calls = []
    for dummy in range(args.repeat):
        result = runner.run(sim, "per_host.yml", {"bench_market": market}, inventory=inventory, label="floor, lookup, module")
        tasks = dict(result["tasks"])
        if result["rc"] != 0 or not {task for _key, _label, names in ROWS for task in names} <= set(tasks):
            continue
        calls.append(result["calls"])
        run = {key: sum(tasks[task] for task in names) / len(names) for key, _label, names in ROWS}
        for key, value in run.items():
            times[key].append(value)
        for name, (row, base, _what, _target) in RATIOS.items():
            ratios[name].append(run[row] / run[base])
    zero = summary([0.0] * len(calls))
    report["scenarios"]["9"] = {
        "title": "Per-host cost of a warm answer (%d hosts, forks 5; task time)" % args.hosts,
        "hosts": args.hosts,
        "rows": [{"label": label, "calls": zero, "work": summary(times[key]), "wall": None, "status_429": 0, "failed": 0}
                 for key, label, _tasks in ROWS],
        "ratio": {name: summary(values) for name, values in ratios.items()},
        "calls": summary(calls),  # the warm-up's ListMarkets and GetRankings: nothing else may reach the API
    }
    if args.profile:
        report["scenarios"]["9"]["profile"] = profile(runner, sim, args, inventory, market)


def targets(scenarios):
    """Scenario 9's verdicts: [(number, target, measured, verdict)]."""
    block = scenarios.get("9")
    if not block or not all(block["ratio"].get(name) for name, (_row, _base, _what, target) in RATIOS.items() if target):
        return []
    work = {key: row["work"]["median"] for (key, _label, _tasks), row in zip(ROWS, block["rows"]) if row["work"]}
    out = []
    for name, (row, base, what, target) in RATIOS.items():
        ratio = block["ratio"].get(name)
        if not ratio:
            continue
        measured = "%.2fx (%.2f-%.2f), %+.1f ms a host" % (
            ratio["median"], ratio["min"], ratio["max"], (work[row] - work[base]) / block["hosts"] * 1000.0)
        if target:
            out.append(("9", "warm %s <= %.1fx %s" % (row, TARGET, what), measured, "met" if ratio["median"] <= TARGET else "not met"))
        else:
            out.append(("9", "(for reference) warm %s vs %s" % (row, what), measured, "-"))
    out.append(("9", "no API call but the warm-up's 2", "%g calls" % block["calls"]["median"],
                "met" if block["calls"]["max"] <= 2 else "not met"))
    return out


# ------------------------------------------------------------------- profile


def profile(runner, sim, args, inventory, market):
    """Where the forks' time goes: {variant: {cpu_ms_per_host, top: [(share, frame)]}, importtime: {...}}."""
    spy = os.path.join(args.bin, "py-spy")
    if not os.path.exists(spy):
        return {"error": "py-spy is not installed in %s (make bench installs bench/requirements.txt)" % args.bin}
    out = {}
    for name in PROFILED:
        folded = os.path.join(runner.workdir, "profile-%s.folded" % name)
        prefix = [spy, "record", "--subprocesses", "--rate", "500", "--format", "raw", "--full-filenames", "-o", folded, "--"]
        result = runner.run(sim, "per_host.yml", {"bench_market": market}, inventory=inventory, label="profile: %s" % name,
                            prefix=prefix, cli=["--tags", name])
        if result["rc"] != 0 or not os.path.exists(folded):
            out[name] = {"error": "the profiled run failed; see %s" % result["log"]}
            continue
        out[name] = fold(folded, rate=500, hosts=args.hosts)
    out["importtime"] = importtime(args)
    return out


def fold(path, rate, hosts, top=14):
    """A py-spy raw profile, forks only: CPU ms a host, and the top frames by inclusive share (the common trunk left out).

    The forks that asked the client (the warm-up's, and the module task's first host, whose call the memo did not
    hold yet) are left out: the profile is of warm hosts.
    """
    stacks = collections.defaultdict(list)  # process id: [(frames, samples)]
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            stack, _sep, count = line.rstrip("\n").rpartition(" ")
            frames = stack.split(";")
            if any(frame.startswith("WorkerProcess._run ") for frame in frames):
                process = [frame for frame in frames if frame.startswith("process ")][-1]  # the fork's own "process PID:..."
                stacks[process.split(":", 1)[0]].append((frames, int(count)))
    inclusive, total, left_out = collections.Counter(), 0, 0
    for process in stacks.values():
        if any(frame.startswith(_MISS) for frames, _count in process for frame in frames):
            left_out += 1
            continue
        for frames, samples in process:
            total += samples
            for frame in {_frame_name(frame) for frame in frames}:
                inclusive[frame] += samples
    shares = [(samples / float(total or 1), frame) for frame, samples in inclusive.most_common()
              if samples < _TRUNK * total and not _PLUMBING.search(frame)]
    return {"cpu_ms_per_host": total * 1000.0 / rate / max(1, hosts - left_out), "samples": total, "left_out": left_out, "top": shares[:top]}


def _frame_name(frame):
    """'function (path:line)' as 'function (short path)': the path from ansible/, kentik/kmi/ or site-packages on."""
    match = re.match(r"(.*) \((.*?)(?::\d+)?\)$", frame)
    if not match:
        return frame
    function, path = match.groups()
    for marker in ("/ansible_collections/", "/site-packages/", "/lib/python"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return "%s (%s)" % (function, path)


def importtime(args, top=8):
    """``python -X importtime`` of the lookup plugin in a fresh Python that has imported Ansible's LookupBase already."""
    code = "import ansible.plugins.lookup, ansible.plugins.action; import ansible_collections.kentik.kmi.plugins.lookup.kmi_rankings"
    env = dict(os.environ, PYTHONPATH=args.collections)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, cwd=COLL_DIR, capture_output=True, text=True, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not line.startswith("import time:") or not parts[1].isdigit():
            continue
        self_us, cumulative_us, name = int(parts[0].split()[-1]), int(parts[1]), parts[2]
        rows.append((self_us, cumulative_us, name))
    # The lines after ansible.plugins.action's are what importing the lookup added.
    start = max((index for index, row in enumerate(rows) if row[2] in ("ansible.plugins.action", "ansible.plugins.lookup")), default=-1)
    added = rows[start + 1:]
    total = next((row[1] for row in added if row[2] == "ansible_collections.kentik.kmi.plugins.lookup.kmi_rankings"), None)
    ours = sorted(added, reverse=True)[:top]
    return {"lookup_ms": None if total is None else total / 1000.0, "modules": len(added),
            "top": [(self_us / 1000.0, name) for self_us, _cumulative, name in ours]}


def markdown(scenarios):
    """The profile's lines for latest.md (none when the run had no profile)."""
    block = scenarios.get("9", {})
    data = block.get("profile")
    lines = ["", "Scenario 9 (its rows, targets and profile) is from a run of `--only 9` at %s." % block["rerun"]] if "rerun" in block else []
    if not data:
        return lines
    lines += ["", "Profile of scenario 9 (py-spy, the forks only, one run with the warm-up and the one task; "
              "frames by their share of the forks' CPU time, the trunk every fork has left out):", ""]
    for name in PROFILED:
        entry = data.get(name, {})
        if "error" in entry:
            lines.append("- %s: %s" % (name, entry["error"]))
            continue
        lines += ["| %s: %.1f ms of CPU a warm host (%d forks that asked the client left out) | share |"
                  % (name, entry["cpu_ms_per_host"], entry.get("left_out", 0)), "| --- | --- |"]
        lines += ["| `%s` | %.0f%% |" % (frame.replace("|", "\\|"), share * 100.0) for share, frame in entry["top"]]
        lines.append("")
    imports = data.get("importtime") or {}
    if imports.get("lookup_ms") is not None:
        lines.append("`python -X importtime`: importing the kmi_rankings lookup after Ansible's LookupBase takes %.1f ms (%d modules); "
                     "the most self time: %s." % (imports["lookup_ms"], imports["modules"],
                                                  ", ".join("%s %.1f ms" % (name, ms) for ms, name in imports["top"])))
    return lines
