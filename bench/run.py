# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: kentik.kmi against its baselines, in API calls and seconds.

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
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
COLL_DIR = os.path.dirname(BENCH_DIR)
PLAYBOOKS = os.path.join(BENCH_DIR, "playbooks")
EMAIL, TOKEN = "sim@example.com", "sim-token"
MARKET = "country$us"  # the United States market of the RouteViews dataset, by id
# Kentik's documented limits, as the simulator's rate-limit mode enforces them.
SOFT_PER_MINUTE, SOFT_DELAY, HARD_PER_MINUTE = 20, 1.5, 60


# ------------------------------------------------------------------ simulator


class Simulator:
    """One `python -m simulator` process on a free loopback port."""

    def __init__(self, python, dataset, latency_ms, workdir, name):
        self.python, self.dataset, self.latency_ms = python, dataset, latency_ms
        self.log_path = os.path.join(workdir, "simulator-%s.log" % name)
        self.port_file = os.path.join(workdir, "simulator-%s.port" % name)
        self.proc, self.url, self.startup = None, None, None

    def start(self, timeout=300):
        started = time.monotonic()
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
                [self.python, "-m", "simulator", "--dataset", self.dataset, "--port", "0", "--port-file", self.port_file,
                 "--latency-ms", str(self.latency_ms), "--user", "%s:%s" % (EMAIL, TOKEN)],
                cwd=COLL_DIR, stdout=log, stderr=subprocess.STDOUT,
            )
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError("the simulator stopped at start; see %s" % self.log_path)
            if os.path.exists(self.port_file) and os.path.getsize(self.port_file):
                with open(self.port_file, encoding="utf-8") as handle:
                    self.url = "http://127.0.0.1:%d" % int(handle.read())
                self.startup = time.monotonic() - started
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the simulator did not start within %d s" % timeout)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def peak_rss_mb(self):
        """The simulator's peak resident memory (VmHWM), in MB."""
        try:
            with open("/proc/%d/status" % self.proc.pid, encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024.0
        except OSError:
            pass
        return None

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read().decode("utf-8"))

    def prepare(self, rate_limit=False):
        """A clean slate for one run: empty log, the latency back, rate-limit mode on or off (window emptied)."""
        self.control("POST", "/_sim/reset")
        self.control("POST", "/_sim/faults", {"latency_ms": self.latency_ms})
        if rate_limit:
            self.control("POST", "/_sim/rate_limit", {"enabled": True})

    def requests(self):
        return self.control("GET", "/_sim/log")["requests"]

    def api(self, method, path, body=None):
        """One API call of our own (setup only; the log is reset before every measured run)."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.url + "/kmi/v202212" + path, data=data, method=method,
            headers={"Content-Type": "application/json", "X-CH-Auth-Email": EMAIL, "X-CH-Auth-API-Token": TOKEN},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read().decode("utf-8"))


# ------------------------------------------------------------------- playbooks


class Runner:
    """Runs bench playbooks with ansible-playbook and measures each run."""

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.count = 0
        self.failures = []
        config = os.path.join(workdir, "ansible.cfg")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write("[defaults]\n")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "KTAPI_", "KENTIK_KMI_"))}
        self.env.update({
            "ANSIBLE_CONFIG": config,
            "ANSIBLE_COLLECTIONS_PATH": args.collections,
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(BENCH_DIR, "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timing",
            "ANSIBLE_LOOKUP_PLUGINS": os.path.join(BENCH_DIR, "lookup_plugins"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "KTAPI_AUTH_EMAIL": EMAIL,
            "KTAPI_AUTH_TOKEN": TOKEN,
        })
        self.env.pop("PYTHONPATH", None)

    def run(self, sim, playbook, extra=None, inventory=None, rate_limit=False, tolerate_failure=False, label="", limit=None):
        """Run one playbook against a freshly reset simulator; return the measurements."""
        self.count += 1
        tag = "%03d-%s" % (self.count, os.path.splitext(playbook)[0])
        timing_file = os.path.join(self.workdir, tag + ".timing.json")
        output = os.path.join(self.workdir, tag + ".out.json")
        extra = dict(extra or {}, bench_output=output)
        extra_file = os.path.join(self.workdir, tag + ".vars.json")
        with open(extra_file, "w", encoding="utf-8") as handle:
            json.dump(extra, handle)
        command = [os.path.join(self.args.bin, "ansible-playbook"), os.path.join(PLAYBOOKS, playbook), "-e", "@" + extra_file]
        if inventory:
            command += ["-i", inventory]
        if limit:
            command += ["--limit", limit]
        env = dict(self.env, KTAPI_URL=sim.url, BENCH_TIMING_FILE=timing_file)
        sim.prepare(rate_limit=rate_limit)
        log_path = os.path.join(self.workdir, tag + ".log")
        started = time.monotonic()
        with open(log_path, "w", encoding="utf-8") as log:
            proc = subprocess.run(command, cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT, check=False,
                                  timeout=self.args.timeout)
        wall = time.monotonic() - started
        requests = sim.requests()
        with open(os.path.join(self.workdir, tag + ".requests.json"), "w", encoding="utf-8") as handle:
            json.dump([{k: entry.get(k) for k in ("seq", "time", "operation", "status", "fault")} for entry in requests], handle)
        timing = None
        if os.path.exists(timing_file):
            with open(timing_file, encoding="utf-8") as handle:
                timing = json.load(handle)
        result = {
            "playbook": playbook,
            "rc": proc.returncode,
            "wall": wall,
            "work": _work_time(timing),
            "tasks": _task_times(timing),
            "calls": len(requests),
            "by_operation": _by_operation(requests),
            "status_429": sum(1 for entry in requests if entry.get("status") == 429),
            "delayed": sum(1 for entry in requests if entry.get("fault") == "rate limit delay"),
            "api_span": requests[-1]["time"] - requests[0]["time"] if requests else None,
            "log": log_path,
            "output": output if os.path.exists(output) else None,
        }
        state = "ok" if proc.returncode == 0 else "FAILED (rc %d, see %s)" % (proc.returncode, log_path)
        print("   %-34s %-28s %7.2f s  %4d calls  %s" % (label, playbook, wall, len(requests), state), flush=True)
        if proc.returncode != 0 and not tolerate_failure:
            self.failures.append("%s: %s %s" % (label, playbook, state))
        return result


def _task_times(timing):
    """[(task name, seconds)] from the bench_timing callback's record."""
    if not timing or not timing["tasks"]:
        return []
    tasks = timing["tasks"]
    ends = [task["start"] for task in tasks[1:]] + [timing["end"]]
    return [(task["name"], end - task["start"]) for task, end in zip(tasks, ends)]


def _work_time(timing):
    """Seconds from the first task's start to the answers being in facts (the bench's own "Write" task excluded)."""
    if not timing or not timing["tasks"]:
        return None
    tasks = timing["tasks"]
    end = timing["end"]
    for task in tasks:
        if task["name"].startswith("Write the details"):
            end = task["start"]
            break
    return end - tasks[0]["start"]


def _by_operation(requests):
    counts = {}
    for entry in requests:
        counts[entry.get("operation") or "?"] = counts.get(entry.get("operation") or "?", 0) + 1
    return counts


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


# ------------------------------------------------------------------ statistics


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def rotate(items, shift):
    shift %= len(items)
    return items[shift:] + items[:shift]


def ideal_schedule(requests, latency):
    """Fastest finish the rate limits allow for ``requests`` requests from an empty window, with unbounded concurrency.

    At most HARD_PER_MINUTE requests may start in any minute, so the k-th batch of 60 starts at
    60*(k-1) s; inside a minute, answers past the SOFT_PER_MINUTE-th are delayed SOFT_DELAY s.
    """
    batches, last = divmod(requests, HARD_PER_MINUTE)
    if last == 0:
        batches, last = batches - 1, HARD_PER_MINUTE
    return 60.0 * batches + (SOFT_DELAY if last > SOFT_PER_MINUTE else 0.0) + latency


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
    report["scenarios"]["1"] = _rows(runs, "Many hosts, one question (%d hosts, forks 5)" % args.hosts)


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
    rows = _rows(runs, title)
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
    runs = {}
    for repeat in range(args.repeat):
        for label, playbook, extra, inv in rotate(variants, repeat):
            shutil.rmtree(cache_dir, ignore_errors=True)
            cold = label + (" | cold, 1 host" if inv else " | cold")
            runs.setdefault(cold, []).append(runner.run(sim, playbook, extra, inventory=inv, label=cold.replace(" | ", " (") + ")",
                                                        limit="site001" if inv else None))
            runs.setdefault(label + " | warm", []).append(runner.run(sim, playbook, extra, inventory=inv, label=label + " (warm)"))
    ordered = {}
    for label, _playbook, _extra, inv in variants:
        cold = label + (" | cold, 1 host" if inv else " | cold")
        ordered[cold] = runs[cold]
        ordered[label + " | warm"] = runs[label + " | warm"]
    report["scenarios"]["4"] = _rows(ordered, "Warm repeat within the cache TTL")


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


def _rows(runs, title):
    rows = []
    for label, results in runs.items():
        rows.append({
            "label": label,
            "calls": summary([r["calls"] for r in results]),
            "wall": summary([r["wall"] for r in results]),
            "work": summary([r["work"] for r in results]),
            "status_429": max([r["status_429"] for r in results] or [0]),
            "delayed": max([r["delayed"] for r in results] or [0]),
            "api_span": summary([r["api_span"] for r in results]),
            "failed": sum(1 for r in results if r["rc"] != 0),
            "by_operation": results[-1]["by_operation"] if results else {},
        })
    return {"title": title, "rows": rows}


# --------------------------------------------------------------------- output


def _num(stat, digits=2):
    if stat is None:
        return "-"
    if stat["n"] == 1 or stat["min"] == stat["max"]:
        return "%.*f" % (digits, stat["median"])
    return "%.*f (%.*f-%.*f)" % (digits, stat["median"], digits, stat["min"], digits, stat["max"])


def _calls(stat):
    if stat is None:
        return "-"
    if stat["min"] == stat["max"]:
        return "%d" % stat["median"]
    return "%g (%d-%d)" % (stat["median"], stat["min"], stat["max"])


def _row(scenarios, number, label):
    for row in scenarios.get(number, {}).get("rows", []):
        if row["label"] == label:
            return row
    return None


def _median(row, key):
    return row[key]["median"] if row and row.get(key) else None


def targets(report):
    """[(number, target, measured, verdict)] for the issue's targets."""
    s = report["scenarios"]
    out = []
    base = _row(s, "1", "baseline: same lookup, no cache")
    for label, target, most in (("ours: kmi_rankings lookup", "1 API call for %d hosts", 1),
                                ("ours: kmi_rankings_info module per host", "2 API calls for %d hosts, a module task per host", 2)):
        ours = _row(s, "1", label)
        if ours and base:
            calls = _median(ours, "calls")
            ops = ", ".join("%d %s" % (n, op) for op, n in sorted(ours["by_operation"].items()))
            out.append(("1", target % report["settings"]["hosts"],
                        "%d calls (%s); no cache: %d; %.1fx faster" % (calls, ops, _median(base, "calls"), _median(base, "wall") / _median(ours, "wall")),
                        "met" if calls <= most else "not met"))
    if "2" in s:
        base = _row(s, "2", "baseline: uri loop")
        parts, best = [], None
        for label in ("ours: kmi_asn_info module", "ours: kmi_asn_info lookup"):
            row = _row(s, "2", label)
            if row and base and _median(row, "work") and _median(base, "work"):
                work = _median(base, "work") / _median(row, "work")
                wall = _median(base, "wall") / _median(row, "wall")
                best = max(best or 0, work)
                parts.append("%s %.0fx (whole run %.0fx)" % (label.split()[-1], work, wall))
        same = "same data" if s["2"].get("same_data") else "DATA DIFFERS"
        verdicts = []
        for label in ("ours: kmi_asn_info lookup", "ours: kmi_asn_info module"):
            row = _row(s, "2", label)
            if row and base and _median(row, "work"):
                met = _median(base, "work") / _median(row, "work") >= 30 and s["2"].get("same_data")
                verdicts.append("%s for the %s" % ("met" if met else "not met", label.split()[-1]))
        out.append(("2", ">= 30x faster than the uri loop (work), same data", "; ".join(parts) + "; " + same,
                    ", ".join(verdicts) if best else "not met"))
    if "3" in s:
        ideal = s["3"]["ideal"]["seconds"]
        parts, verdicts = [], []
        for label in ("ours: kmi_asn_info module", "ours: kmi_asn_info lookup"):
            row = _row(s, "3", label)
            if not row:
                continue
            ratio = _median(row, "work") / ideal if _median(row, "work") else None
            parts.append("%s %.2fx ideal (%.1f s), %d failed runs, %d 429s answered (retried), first to last request %.1f s"
                         % (label.split()[-1], ratio or 0, _median(row, "work") or 0, row["failed"], row["status_429"], _median(row, "api_span") or 0))
            met = not row["failed"] and ratio is not None and ratio <= 1.1
            verdicts.append("%s for the %s" % ("met" if met else "not met", label.split()[-1]))
        out.append(("3", "no 429 surfaces; work <= 1.1x the ideal %.1f s" % ideal, "; ".join(parts), ", ".join(verdicts)))
    if "4" in s:
        parts, verdict = [], "met"
        for row in s["4"]["rows"]:
            if row["label"].endswith("| warm"):
                calls = _median(row, "calls")
                parts.append("%s: %d calls" % (row["label"].split(" | ")[0], calls))
                if "cache on" in row["label"] and calls:
                    verdict = "not met"
        out.append(("4", "0 API calls when warm", "; ".join(parts), verdict))
    if "5" in s and s["5"]["ratio"]:
        ratio = s["5"]["ratio"]
        out.append(("5", "module task on the controller <= 0.5x the uri task", "%.2fx (pairs %.2f-%.2f)" % (ratio["median"], ratio["min"], ratio["max"]),
                    "met" if ratio["median"] <= 0.5 else "not met"))
    return out


def markdown(report):
    s = report["scenarios"]
    m = report["machine"]
    lines = [
        "Run of %s on %s: %s, %d cores, %.1f GB RAM, Python %s, ansible-core %s; load average at start %s."
        % (m["date"], m["system"], m["cpu"], m["cores"], m["ram_gb"], m["python"], m["ansible_core"], m["load_average"]),
        "Simulator latency %g ms a request; %d repeats (scenario 3: %d); times in seconds, median (min-max); the whole bench took %.0f min."
        % (report["settings"]["latency_ms"], report["settings"]["repeat"], report["settings"]["rl_repeat"], report.get("seconds", 0) / 60.0),
        "",
        "| # | scenario | variant | API calls | 429s | whole run, s | work, s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for number in ("1", "2", "3", "4", "5"):
        if number not in s:
            continue
        for row in s[number]["rows"]:
            label = row["label"].replace(" | ", ", ") + (" **FAILED x%d**" % row["failed"] if row["failed"] else "")
            lines.append("| %s | %s | %s | %s | %d | %s | %s |" % (
                number, s[number]["title"], label, _calls(row["calls"]), row["status_429"], _num(row["wall"]), _num(row["work"])))
    lines += ["", "| # | target | measured | verdict |", "| --- | --- | --- | --- |"]
    for number, target, measured, verdict in targets(report):
        lines.append("| %s | %s | %s | %s |" % (number, target, measured, verdict))
    if "6" in s:
        x = s["6"]
        lines += [
            "",
            "Scale (scenario 6), generated Internet of %d ASes, no latency: the simulator built it in %.0f s and peaked at %.0f MB."
            % (x["ases"], x["simulator_startup"], x["simulator_peak_rss_mb"] or 0),
            "",
            "| measure | rankings (GetRankings, %d rows) | details (GetASNDetails, top %d ASNs) |" % (x["rankings_rows"], x["details_asns"]),
            "| --- | --- | --- |",
            "| simulator, raw HTTP, %d keep-alive connections (%d reset and re-sent) | %.0f req/s | %.0f req/s |"
            % (x["threads"], x.get("raw_resets", 0), x["raw_rankings_rps"], x["raw_details_rps"]),
            "| kentik.kmi client, 1 worker | %.0f req/s | %.0f req/s |" % (x["client_rankings_rps"], x["client_details_rps_1"]),
            "| kentik.kmi client, %d workers | - | %.0f req/s |" % (x["threads"], x["client_details_rps"]),
            "",
            "Largest AS (AS%d, #1 of the global customer_base ranking: %d customers, %d providers, %d peers, %.1f MB of JSON): "
            "one GetASNDetails in %.2f s; the client process's peak RSS grew %.1f MB over its %.1f MB after start-up; "
            "Python allocations peaked at %.1f MB (tracemalloc)."
            % (x["largest_asn"], x["largest_customers"], x["largest_providers"], x["largest_peers"], x["largest_bytes"] / 1e6,
               x["largest_seconds"], x["largest_rss_delta_mb"], x["baseline_rss_mb"], x["largest_tracemalloc_mb"]),
        ]
    lines += ["", "Work = first task start to answers in facts (the bench's own write-out task excluded); "
              "whole run = the ansible-playbook process, start-up included. "
              "429s = HTTP 429 answers in the simulator's log (the largest in one run); the client retries them."]
    return "\n".join(lines) + "\n"


def chart(report):
    """A plain SVG bar chart: one panel per scenario, median time per variant with a min-max whisker."""
    panels = []
    for number in ("1", "2", "3", "4", "5"):
        block = report["scenarios"].get(number)
        if block:
            panels.append((number, block))
    width, left, right, height, gap = 900, 300, 150, 18, 6
    y = 40
    parts = []
    for number, block in panels:
        rows = [r for r in block["rows"] if r.get("work") or r.get("wall")]
        if not rows:
            continue
        key = "work"
        top = max((r[key]["max"] for r in rows if r.get(key)), default=1.0) or 1.0
        scale = (width - left - right) / top
        parts.append('<text x="10" y="%d" font-weight="bold">%s. %s</text>' % (y, number, _xml(block["title"])))
        y += 10
        for row in rows:
            stat = row.get(key)
            y += gap
            parts.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 8, y + height - 5, _xml(row["label"].replace(" | ", ", "))))
            if stat:
                colour = "#2b7bb9" if row["label"].startswith(("ours", "1, ours", "2, ours")) else "#c0504d"
                parts.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y, max(1.0, stat["median"] * scale), height, colour))
                parts.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#000"/>' % (
                    left + stat["min"] * scale, left + stat["max"] * scale, y + height // 2, y + height // 2))
                calls = row["calls"]["median"] if row.get("calls") else 0
                parts.append('<text x="%.1f" y="%d">%.2f s, %g calls</text>' % (left + stat["max"] * scale + 6, y + height - 5, stat["median"], calls))
            y += height
        y += 30
    head = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
            '<rect width="100%%" height="100%%" fill="#fff"/>'
            '<text x="10" y="20" font-size="14" font-weight="bold">kentik.kmi benchmarks: work time, median with min-max '
            '(blue: kentik.kmi, red: baseline)</text>' % (width, y))
    return head + "".join(parts) + "</svg>\n"


def _xml(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def machine():
    cpu, ram = platform.processor() or "unknown CPU", 0.0
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    ram = int(line.split()[1]) / 1024.0 / 1024.0
    except OSError:
        pass
    try:
        from ansible.release import __version__ as core  # pylint: disable=import-outside-toplevel
    except ImportError:
        core = "unknown"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram,
        "python": platform.python_version(),
        "ansible_core": core,
        "system": "%s %s" % (platform.system(), platform.release()),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": "%.2f %.2f %.2f" % os.getloadavg(),
    }


def update_docs(path, table):
    """Replace what is between the bench markers of ``path`` with ``table``."""
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if begin not in text or end not in text:
        print("bench: %s has no %s / %s markers; not updated" % (path, begin, end))
        return
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(head + begin + "\n" + table + end + tail)


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
    parser.add_argument("--rl-repeat", type=int, default=1, help="repeats of scenario 3 (each takes a few minutes)")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--workers", type=int, default=16, help="kmi_asn_info workers (1-16)")
    parser.add_argument("--scale-ases", type=int, default=75000)
    parser.add_argument("--uri-per-host", action="store_true", help="scenario 1 also with a uri task per host (slow)")
    parser.add_argument("--only", default="123456", help="scenarios to run, e.g. 25")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds for one ansible-playbook run")
    parser.add_argument("--quick", action="store_true", help="1 repeat, 50 hosts, top 30, no scenario 3, 20k ASes")
    parser.add_argument("--render", action="store_true", help="run nothing: write the table and chart again from RESULTS/latest.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.hosts, args.top, args.scale_ases = 1, 50, 30, 20000
        args.only = args.only.replace("3", "")
    return args


def main(argv=None):
    args = parse_args(argv)
    args.collections = os.path.abspath(args.collections)
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
        if set(args.only) & set("12345"):
            sim.start()
            ranking = sim.api("POST", "/market/%s/rankings/customer_base/ip/v4" % MARKET, {"limit": 600})["rankings"]
            inventory = os.path.join(workdir, "inventory.ini")
            write_inventory(inventory, args.hosts, [int(entry["asn"]) for entry in ranking])
            steps = [
                ("1", "many hosts, one question", lambda: scenario_many_hosts(runner, sim, args, inventory, report)),
                ("2", "details of the top ASNs", lambda: scenario_top_asns(runner, sim, args, report)),
                ("4", "warm repeat", lambda: scenario_warm(runner, sim, args, inventory, report)),
                ("5", "one call", lambda: scenario_one_call(runner, sim, args, report)),
                ("3", "under the limit (real time: minutes)", lambda: scenario_top_asns(runner, sim, args, report, rate_limit=True)),
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
