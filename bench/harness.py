# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bench's harness: the simulator process, the ansible-playbook runner and the statistics (used by run.py)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
COLL_DIR = os.path.dirname(BENCH_DIR)
sys.path.insert(1, COLL_DIR)  # the simulator package, for its control client

from simulator.control import Control  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOKS = os.path.join(BENCH_DIR, "playbooks")
EMAIL, TOKEN = "sim@example.com", "sim-token"
# Kentik's documented limits, as the simulator's rate-limit mode enforces them.
SOFT_PER_MINUTE, SOFT_DELAY, HARD_PER_MINUTE = 20, 1.5, 60


# ------------------------------------------------------------------ simulator


class Simulator:
    """One `python -m simulator` process on a free loopback port."""

    def __init__(self, python, dataset, latency_ms, workdir, name):
        self.python, self.dataset, self.latency_ms = python, dataset, latency_ms
        self.log_path = os.path.join(workdir, "simulator-%s.log" % name)
        self.port_file = os.path.join(workdir, "simulator-%s.port" % name)
        self.proc, self.url, self.startup, self.control = None, None, None, None

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
                self.control = Control(self.url)
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

    def prepare(self, rate_limit=False):
        """A clean slate for one run: empty log, the latency back, rate-limit mode on or off (window emptied)."""
        self.control.reset()
        self.control.faults(latency_ms=self.latency_ms)
        if rate_limit:
            self.control.rate_limit(enabled=True)

    def requests(self):
        return self.control.log()["requests"]

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

    def run(self, sim, playbook, extra=None, inventory=None, rate_limit=False, tolerate_failure=False, label="", limit=None, forks=None,
            prefix=(), cli=()):
        """Run one playbook against a freshly reset simulator; return the measurements. ``prefix`` is a command that runs
        ansible-playbook (a profiler), ``cli`` more options of ansible-playbook."""
        return self.run_together(sim, [(playbook, extra, inventory, limit)], rate_limit, tolerate_failure, label, forks, prefix, cli)

    def run_together(self, sim, jobs, rate_limit=False, tolerate_failure=False, label="", forks=None, prefix=(), cli=()):
        """Start ansible-playbook for each (playbook, extra, inventory, limit) of ``jobs`` at once, against a freshly reset
        simulator; return the measurements of them all (calls in the shared log; the slowest run's times)."""
        sim.prepare(rate_limit=rate_limit)
        started, procs = time.monotonic(), []
        for playbook, extra, inventory, limit in jobs:
            self.count += 1
            tag = "%03d-%s" % (self.count, os.path.splitext(playbook)[0])
            paths = {name: os.path.join(self.workdir, tag + suffix) for name, suffix in
                     (("timing", ".timing.json"), ("output", ".out.json"), ("vars", ".vars.json"), ("log", ".log"))}
            with open(paths["vars"], "w", encoding="utf-8") as handle:
                json.dump(dict(extra or {}, bench_output=paths["output"]), handle)
            command = [*prefix, os.path.join(self.args.bin, "ansible-playbook"), os.path.join(PLAYBOOKS, playbook), "-e", "@" + paths["vars"], *cli]
            for option, value in (("-i", inventory), ("--limit", limit), ("--forks", forks)):
                if value:
                    command += [option, str(value)]
            env = dict(self.env, KTAPI_URL=sim.url, BENCH_TIMING_FILE=paths["timing"])
            with open(paths["log"], "w", encoding="utf-8") as log:
                procs.append((playbook, paths, subprocess.Popen(  # pylint: disable=consider-using-with
                    command, cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT)))
        walls, codes, timings = [], [], []
        for playbook, paths, proc in procs:
            try:
                codes.append(proc.wait(timeout=self.args.timeout))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes.append(proc.wait())
            walls.append(time.monotonic() - started)
            timing = None
            if os.path.exists(paths["timing"]):
                with open(paths["timing"], encoding="utf-8") as handle:
                    timing = json.load(handle)
            timings.append(timing)
        requests = sim.requests()
        first = procs[0][1]
        with open(first["log"][:-len(".log")] + ".requests.json", "w", encoding="utf-8") as handle:
            json.dump([{k: entry.get(k) for k in ("seq", "time", "operation", "status", "fault")} for entry in requests], handle)
        works = [_work_time(timing) for timing in timings]
        result = {
            "playbook": procs[0][0],
            "rc": max(codes, key=abs),
            "failed_runs": sum(1 for code in codes if code != 0),
            "wall": max(walls),
            "work": None if None in works else max(works),
            "tasks": _task_times(timings[0]),
            "calls": len(requests),
            "distinct": len({(entry.get("method"), entry.get("path"), entry.get("body")) for entry in requests}),
            "by_operation": _by_operation(requests),
            "status_429": sum(1 for entry in requests if entry.get("status") == 429),
            "delayed": sum(1 for entry in requests if entry.get("fault") == "rate limit delay"),
            "api_span": requests[-1]["time"] - requests[0]["time"] if requests else None,
            "log": first["log"],
            "output": first["output"] if os.path.exists(first["output"]) else None,
        }
        failed = [paths["log"] for (dummy, paths, dummy2), code in zip(procs, codes) if code != 0]
        state = "ok" if not failed else "FAILED (%d of %d runs, see %s)" % (len(failed), len(codes), failed[0])
        print("   %-34s %-28s %7.2f s  %4d calls  %s" % (label, procs[0][0], result["wall"], len(requests), state), flush=True)
        if failed and not tolerate_failure:
            self.failures.append("%s: %s %s" % (label, procs[0][0], state))
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


def scenario_rows(runs, title):
    rows = []
    for label, results in runs.items():
        rows.append({
            "label": label,
            "calls": summary([r["calls"] for r in results]),
            "distinct": summary([r["distinct"] for r in results]),
            "wall": summary([r["wall"] for r in results]),
            "work": summary([r["work"] for r in results]),
            "status_429": max([r["status_429"] for r in results] or [0]),
            "delayed": max([r["delayed"] for r in results] or [0]),
            "api_span": summary([r["api_span"] for r in results]),
            "failed": sum(r["failed_runs"] for r in results),
            "by_operation": results[-1]["by_operation"] if results else {},
        })
    return {"title": title, "rows": rows}


def find_row(scenarios, number, label):
    for row in scenarios.get(number, {}).get("rows", []):
        if row["label"] == label:
            return row
    return None


def median_of(row, key):
    return row[key]["median"] if row and row.get(key) else None
