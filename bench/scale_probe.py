# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scenario 6 of bench/run.py: throughput of the simulator and of kentik.kmi's client on a large
generated Internet, and the client's peak memory for the largest AS.

    PYTHONPATH=BUILD python bench/scale_probe.py URL EMAIL TOKEN OUTPUT.json
    PYTHONPATH=BUILD python bench/scale_probe.py --largest URL EMAIL TOKEN ASN   (prints JSON; a fresh process)
"""

from __future__ import annotations

import http.client
import json
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
from urllib.parse import urlsplit

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient

GLOBAL = "planet$earth"
THREADS = 16
RESETS = []  # connections the simulator reset under raw load (the probe reconnects and sends again)
DETAILS_BODY = {"ip": "v4", "mutualProvider": "all", "mutualCustomer": "all", "singlehomedCustomer": "all"}


def _client(url, email, token):
    return KmiClient(api_email=email, api_token=token, api_url=url, requests_per_minute=0, requests_per_hour=0)


def raw_rps(url, email, token, calls, threads):
    """Requests a second the simulator answers to ``threads`` keep-alive connections (bodies read, not decoded)."""
    parts = urlsplit(url)
    headers = {"Content-Type": "application/json", "X-CH-Auth-Email": email, "X-CH-Auth-API-Token": token}
    lock, queue, errors, resets = threading.Lock(), list(calls), [], []

    def work():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                path, body = queue.pop()
            for attempt in range(5):
                try:
                    connection.request("POST", "/kmi/v202212" + path, body=json.dumps(body), headers=headers)
                    answer = connection.getresponse()
                    answer.read()
                    break
                except (OSError, http.client.HTTPException):  # a reset connection: count it, reconnect, send again
                    resets.append(attempt)
                    connection.close()
                    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
            else:
                errors.append("reset 5 times")
                continue
            if answer.status != 200:
                errors.append(answer.status)
        connection.close()

    started = time.monotonic()
    pool = [threading.Thread(target=work) for dummy in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise RuntimeError("the simulator answered %d requests with errors: %s" % (len(errors), sorted(set(errors))))
    RESETS.extend(resets)
    return len(calls) / (time.monotonic() - started)


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def largest(url, email, token, asn):
    """In a fresh process: time and memory of one GetASNDetails for ``asn``."""
    client = _client(url, email, token)
    client.list_markets()
    before = _rss_mb()
    started = time.monotonic()
    details = client.get_asn_details(GLOBAL, asn)
    seconds = time.monotonic() - started
    after = _rss_mb()
    del details
    tracemalloc.start()
    details = client.get_asn_details(GLOBAL, asn)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "largest_seconds": seconds,
        "baseline_rss_mb": before,
        "largest_rss_delta_mb": after - before,
        "largest_tracemalloc_mb": peak / 1e6,
        "largest_customers": len(details["customers"]),
        "largest_providers": len(details["providers"]),
        "largest_peers": len(details["peers"]),
    }


def main(argv):
    if argv[0] == "--largest":
        print(json.dumps(largest(argv[1], argv[2], argv[3], int(argv[4]))))
        return 0
    url, email, token, output = argv
    client = _client(url, email, token)
    ranking = client.get_rankings(GLOBAL, limit=600)["rankings"]
    asns = [entry["asn"] for entry in ranking]
    rankings_path = "/market/%s/rankings/customer_base/ip/v4" % GLOBAL
    result = {"threads": THREADS, "rankings_rows": len(ranking), "details_asns": len(asns)}

    result["raw_rankings_rps"] = raw_rps(url, email, token, [(rankings_path, {"limit": 600})] * 64, THREADS)
    started = time.monotonic()
    for dummy in range(32):
        client.get_rankings(GLOBAL, limit=600)
    result["client_rankings_rps"] = 32 / (time.monotonic() - started)

    details_calls = [("/market/%s/network/%d/all" % (GLOBAL, asn), DETAILS_BODY) for asn in asns]
    result["raw_details_rps"] = raw_rps(url, email, token, details_calls, THREADS)
    started = time.monotonic()
    client.get_asn_details_many(GLOBAL, asns, workers=THREADS)
    result["client_details_rps"] = len(asns) / (time.monotonic() - started)
    started = time.monotonic()
    client.get_asn_details_many(GLOBAL, asns[:100], workers=1)
    result["client_details_rps_1"] = 100 / (time.monotonic() - started)

    top = asns[0]
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    connection.request("POST", "/kmi/v202212/market/%s/network/%d/all" % (GLOBAL, top), body=json.dumps(DETAILS_BODY),
                       headers={"Content-Type": "application/json", "X-CH-Auth-Email": email, "X-CH-Auth-API-Token": token})
    result["largest_bytes"] = len(connection.getresponse().read())
    connection.close()
    probe = subprocess.run([sys.executable, __file__, "--largest", url, email, token, str(top)],
                           check=True, capture_output=True, text=True)
    result.update(json.loads(probe.stdout))
    result["largest_asn"] = top
    result["raw_resets"] = len(RESETS)
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
