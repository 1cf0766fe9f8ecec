# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the simulator's tests share: the test users' headers, the API's paths, and raw HTTP calls to the simulator.

Raw on purpose: these tests check what the server answers, byte for byte, not what a client makes of it.
"""

from __future__ import annotations

import os
import time

from simulator.control import Control

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
AUTH = {"X-CH-Auth-Email": "sim@example.com", "X-CH-Auth-API-Token": "sim-token"}
NO_KMI = {"X-CH-Auth-Email": "nokmi@example.com", "X-CH-Auth-API-Token": "nokmi-token"}
MARKETS = "/kmi/v202212/markets"
RANKINGS = "/kmi/v202212/market/planet$earth/rankings/customer_base/ip/v4"
INSIGHTS = "/kmi/v202212/insights"
RANK_TYPES = (
    "customer_base", "customer_base_retail", "customer_base_wholesome",
    "customer_base_backbone", "customer_growth", "peering_base",
)
# The three GetASNDetails filters: request field (also the flag in each row) and the list it narrows.
FILTERS = (("singlehomedCustomer", "customers"), ("mutualCustomer", "customers"), ("mutualProvider", "providers"))


def api_get(http, sim, path, headers=None, **kwargs):
    return http.get(sim.url + path, headers=AUTH if headers is None else headers, timeout=5, **kwargs)


def api_post(http, sim, path, body=None, headers=None, **kwargs):
    return http.post(sim.url + path, json={} if body is None else body, headers=AUTH if headers is None else headers, timeout=5, **kwargs)


def details_path(asn, relationship="all", market_id="planet$earth"):
    return "/kmi/v202212/market/%s/network/%d/%s" % (market_id, asn, relationship)


def asn_details(http, sim, asn, relationship="all", body=None):
    response = api_post(http, sim, details_path(asn, relationship), body)
    assert response.status_code == 200, response.text
    return response.json()["asnDetails"]


def ranked_asns(http, sim, ip="v4"):
    asns = set()
    for rank_type in RANK_TYPES:
        response = api_post(http, sim, "/kmi/v202212/market/planet$earth/rankings/%s/ip/%s" % (rank_type, ip))
        asns.update(int(row["asn"]) for row in response.json().get("rankings", []))
    return sorted(asns)


def set_faults(sim, plan):
    """Replace the fault plan ({"faults": [...], "latency_ms": N}) through the control client; return its answer."""
    return Control(sim.url).faults(plan.get("faults", ()), plan.get("latency_ms", 0))


def wait_for_log(sim, count):
    """Wait (at most 5 s) until the simulator has logged ``count`` requests; return the log."""
    deadline = time.monotonic() + 5
    while len(sim.log()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return sim.log()
