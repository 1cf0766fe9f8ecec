# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: kentik.kmi against its baselines, in API calls and seconds (scenarios 7-9 live in budget.py and per_host.py).

Runs in the synced collection (BUILD/ansible_collections/kentik/kmi) with the venv's Python:

    python bench/run.py --bin VENV/bin --collections BUILD --results DIR [--repeat 5] [--quick]

Every scenario starts the KMI simulator on a free loopback port with an injected latency per
request, runs our collection and its baseline in the same run (in turn, the order rotating from
one repeat to the next), counts API calls in the simulator's request log (GET /_sim/log, reset
before each run) and reports the median and the min-max spread. Writes DIR/latest.md,
DIR/latest.json and DIR/chart.svg and prints the table. Benchmarks are not tests: nothing here
asserts a time; the exit status is 1 only when a run failed (or returned wrong data).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import budget
import per_host
from harness import BENCH_DIR, COLL_DIR, EMAIL, TOKEN, Runner, Simulator, ideal_schedule, rotate, scenario_rows, summary
from report import chart, machine, markdown, update_docs

MARKET = "country$us"  # the United States market of the RouteViews dataset, by id


# --------------------------------------------------------------- comparisons


def _flag(entry, name):
    return bool(entry.get(name, False))


def canonical_ours(details):
    """Our module's/lookup's asn_details, as plain comparable values."""
    return [_canonical(item, snake=True) for item in details]


def canonical_gateway(results):
    """The gateway's raw GetASNDetails answers (camelCase, integers as strings, defaults omitted)."""
    return [_canonical(item.get("asnDetails", {}), snake=False) for item in results]


def _canonical(item, snake):
    def key(snake_name, camel_name):
        return snake_name if snake else camel_name

    def relation(entry):
        return {
            "asn": int(entry.get("asn", 0)),
            "name": entry.get("name", ""),
            "score": int(entry.get("score", 0)),
            "singlehomed_customer": _flag(entry, key("singlehomed_customer", "singlehomedCustomer")),
            "mutual_customer": _flag(entry, key("mutual_customer", "mutualCustomer")),
            "mutual_provider": _flag(entry, key("mutual_provider", "mutualProvider")),
        }

    def peer(entry):
        return {"asn": int(entry.get("asn", 0)), "name": entry.get("name", ""), "pfx_count": int(entry.get(key("pfx_count", "pfxCount"), 0))}

    return {
        "asn": int(item.get("asn", 0)),
        "name": item.get("name", ""),
        "country_name": item.get(key("country_name", "countryName"), ""),
        "customers": [relation(e) for e in item.get("customers", [])],
        "providers": [relation(e) for e in item.get("providers", [])],
        "peers": [peer(e) for e in item.get("peers", [])],
    }


def load_details(result):
    if not result["output"]:
        return None
    with open(result["output"], encoding="utf-8") as handle:
        data = json.load(handle)
    return canonical_gateway(data) if result["playbook"] == "top_asns_uri.yml" else canonical_ours(data)


# ------------------------------------------------------------------- scenarios


def scenario_many_hosts(runner, sim, args, inventory, report):
    """1. A play over N hosts asking the same ranking: the lookup, a module task per host, vs the lookup without cache (vs uri per host)."""
    variants = [
        ("ours: kmi_rankings lookup", "many_hosts.yml", {"bench_rankings_lookup": "kentik.kmi.kmi_rankings"}),
        ("ours: kmi_rankings_info module per host", "many_hosts_module.yml", {}),
        ("baseline: same lookup, no cache", "many_hosts.yml", {"bench_rankings_lookup": "kmi_rankings_nocache"}),
    ]
    if args.uri_per_host:
        variants.append(("baseline: uri task per host", "many_hosts_uri.yml", {}))
    runs = {variant[0]: [] for variant in variants}
    for repeat in range(args.repeat):
        for label, playbook, extra in rotate(variants, repeat):
            runs[label].append(runner.run(sim, playbook, dict(extra, bench_market=MARKET), inventory=inventory, label=label))
    report["scenarios"]["1"] = scenario_rows(runs, "Many hosts, one question (%d hosts, forks 5)" % args.hosts)


def scenario_top_asns(runner, sim, args, report, rate_limit=False):
    """2 (and 3 with rate_limit): details of the top N ASNs of a ranking: ours (module, lookup) vs a uri loop."""
    extra = {"bench_market": MARKET, "bench_top_n": args.top, "bench_workers": args.workers}
    if not rate_limit:
        # The simulator enforces no limit here, and the uri loop does not pace: ours does not either.
        extra["kmi_requests_per_minute"] = 0
    variants = [
        ("ours: kmi_asn_info module", "top_asns_module.yml"),
        ("ours: kmi_asn_info lookup", "top_asns_lookup.yml"),
        ("baseline: uri loop", "top_asns_uri.yml"),
    ]
    runs = {variant[0]: [] for variant in variants}
    repeats = args.rl_repeat if rate_limit else args.repeat
    reference, mismatches = None, []
    for repeat in range(repeats):
        for label, playbook in rotate(variants, repeat):
            result = runner.run(sim, playbook, extra, rate_limit=rate_limit, label=label,
                                tolerate_failure=rate_limit and playbook == "top_asns_uri.yml")
            runs[label].append(result)
            details = load_details(result) if result["rc"] == 0 else None
            if details is None:
                continue
            if len(details) != args.top:
                mismatches.append("%s: %d networks, not %d" % (label, len(details), args.top))
            elif reference is None:
                reference = details
            elif details != reference:
                mismatches.append("%s: details differ from the other variants'" % label)
    for problem in mismatches:
        runner.failures.append("scenario %s, same data: %s" % ("3" if rate_limit else "2", problem))
    title = "Many ASNs: top %d of a ranking (%d workers)" % (args.top, args.workers)
    if rate_limit:
        title = "Under the limit (rate-limit mode, default pacing)"
    rows = scenario_rows(runs, title)
    rows["same_data"] = not mismatches and reference is not None
    if rate_limit:
        rows["ideal"] = {
            "requests": args.top + 1,
            "seconds": ideal_schedule(args.top + 1, args.latency_ms / 1000.0),
        }
    report["scenarios"]["3" if rate_limit else "2"] = rows


def scenario_warm(runner, sim, args, inventory, report):
    """4. Scenarios 1 and 2 rerun within the cache TTL, lookups and modules with cache=true.

    Each repeat empties the cache and fills it with a cold run; for scenario 1 the cold run is one
    host (the same requests as 200 hosts: scenario 1 measures the cold 200-host run).
    """
    cache_dir = os.path.join(runner.workdir, "kmi-cache")
    cached = {"kmi_cache": True, "kmi_cache_connection": cache_dir, "kmi_cache_timeout": 3600}
    top = {"bench_market": MARKET, "bench_top_n": args.top, "bench_workers": args.workers, "kmi_requests_per_minute": 0}
    variants = [
        ("1, ours: lookup, cache on", "many_hosts.yml", dict(cached, bench_rankings_lookup="kentik.kmi.kmi_rankings", bench_market=MARKET), inventory),
        ("1, ours: module, cache on", "many_hosts_module.yml", dict(cached, bench_market=MARKET), inventory),
        ("2, ours: lookups, cache on", "top_asns_lookup.yml", dict(cached, **top), None),
        ("2, ours: modules, cache on", "top_asns_module.yml", dict(cached, **top), None),
    ]
    runs, checks = {}, []
    for repeat in range(args.repeat):
        for label, playbook, extra, inv in rotate(variants, repeat):
            shutil.rmtree(cache_dir, ignore_errors=True)
            cold = label + (" | cold, 1 host" if inv else " | cold")
            runs.setdefault(cold, []).append(runner.run(sim, playbook, extra, inventory=inv, label=cold.replace(" | ", " (") + ")",
                                                        limit="site001" if inv else None))
            runs.setdefault(label + " | warm", []).append(runner.run(sim, playbook, extra, inventory=inv, label=label + " (warm)"))
            checks.append(entry_checks(cache_dir))
    ordered = {}
    for label, _playbook, _extra, inv in variants:
        cold = label + (" | cold, 1 host" if inv else " | cold")
        ordered[cold] = runs[cold]
        ordered[label + " | warm"] = runs[label + " | warm"]
    report["scenarios"]["4"] = scenario_rows(ordered, "Warm repeat within the cache TTL")
    report["scenarios"]["4"]["entry_check"] = {
        "entries": sum(check["entries"] for check in checks),
        "bytes": sum(check["bytes"] for check in checks),
        "signed_us": summary([check["signed_us"] for check in checks]),
        "digest_us": summary([check["digest_us"] for check in checks]),
        "ratio": summary([check["signed_us"] / check["digest_us"] for check in checks]),
    }


def entry_checks(folder, rounds=20):
    """What each cache hit spends checking its entry, over the entries a warm run used (the jsonfile folder): microseconds
    per entry for the signed entry's checks (_kmi_cache_entry.problem: an HMAC-SHA256), and, as the baseline in the same
    process, for the plain SHA-256 of the answer that unsigned entries (kentik.kmi-cache/1) were checked with."""
    from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient
    from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache_entry import problem

    secret = KmiClient(api_email=EMAIL, api_token=TOKEN, api_url="http://127.0.0.1:9")._cache_secret
    entries, size = [], 0
    for name in sorted(os.listdir(folder)):
        if name.startswith("kentik_kmi_"):
            with open(os.path.join(folder, name), "rb") as handle:
                data = handle.read()
            size += len(data)
            entry = json.loads(data)
            entries.append(json.loads(entry["__payload__"]) if "__payload__" in entry else entry)  # ansible-core 2.19+ wraps it
    if not entries or any(problem(entry, entry["key"], secret) for entry in entries):
        raise SystemExit("bench: the warm run left no entry in %s, or one that does not pass its checks" % folder)
    started = time.perf_counter()
    for dummy in range(rounds):
        for entry in entries:
            problem(entry, entry["key"], secret)
    signed = time.perf_counter() - started
    started = time.perf_counter()
    for dummy in range(rounds):
        for entry in entries:
            hashlib.sha256(json.dumps(entry["value"], sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()
    digest = time.perf_counter() - started
    checks = rounds * len(entries)
    return {"entries": len(entries), "bytes": size, "signed_us": signed / checks * 1e6, "digest_us": digest / checks * 1e6}


def scenario_one_call(runner, sim, args, report):
    """5. One rankings request: one module task vs one uri task, timed per task, paired module/uri, uri/module."""
    ours, uri, ratios, calls = [], [], [], []  # calls: per run, 2 module tasks and 2 uri tasks (1 call each)
    for dummy in range(args.repeat):
        result = runner.run(sim, "one_call.yml", {"bench_market": MARKET}, label="module and uri tasks")
        calls.append(result["calls"])
        times = dict(result["tasks"])
        if result["rc"] != 0 or not {"Ours 1", "Ours 2", "Uri 1", "Uri 2"} <= set(times):
            continue
        for pair in ("1", "2"):
            ours.append(times["Ours " + pair])
            uri.append(times["Uri " + pair])
            ratios.append(times["Ours " + pair] / times["Uri " + pair])
    report["scenarios"]["5"] = {
        "title": "One call (GetRankings, 600 rows; task time)",
        "rows": [
            {"label": "ours: kmi_rankings_info task", "calls": summary([(c - 2) / 2.0 for c in calls]), "work": summary(ours), "wall": None,
             "status_429": 0, "failed": 0},
            {"label": "baseline: uri task", "calls": summary([1.0] * len(calls)), "work": summary(uri), "wall": None, "status_429": 0, "failed": 0},
        ],
        "ratio": summary(ratios),
    }


def scenario_scale(args, workdir, report):
    """6. The scale generator's Internet: simulator and client throughput, client memory for the largest AS."""
    sim = Simulator(sys.executable, "generated:1:%d" % args.scale_ases, 0, workdir, "scale")
    print("== 6. scale: building the generated Internet of %d ASes (about half a minute)" % args.scale_ases, flush=True)
    sim.start(timeout=900)
    try:
        probe = os.path.join(workdir, "scale.json")
        env = dict(os.environ, PYTHONPATH=args.collections)
        proc = subprocess.run([sys.executable, os.path.join(BENCH_DIR, "scale_probe.py"), sim.url, EMAIL, TOKEN, probe],
                              env=env, cwd=COLL_DIR, check=False, timeout=args.timeout)
        if proc.returncode != 0 or not os.path.exists(probe):
            runner_failure = "scenario 6: the scale probe failed (rc %d)" % proc.returncode
            report.setdefault("failures", []).append(runner_failure)
            return
        with open(probe, encoding="utf-8") as handle:
            data = json.load(handle)
        data["simulator_startup"] = sim.startup
        data["simulator_peak_rss_mb"] = sim.peak_rss_mb()
        data["ases"] = args.scale_ases
        report["scenarios"]["6"] = data
    finally:
        sim.stop()


# ------------------------------------------------------------------------ main


def write_inventory(path, hosts, asns):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[bench_sites]\n")
        for number in range(hosts):
            handle.write("site%03d ansible_connection=local site_upstream_asn=%d\n" % (number + 1, asns[number % len(asns)]))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the venv's bin folder (ansible-playbook)")
    parser.add_argument("--collections", required=True, help="the folder that holds ansible_collections/ (make's BUILD)")
    parser.add_argument("--results", required=True, help="folder for latest.md, latest.json, chart.svg")
    parser.add_argument("--docs", help="a Markdown file whose bench markers get the table")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rl-repeat", type=int, default=1, help="repeats of scenarios 3, 7 and 8 (each takes a few minutes)")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--workers", type=int, default=16, help="kmi_asn_info workers (1-16)")
    parser.add_argument("--scale-ases", type=int, default=75000)
    parser.add_argument("--uri-per-host", action="store_true", help="scenario 1 also with a uri task per host (slow)")
    parser.add_argument("--only", default="123456789", help="scenarios to run, e.g. 25")
    parser.add_argument("--no-profile", dest="profile", action="store_false", help="scenario 9 without its profile (py-spy)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds for one ansible-playbook run")
    parser.add_argument("--quick", action="store_true", help="1 repeat, 50 hosts, top 30, no scenarios 3, 7 and 8, 20k ASes")
    parser.add_argument("--render", action="store_true", help="run nothing: write the table and chart again from RESULTS/latest.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.hosts, args.top, args.scale_ases = 1, 50, 30, 20000
        args.only = "".join(number for number in args.only if number not in "378")
    return args


def main(argv=None):
    args = parse_args(argv)
    args.collections = os.path.abspath(args.collections)
    sys.path.insert(0, args.collections)  # entry_checks() imports the collection's own code
    if args.render:
        with open(os.path.join(args.results, "latest.json"), encoding="utf-8") as handle:
            return write_results(args, json.load(handle))
    workdir = tempfile.mkdtemp(prefix="kmi-bench-")
    report = {"machine": machine(), "scenarios": {}, "settings": {
        "repeat": args.repeat, "rl_repeat": args.rl_repeat, "latency_ms": args.latency_ms, "hosts": args.hosts,
        "top": args.top, "workers": args.workers, "market": MARKET, "scale_ases": args.scale_ases, "quick": args.quick}}
    runner = Runner(args, workdir)
    started = time.monotonic()
    print("== kentik.kmi benchmarks (work folder %s)" % workdir, flush=True)
    sim = Simulator(sys.executable, "routeviews", args.latency_ms, workdir, "routeviews")
    try:
        if set(args.only) & set("12345789"):
            sim.start()
            ranking = sim.api("POST", "/market/%s/rankings/customer_base/ip/v4" % MARKET, {"limit": 600})["rankings"]
            inventory = os.path.join(workdir, "inventory.ini")
            asns = [int(entry["asn"]) for entry in ranking]
            write_inventory(inventory, args.hosts, asns)
            steps = [
                ("1", "many hosts, one question", lambda: scenario_many_hosts(runner, sim, args, inventory, report)),
                ("2", "details of the top ASNs", lambda: scenario_top_asns(runner, sim, args, report)),
                ("4", "warm repeat", lambda: scenario_warm(runner, sim, args, inventory, report)),
                ("5", "one call", lambda: scenario_one_call(runner, sim, args, report)),
                ("3", "under the limit (real time: minutes)", lambda: scenario_top_asns(runner, sim, args, report, rate_limit=True)),
                ("7", "one play under the limit (real time: minutes)", lambda: budget.scenario_one_play(runner, sim, args, asns, MARKET, report)),
                ("8", "three runs at once under the limit (real time: minutes)",
                 lambda: budget.scenario_concurrent_runs(runner, sim, args, asns, MARKET, report)),
                ("9", "per-host cost of a warm answer", lambda: per_host.scenario_per_host(runner, sim, args, inventory, MARKET, report)),
            ]
            for number, title, step in steps:
                if number in args.only:
                    print("== %s. %s" % (number, title), flush=True)
                    step()
        sim.stop()
        if "6" in args.only:
            scenario_scale(args, workdir, report)
    finally:
        sim.stop()
    failures = runner.failures + report.get("failures", [])
    report["failures"] = failures
    report["seconds"] = time.monotonic() - started
    status = write_results(args, report)
    print("== bench: %.0f s; results in %s (logs in %s)" % (report["seconds"], args.results, workdir))
    if failures:
        print("== bench: FAILED runs:\n  " + "\n  ".join(failures), file=sys.stderr)
        return status
    shutil.rmtree(workdir, ignore_errors=True)
    return status


def write_results(args, report):
    """Write latest.md, latest.json, chart.svg (and the docs' table); print the table; 1 if a run failed."""
    table = markdown(report)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "latest.md"), "w", encoding="utf-8") as handle:
        handle.write("# kentik.kmi benchmarks: latest run\n\n" + table)
    with open(os.path.join(args.results, "latest.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1, sort_keys=True)
    with open(os.path.join(args.results, "chart.svg"), "w", encoding="utf-8") as handle:
        handle.write(chart(report))
    if args.docs and not args.quick:
        update_docs(args.docs, table)
    print("\n" + table)
    return 1 if report.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
