# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scenarios 7 and 8 of the bench: one request budget per Kentik account, under the simulator's rate limits.

7. One play: 20 hosts (20 forks) each ask for the details of 4 networks of their own (81 distinct
   requests with the market list): a kmi_asn_info task per host, a lookup per host, a uri loop per host.
8. Three runs at once, 10 hosts each, 3 networks a host (91 distinct requests), sharing a jsonfile
   cache folder (ours): the same three ways.

Kentik's limits (60 a minute) make the ideal schedule a little over a minute: the targets are
0 x 429, no request sent twice, every run succeeds, and work within 1.1x of that schedule.
"""

from __future__ import annotations

import os
import shutil

from harness import find_row, ideal_schedule, median_of, rotate, scenario_rows

VARIANTS = [
    ("ours: kmi_asn_info module per host", "budget_module.yml"),
    ("ours: kmi_asn_info lookup per host", "budget_lookup.yml"),
    ("baseline: uri loop per host", "budget_uri.yml"),
]
ONE_PLAY = (20, 4)  # hosts, networks a host
CONCURRENT = (3, 10, 3)  # runs, hosts a run, networks a host


def _inventory(path, prefix, hosts, asns):
    """An inventory of ``hosts`` local hosts, each with its own ``len(asns) // hosts`` networks (bench_asns)."""
    each = len(asns) // hosts
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[bench_budget]\n")
        for number in range(hosts):
            mine = asns[number * each:(number + 1) * each]
            handle.write("%s%03d ansible_connection=local bench_asns=\"%s\"\n" % (prefix, number + 1, mine))
    return path


def scenario_one_play(runner, sim, args, asns, market, report):
    """7. One play over 20 hosts x 4 networks, under the rate limits, at the default pace."""
    hosts, each = ONE_PLAY
    inventory = _inventory(os.path.join(runner.workdir, "budget-one-play.ini"), "site", hosts, asns[:hosts * each])
    runs = {label: [] for label, dummy in VARIANTS}
    for repeat in range(args.rl_repeat):
        for label, playbook in rotate(VARIANTS, repeat):
            runs[label].append(runner.run(sim, playbook, {"bench_market": market}, inventory=inventory, rate_limit=True, label=label,
                                          tolerate_failure=playbook == "budget_uri.yml", forks=hosts))
    ideal = ideal_schedule(hosts * each + 1, args.latency_ms / 1000.0)
    report["scenarios"]["7"] = dict(scenario_rows(runs, "One play, %d hosts x %d networks, under the limits" % ONE_PLAY), ideal=ideal)


def scenario_concurrent_runs(runner, sim, args, asns, market, report):
    """8. Three runs at once, 10 hosts x 3 networks each, sharing a cache folder (ours), under the rate limits."""
    count, hosts, each = CONCURRENT
    inventories = [_inventory(os.path.join(runner.workdir, "budget-run%d.ini" % n), "run%d-site" % n, hosts,
                              asns[n * hosts * each:(n + 1) * hosts * each]) for n in range(count)]
    cache = os.path.join(runner.workdir, "budget-cache")
    runs = {label: [] for label, dummy in VARIANTS}
    for repeat in range(args.rl_repeat):
        for label, playbook in rotate(VARIANTS, repeat):
            shutil.rmtree(cache, ignore_errors=True)
            extra = {"bench_market": market}
            if playbook != "budget_uri.yml":
                extra.update(kmi_cache=True, kmi_cache_connection=cache)
            jobs = [(playbook, extra, inventory, None) for inventory in inventories]
            runs[label].append(runner.run_together(sim, jobs, rate_limit=True, label=label, forks=hosts,
                                                   tolerate_failure=playbook == "budget_uri.yml"))
    ideal = ideal_schedule(count * hosts * each + 1, args.latency_ms / 1000.0)
    report["scenarios"]["8"] = dict(scenario_rows(runs, "%d runs at once, %d hosts x %d networks each, under the limits" % CONCURRENT), ideal=ideal)


def targets(scenarios):
    """Rows (number, target, measured, verdict) of scenarios 7 and 8."""
    out = []
    for number in ("7", "8"):
        if number not in scenarios:
            continue
        ideal = scenarios[number]["ideal"]
        parts, verdicts = [], []
        for label, dummy in VARIANTS:
            row = find_row(scenarios, number, label)
            work = median_of(row, "work")
            ratio = work / ideal if work else None
            parts.append("%s: %d calls for %d distinct, %d 429s, %d failed runs, work %s" % (
                label.split(": ")[1], median_of(row, "calls") or 0, median_of(row, "distinct") or 0, row["status_429"], row["failed"],
                "%.2fx ideal" % ratio if ratio else "-"))
            if label.startswith("ours"):
                met = (row["status_429"] == 0 and median_of(row, "calls") == median_of(row, "distinct") and not row["failed"]
                       and ratio is not None and ratio <= 1.1)
                verdicts.append("%s for the %s" % ("met" if met else "not met", label.split()[2]))
        out.append((number, "0 x 429, no request twice, all runs succeed, work <= 1.1x the ideal %.1f s" % ideal,
                    "; ".join(parts), ", ".join(verdicts)))
    return out
