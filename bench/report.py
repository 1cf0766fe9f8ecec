# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bench's report: the targets' verdicts, the Markdown table, the SVG chart and the machine it ran on."""

from __future__ import annotations

import datetime
import os
import platform

import budget
import per_host
from harness import find_row, median_of


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


def targets(report):
    """[(number, target, measured, verdict)] for the issue's targets."""
    s = report["scenarios"]
    out = []
    base = find_row(s, "1", "baseline: same lookup, no cache")
    for label, target, most in (("ours: kmi_rankings lookup", "1 API call for %d hosts", 1),
                                ("ours: kmi_rankings_info module per host", "2 API calls for %d hosts, a module task per host", 2)):
        ours = find_row(s, "1", label)
        if ours and base:
            calls = median_of(ours, "calls")
            ops = ", ".join("%d %s" % (n, op) for op, n in sorted(ours["by_operation"].items()))
            out.append(("1", target % report["settings"]["hosts"],
                        "%d calls (%s); no cache: %d; %.1fx faster" % (calls, ops, median_of(base, "calls"), median_of(base, "wall") / median_of(ours, "wall")),
                        "met" if calls <= most else "not met"))
    if "2" in s:
        base = find_row(s, "2", "baseline: uri loop")
        parts, best = [], None
        for label in ("ours: kmi_asn_info module", "ours: kmi_asn_info lookup"):
            row = find_row(s, "2", label)
            if row and base and median_of(row, "work") and median_of(base, "work"):
                work = median_of(base, "work") / median_of(row, "work")
                wall = median_of(base, "wall") / median_of(row, "wall")
                best = max(best or 0, work)
                parts.append("%s %.0fx (whole run %.0fx)" % (label.split()[-1], work, wall))
        same = "same data" if s["2"].get("same_data") else "DATA DIFFERS"
        verdicts = []
        for label in ("ours: kmi_asn_info lookup", "ours: kmi_asn_info module"):
            row = find_row(s, "2", label)
            if row and base and median_of(row, "work"):
                met = median_of(base, "work") / median_of(row, "work") >= 30 and s["2"].get("same_data")
                verdicts.append("%s for the %s" % ("met" if met else "not met", label.split()[-1]))
        out.append(("2", ">= 30x faster than the uri loop (work), same data", "; ".join(parts) + "; " + same,
                    ", ".join(verdicts) if best else "not met"))
    if "3" in s:
        ideal = s["3"]["ideal"]["seconds"]
        parts, verdicts = [], []
        for label in ("ours: kmi_asn_info module", "ours: kmi_asn_info lookup"):
            row = find_row(s, "3", label)
            if not row:
                continue
            ratio = median_of(row, "work") / ideal if median_of(row, "work") else None
            parts.append("%s %.2fx ideal (%.1f s), %d failed runs, %d 429s answered (retried), first to last request %.1f s"
                         % (label.split()[-1], ratio or 0, median_of(row, "work") or 0, row["failed"], row["status_429"], median_of(row, "api_span") or 0))
            met = not row["failed"] and ratio is not None and ratio <= 1.1
            verdicts.append("%s for the %s" % ("met" if met else "not met", label.split()[-1]))
        out.append(("3", "no 429 surfaces; work <= 1.1x the ideal %.1f s" % ideal, "; ".join(parts), ", ".join(verdicts)))
    if "4" in s:
        parts, verdict = [], "met"
        for row in s["4"]["rows"]:
            if row["label"].endswith("| warm"):
                calls = median_of(row, "calls")
                parts.append("%s: %d calls" % (row["label"].split(" | ")[0], calls))
                if "cache on" in row["label"] and calls:
                    verdict = "not met"
        out.append(("4", "0 API calls when warm", "; ".join(parts), verdict))
        check = s["4"].get("entry_check")
        if check and check["entries"]:
            out.append(("4", "a cache hit's entry check costs microseconds, no more than the unsigned entries' digest",
                        "%.1f us per hit for the signed entry (HMAC-SHA256) vs %.1f us for the plain SHA-256, %.2fx (%.2f-%.2f), "
                        "over %d entries of %.1f KB on average"
                        % (check["signed_us"]["median"], check["digest_us"]["median"], check["ratio"]["median"], check["ratio"]["min"],
                           check["ratio"]["max"], check["entries"], check["bytes"] / check["entries"] / 1000.0),
                        "met" if check["signed_us"]["median"] < 1000 and check["ratio"]["median"] <= 1.25 else "not met"))
    if "5" in s and s["5"]["ratio"]:
        ratio = s["5"]["ratio"]
        out.append(("5", "module task on the controller <= 0.5x the uri task", "%.2fx (pairs %.2f-%.2f)" % (ratio["median"], ratio["min"], ratio["max"]),
                    "met" if ratio["median"] <= 0.5 else "not met"))
    out.extend(budget.targets(s))
    out.extend(per_host.targets(s))
    return out


def markdown(report):
    s = report["scenarios"]
    m = report["machine"]
    lines = [
        "Run of %s on %s: %s, %d cores, %.1f GB RAM, Python %s, ansible-core %s; load average at start %s."
        % (m["date"], m["system"], m["cpu"], m["cores"], m["ram_gb"], m["python"], m["ansible_core"], m["load_average"]),
        "Simulator latency %g ms a request; %d repeats (scenarios 3, 7 and 8: %d); times in seconds, median (min-max); the whole bench took %.0f min."
        % (report["settings"]["latency_ms"], report["settings"]["repeat"], report["settings"]["rl_repeat"], report.get("seconds", 0) / 60.0),
        "",
        "| # | scenario | variant | API calls | 429s | whole run, s | work, s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for number in ("1", "2", "3", "4", "5", "7", "8", "9"):
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
    lines += per_host.markdown(s)
    lines += ["", "Work = first task start to answers in facts (the bench's own write-out task excluded); "
              "whole run = the ansible-playbook process, start-up included. "
              "429s = HTTP 429 answers in the simulator's log (the largest in one run); the client retries them."]
    return "\n".join(lines) + "\n"


def chart(report):
    """A plain SVG bar chart: one panel per scenario, median time per variant with a min-max whisker."""
    panels = []
    for number in ("1", "2", "3", "4", "5", "7", "8", "9"):
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
