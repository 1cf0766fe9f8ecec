# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Behaviour of the KMI simulator: auth, routing, request log, fault plan,
rate limits, dataset answers, gateway encoding and the command line."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time

import pytest
import requests

from simulator.ratelimit import RateLimiter
from simulator.gateway_json import encode
from simulator.server import Simulator

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


def _get(http, sim, path, headers=None, **kwargs):
    return http.get(sim.url + path, headers=AUTH if headers is None else headers, timeout=5, **kwargs)


def _post(http, sim, path, body=None, headers=None, **kwargs):
    return http.post(sim.url + path, json={} if body is None else body, headers=AUTH if headers is None else headers, timeout=5, **kwargs)


def _details_path(asn, relationship="all", market_id="planet$earth"):
    return "/kmi/v202212/market/%s/network/%d/%s" % (market_id, asn, relationship)


def _details(http, sim, asn, relationship="all", body=None):
    response = _post(http, sim, _details_path(asn, relationship), body)
    assert response.status_code == 200, response.text
    return response.json()["asnDetails"]


def _ranked_asns(http, sim, ip="v4"):
    asns = set()
    for rank_type in RANK_TYPES:
        response = _post(http, sim, "/kmi/v202212/market/planet$earth/rankings/%s/ip/%s" % (rank_type, ip))
        asns.update(int(row["asn"]) for row in response.json().get("rankings", []))
    return sorted(asns)


def _set_faults(http, sim, plan):
    response = http.post(sim.url + "/_sim/faults", json=plan, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def _wait_for_log(sim, count):
    """Wait (at most 5 s) until the simulator has logged ``count`` requests; return the log."""
    deadline = time.monotonic() + 5
    while len(sim.log()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return sim.log()


# -------------------------------------------------------------------- auth


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-CH-Auth-Email": "sim@example.com"},
        {"X-CH-Auth-API-Token": "sim-token"},
        {"X-CH-Auth-Email": "sim@example.com", "X-CH-Auth-API-Token": "nokmi-token"},
        {"X-CH-Auth-Email": "nobody@example.com", "X-CH-Auth-API-Token": "sim-token"},
    ],
)
def test_missing_or_wrong_credentials_get_401(http, sim, headers):
    response = _get(http, sim, MARKETS, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == 16
    assert sim.log()[-1]["status"] == 401


def test_user_without_kmi_permission_gets_403(http, sim):
    for response in (_get(http, sim, MARKETS, headers=NO_KMI), _post(http, sim, RANKINGS, headers=NO_KMI)):
        assert response.status_code == 403
        assert response.json()["code"] == 7


def test_valid_credentials_get_200(http, sim):
    response = _get(http, sim, MARKETS)
    assert response.status_code == 200
    assert response.json()["markets"]


def test_every_answer_names_the_simulators_dataset(http, sim):
    answers = (_get(http, sim, MARKETS), _post(http, sim, RANKINGS), _get(http, sim, MARKETS, headers={}), _get(http, sim, "/nothing"))
    assert [answer.status_code for answer in answers] == [200, 200, 401, 404]
    assert {answer.headers["X-KMI-Simulator"] for answer in answers} == {"small"}
    assert Simulator(dataset="routeviews").dataset.name == "routeviews"


# ----------------------------------------------------------------- routing


@pytest.mark.parametrize("path", ["/kmi/v202212/nothing", "/markets", "/kmi/v202212/markets/extra", "/kmi/v202101/markets", "/"])
def test_unknown_path_gets_404(http, sim, path):
    response = _get(http, sim, path)
    assert response.status_code == 404
    assert response.json() == {"code": 5, "message": "Not Found", "details": []}
    entry = sim.log()[-1]
    assert entry["operation"] is None
    assert entry["status"] == 404


def test_a_method_the_path_does_not_serve_gets_the_gateways_501(http, sim):
    """grpc-gateway's routing error handler: any other method on a served path is Unimplemented (HTTP 501, code 12)."""
    requests_sent = [("POST", MARKETS), ("GET", RANKINGS), ("GET", _details_path(64499)), ("DELETE", INSIGHTS)]
    requests_sent += [(method, path) for method in ("PUT", "PATCH", "OPTIONS", "TRACE") for path in (MARKETS, RANKINGS)]
    for method, path in requests_sent:
        response = http.request(method, sim.url + path, headers=AUTH, timeout=5)
        assert response.status_code == 501, (method, path, response.text[:200])
        assert response.headers["Content-Type"] == "application/json"
        assert response.json() == {"code": 12, "message": "Method Not Allowed", "details": []}, (method, path)
    assert [e["status"] for e in sim.log()] == [501] * len(requests_sent)
    head = http.head(sim.url + MARKETS, headers=AUTH, timeout=5)
    assert head.status_code == 501 and head.content == b""


def test_any_method_on_an_unknown_path_gets_404(http, sim):
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"):
        response = http.request(method, sim.url + "/kmi/v202212/nowhere", headers=AUTH, timeout=5)
        assert response.status_code == 404, method
        assert response.json() == {"code": 5, "message": "Not Found", "details": []}


def test_percent_encoded_market_id_is_decoded(http, sim):
    response = _post(http, sim, "/kmi/v202212/market/planet%24earth/rankings/customer_base/ip/v4")
    assert response.status_code == 200
    assert response.json()["rankings"] == _post(http, sim, RANKINGS).json()["rankings"]


# Fields the gateway cannot read into the request message (protojson; grpc-gateway's query parser): 400, InvalidArgument.
UNREADABLE_BODIES = [
    (RANKINGS, {"limit": 9223372036854775808}, "uint32 field limit"),
    (RANKINGS, {"limit": -9223372036854775809}, "uint32 field limit"),
    (RANKINGS, {"limit": 4294967296}, "uint32 field limit"),
    (RANKINGS, {"limit": -1}, "uint32 field limit"),
    (RANKINGS, {"limit": False}, "uint32 field limit"),
    (RANKINGS, {"limit": 2.5}, "uint32 field limit"),
    (RANKINGS, {"limit": "2x"}, "uint32 field limit"),
    (RANKINGS, {"limit": [2]}, "uint32 field limit"),
    (RANKINGS, {"ip": 0}, "string field ip"),
    (RANKINGS, {"rankType": ["wholesale"]}, "string field rank_type"),
    ("/kmi/v202212/market/planet$earth/network/64499/all", {"ip": 0}, "string field ip"),
    ("/kmi/v202212/market/planet$earth/network/64499/all", {"mutualProvider": {}}, "string field mutual_provider"),
    ("/kmi/v202212/market/planet$earth/network/64499/all", {"singlehomed_customer": True}, "string field singlehomed_customer"),
]


@pytest.mark.parametrize("path, body, field", UNREADABLE_BODIES, ids=[json.dumps(case[1]) for case in UNREADABLE_BODIES])
def test_a_body_field_the_gateway_cannot_read_gets_400(http, sim, path, body, field):
    response = _post(http, sim, path, body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 3 and field in response.json()["message"]


@pytest.mark.parametrize("query, parameter", [
    ({"limit": "-1"}, "limit"), ({"limit": "4294967296"}, "limit"), ({"lookback": "seven"}, "lookback"),
    ({"magnitude": "1.5"}, "magnitude"), ({"limit": "9223372036854775808"}, "limit"),
])
def test_a_query_number_the_gateway_cannot_read_gets_400(http, sim, query, parameter):
    response = _get(http, sim, INSIGHTS, params=query)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 3 and "parameter: %s" % parameter in response.json()["message"]


def test_the_gateway_reads_numbers_as_json_numbers_or_decimal_strings_and_skips_unknown_fields(http, sim):
    for body in ({"limit": 2}, {"limit": "2"}, {"limit": 2.0}, {"limit": 2, "colour": "blue"}, {"limit": 2, "ip": None}):
        response = _post(http, sim, RANKINGS, body)
        assert response.status_code == 200, (body, response.text)
        assert len(response.json()["rankings"]) == 2, body
    assert _post(http, sim, RANKINGS, {"limit": 4294967295}).status_code == 200


def test_post_body_that_is_not_json_gets_400(http, sim):
    for data in (b"{not json", b"[1, 2]"):
        response = http.post(sim.url + RANKINGS, data=data, headers=AUTH, timeout=5)
        assert response.status_code == 400
        assert response.json()["code"] == 3


# --------------------------------------------------------------------- log


def test_request_log_records_api_calls(http, sim):
    _get(http, sim, MARKETS)
    _post(http, sim, RANKINGS, {"limit": 2})
    _get(http, sim, INSIGHTS, params={"lookback": "7", "types": ["market_entrance", "market_exit"]})
    _get(http, sim, MARKETS, headers={})
    log = sim.log()
    assert [e["operation"] for e in log] == ["ListMarkets", "GetRankings", "GetGlobalInsights", "ListMarkets"]
    assert [e["status"] for e in log] == [200, 200, 200, 401]
    assert [e["method"] for e in log] == ["GET", "POST", "GET", "GET"]
    assert [e["seq"] for e in log] == [1, 2, 3, 4]
    assert log[1]["path"] == RANKINGS
    assert json.loads(log[1]["body"]) == {"limit": 2}
    assert log[0]["user_agent"].startswith("python-requests/")
    assert log[2]["query"] == {"lookback": ["7"], "types": ["market_entrance", "market_exit"]}
    assert all(e["fault"] is None for e in log)
    times = [e["time"] for e in log]
    assert all(isinstance(t, float) for t in times)
    assert times == sorted(times)


def test_control_calls_are_not_logged(http, sim):
    _get(http, sim, MARKETS)
    assert http.get(sim.url + "/_sim/health", timeout=5).json()["ok"] is True
    _set_faults(http, sim, {"faults": []})
    assert http.post(sim.url + "/_sim/rate_limit", json={"enabled": False}, timeout=5).status_code == 200
    assert http.get(sim.url + "/_sim/nothing", timeout=5).status_code == 404
    over_http = http.get(sim.url + "/_sim/log", timeout=5).json()
    assert over_http["count"] == 1
    assert [e["operation"] for e in over_http["requests"]] == ["ListMarkets"]
    assert len(sim.log()) == 1


def _log_once(url, open_connections, count=None, timeout=10.0):
    """Poll GET /_sim/log (each poll on a new connection) until it shows ``open_connections`` other connections
    (and ``count`` requests, when given); return that log, or the last one after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        log = requests.get(url + "/_sim/log", headers={"Connection": "close"}, timeout=5).json()
        if (log["open_connections"], log["count"]) == (open_connections, log["count"] if count is None else count):
            return log
        if time.monotonic() > deadline:
            return log
        time.sleep(0.02)


def test_log_counts_open_connections_and_a_vanished_client_leaves_no_traceback(capfd):
    with Simulator(dataset="small") as own:
        host, port = own.url[len("http://"):].split(":")
        assert _log_once(own.url, 0)["open_connections"] == 0
        # A client that connected and has not sent its request yet holds a connection; closing it frees it.
        idle = socket.create_connection((host, int(port)), timeout=5)
        assert _log_once(own.url, 1)["open_connections"] == 1
        idle.close()
        log = _log_once(own.url, 0)
        assert (log["open_connections"], log["count"]) == (0, 0)
        # A client killed while its (delayed) answer is being made: logged, then the answer finds no one.
        own.faults.set({"latency_ms": 1000})
        gone = socket.create_connection((host, int(port)), timeout=5)
        request = "GET %s HTTP/1.1\r\nHost: x\r\nX-CH-Auth-Email: %s\r\nX-CH-Auth-API-Token: %s\r\n\r\n" % (
            MARKETS, AUTH["X-CH-Auth-Email"], AUTH["X-CH-Auth-API-Token"])
        gone.sendall(request.encode("ascii"))
        log = _log_once(own.url, 1, count=1)  # logged on arrival, its answer still delayed
        assert (log["open_connections"], log["count"]) == (1, 1)
        gone.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        gone.close()
        log = _log_once(own.url, 0, count=1)
        assert (log["open_connections"], log["count"]) == (0, 1)
        assert log["requests"][0]["status"] == 200  # the answer was made; writing it failed quietly
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Broken pipe" not in captured.err


def test_reset_clears_log_faults_and_rate_limit(http, sim):
    _get(http, sim, MARKETS)
    _set_faults(http, sim, {"latency_ms": 5, "faults": [{"kind": "status", "status": 503, "count": 5}]})
    assert http.post(sim.url + "/_sim/rate_limit", json={"hard_per_minute": 1}, timeout=5).json()["enabled"] is True
    assert http.post(sim.url + "/_sim/reset", timeout=5).json() == {"ok": True}
    assert sim.log() == []
    assert sim.faults.pending() == []
    assert sim.faults.latency == 0
    assert sim.rate_limit.enabled is False
    assert [_get(http, sim, MARKETS).status_code for dummy in range(3)] == [200, 200, 200]


# ------------------------------------------------------------------- faults


def test_a_drift_fault_takes_relationships_from_one_network(http, sim):
    before = _details(http, sim, 64501)
    other = _details(http, sim, 64499)
    assert before["providers"] and before["peers"]
    _set_faults(http, sim, {"faults": [{"kind": "drift", "asn": 64501, "lose": "peers", "number": 1,
                                        "operation": "GetASNDetails", "count": 3}]})
    assert _get(http, sim, MARKETS).status_code == 200  # another RPC: untouched, and the fault not used
    after = _details(http, sim, 64501)
    assert after["peers"] == before["peers"][1:] and after["providers"] == before["providers"]
    assert _details(http, sim, 64499) == other
    assert [entry["fault"] for entry in sim.log()[-3:]] == [None, "drift", "drift"]
    assert _details(http, sim, 64501)["peers"] == before["peers"][1:]  # the third and last
    assert _details(http, sim, 64501) == before


@pytest.mark.parametrize("fault", [{"kind": "drift", "lose": "peers"}, {"kind": "drift", "asn": 64501, "lose": "siblings"}])
def test_a_drift_fault_says_what_it_needs(http, sim, fault):
    response = http.post(sim.url + "/_sim/faults", json={"faults": [fault]}, timeout=5)
    assert response.status_code == 400
    assert "a drift fault needs an asn (an integer) and lose: one of providers, peers, customers" in response.text


@pytest.mark.parametrize("status, code", [(500, 13), (502, 14), (503, 14), (504, 4), (401, 16), (404, 5)])
def test_status_fault_hits_the_next_request_only(http, sim, status, code):
    _set_faults(http, sim, {"faults": [{"kind": "status", "status": status}]})
    response = _get(http, sim, MARKETS)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert "Retry-After" not in response.headers
    assert _get(http, sim, MARKETS).status_code == 200
    assert [(e["status"], e["fault"]) for e in sim.log()] == [(status, "status %d" % status), (200, None)]


def test_429_fault_with_retry_after_header(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "status", "status": 429, "retry_after": "7"}]})
    response = _post(http, sim, RANKINGS)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()["code"] == 8


def test_429_fault_with_retry_after_as_a_date_after_the_answer(http, sim):
    from email.utils import parsedate_to_datetime

    _set_faults(http, sim, {"faults": [{"kind": "status", "status": 429, "retry_after_in": 30}]})
    before = time.time()
    response = _post(http, sim, RANKINGS)
    assert response.status_code == 429
    ahead = parsedate_to_datetime(response.headers["Retry-After"]).timestamp() - before
    assert 29 <= ahead <= 31  # whole seconds


def test_status_fault_with_html_page(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "status", "status": 502, "html": True}]})
    response = _get(http, sim, MARKETS)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert response.content.startswith(b"<!DOCTYPE html>")


def test_fault_count_hits_the_next_n_requests(http, sim):
    answer = _set_faults(http, sim, {"faults": [{"kind": "status", "status": 503, "count": 3}]})
    assert answer["pending"] == [{"kind": "status", "status": 503, "count": 3}]
    statuses = [_get(http, sim, MARKETS).status_code for dummy in range(5)]
    assert statuses == [503, 503, 503, 200, 200]
    assert sim.faults.pending() == []


def test_faults_are_used_in_order(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "status", "status": 500}, {"kind": "status", "status": 502, "count": 2}]})
    statuses = [_get(http, sim, MARKETS).status_code for dummy in range(4)]
    assert statuses == [500, 502, 502, 200]


def test_fault_scoped_to_one_operation(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "status", "status": 504, "operation": "GetRankings"}]})
    assert _get(http, sim, MARKETS).status_code == 200
    assert _get(http, sim, INSIGHTS).status_code == 200
    assert _post(http, sim, RANKINGS).status_code == 504
    assert _post(http, sim, RANKINGS).status_code == 200
    assert [e["fault"] for e in sim.log()] == [None, None, "status 504", None]


def test_setting_a_plan_replaces_the_previous_one(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "status", "status": 500, "count": 5}]})
    _set_faults(http, sim, {"faults": [{"kind": "status", "status": 502}]})
    assert [_get(http, sim, MARKETS).status_code for dummy in range(2)] == [502, 200]


def test_reset_fault_closes_the_connection(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "reset"}]})
    with pytest.raises(requests.exceptions.ConnectionError):
        _get(http, sim, MARKETS)
    assert _get(http, sim, MARKETS).status_code == 200
    log = _wait_for_log(sim, 2)
    assert [e["fault"] for e in log] == ["reset", None]


def test_stall_fault_makes_the_client_time_out(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "stall", "seconds": 0.5}]})
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(sim.url + MARKETS, headers=AUTH, timeout=0.2)
    log = _wait_for_log(sim, 1)
    assert [(e["operation"], e["fault"]) for e in log] == [("ListMarkets", "stall")]
    assert _get(http, sim, MARKETS).status_code == 200


def test_truncated_fault_sends_an_incomplete_body(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "truncated"}]})
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        _get(http, sim, MARKETS)
    assert _get(http, sim, MARKETS).status_code == 200


def test_html_fault_sends_a_proxy_page(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "html"}]})
    response = _get(http, sim, MARKETS)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html"
    assert b"<html>" in response.content
    with pytest.raises(ValueError):
        response.json()


def test_empty_fault_sends_no_body(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "empty"}]})
    response = _get(http, sim, MARKETS)
    assert response.status_code == 200
    assert response.content == b""


def test_badjson_fault_sends_invalid_json(http, sim):
    _set_faults(http, sim, {"faults": [{"kind": "badjson"}]})
    response = _get(http, sim, MARKETS)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.content
    with pytest.raises(ValueError):
        json.loads(response.content)


def test_latency_setting_keeps_answers_correct(http, sim):
    expected = _get(http, sim, MARKETS).json()
    answer = _set_faults(http, sim, {"latency_ms": 20})
    assert answer["pending"] == []
    assert sim.faults.latency == pytest.approx(0.02)
    for dummy in range(3):
        response = _get(http, sim, MARKETS)
        assert response.status_code == 200
        assert response.json() == expected


@pytest.mark.parametrize(
    "plan",
    [
        {"faults": [{"kind": "explode"}]},
        {"faults": [{"count": 2}]},
        {"faults": [{"kind": "status"}]},
        {"faults": [{"kind": "status", "status": "503"}]},
        {"faults": ["reset"]},
        {"faults": 5},
        {"faults": [{"kind": "reset", "count": "many"}]},
        {"faults": [{"kind": "reset", "count": 0}]},
        {"latency_ms": "slow"},
        [{"kind": "reset"}],
        "reset",
    ],
)
def test_invalid_fault_plan_gets_400_and_keeps_the_plan(http, sim, plan):
    _set_faults(http, sim, {"faults": [{"kind": "status", "status": 503}]})
    response = http.post(sim.url + "/_sim/faults", json=plan, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"]
    assert sim.faults.pending() == [{"kind": "status", "status": 503, "count": 1}]


def test_fault_plan_that_is_not_json_gets_400(http, sim):
    response = http.post(sim.url + "/_sim/faults", data=b"{faults", timeout=5)
    assert response.status_code == 400


# --------------------------------------------------------------- rate limit


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _limiter():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    limiter.configure(True)
    return limiter, clock


def _verdicts(limiter, count, user="a@example.com"):
    return [limiter.check(user)[0] for dummy in range(count)]


def test_rate_limit_is_off_unless_enabled():
    limiter = RateLimiter(clock=FakeClock())
    assert set(_verdicts(limiter, 200)) == {"ok"}


def test_rate_limit_delays_past_20_a_minute():
    limiter, dummy = _limiter()
    assert _verdicts(limiter, 20) == ["ok"] * 20
    assert limiter.check("a@example.com") == ("delay", 1.5)
    assert limiter.check("b@example.com") == ("ok", 0.0)


def test_rate_limit_rejects_past_60_a_minute():
    limiter, clock = _limiter()
    assert _verdicts(limiter, 60) == ["ok"] * 20 + ["delay"] * 40
    assert limiter.check("a@example.com") == ("reject", 60)
    clock.now += 45
    assert limiter.check("a@example.com") == ("reject", 15)
    clock.now += 15
    assert limiter.check("a@example.com")[0] == "ok"


def test_rate_limit_window_slides():
    limiter, clock = _limiter()
    assert _verdicts(limiter, 30) == ["ok"] * 20 + ["delay"] * 10
    clock.now += 30
    assert _verdicts(limiter, 30) == ["delay"] * 30
    clock.now += 15
    assert limiter.check("a@example.com") == ("reject", 15)
    # At 60 s the first 30 leave the minute window; 30 remain, so still past the soft limit.
    clock.now += 15
    assert _verdicts(limiter, 30) == ["delay"] * 30
    assert limiter.check("a@example.com")[0] == "reject"


def test_rate_limit_rejects_past_3750_an_hour():
    limiter, clock = _limiter()
    # Under 60 a minute no hour holds more than 3600 requests: lift the minute limits to reach 3750.
    limiter.configure(True, hard_per_minute=10 ** 6, soft_per_minute=10 ** 6)
    assert limiter.settings["hard_per_hour"] == 3750
    for dummy in range(5):
        assert set(_verdicts(limiter, 750)) == {"ok"}
        clock.now += 60
    assert limiter.check("a@example.com") == ("reject", 3600 - 300)
    assert limiter.check("b@example.com")[0] == "ok"
    clock.now += 3600 - 300
    assert set(_verdicts(limiter, 750)) == {"ok"}
    assert limiter.check("a@example.com")[0] == "reject"


def test_rate_limit_configure_checks_settings_and_forgets_history():
    limiter, dummy = _limiter()
    with pytest.raises(ValueError):
        limiter.configure(True, per_minute=5)
    _verdicts(limiter, 60)
    assert limiter.check("a@example.com")[0] == "reject"
    limiter.configure(True)
    assert limiter.check("a@example.com") == ("ok", 0.0)


def test_rate_limit_over_http_answers_429_with_retry_after(http, sim):
    response = http.post(sim.url + "/_sim/rate_limit", json={"hard_per_minute": 2, "soft_per_minute": 100}, timeout=5)
    assert response.json()["settings"]["hard_per_minute"] == 2
    assert [_get(http, sim, MARKETS).status_code for dummy in range(2)] == [200, 200]
    response = _get(http, sim, MARKETS)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["code"] == 8
    assert sim.log()[-1]["fault"] == "rate limit"
    bad = http.post(sim.url + "/_sim/rate_limit", json={"per_second": 2}, timeout=5)
    assert bad.status_code == 400


# ------------------------------------------------------------------ dataset


def test_asn_details_filters(http, sim):
    """Each filter: 'only' keeps the flagged rows, 'exclude' the others, the other lists stay whole."""
    seen = {field: [0, 0] for field, dummy in FILTERS}
    for ip in ("v4", "v6"):
        for asn in _ranked_asns(http, sim, ip):
            everything = _details(http, sim, asn, body={"ip": ip})
            for field, listed in FILTERS:
                rows = everything.get(listed, [])
                flagged = [row for row in rows if row.get(field)]
                unflagged = [row for row in rows if not row.get(field)]
                seen[field][0] += len(flagged)
                seen[field][1] += len(unflagged)
                only = _details(http, sim, asn, body={"ip": ip, field: "only"})
                exclude = _details(http, sim, asn, body={"ip": ip, field: "exclude"})
                assert _details(http, sim, asn, body={"ip": ip, field: "all"}) == everything
                assert only.get(listed, []) == flagged
                assert exclude.get(listed, []) == unflagged
                for other in ("customers", "providers", "peers"):
                    if other != listed:
                        assert only.get(other) == everything.get(other)
                        assert exclude.get(other) == everything.get(other)
    # Every filter met rows to keep and rows to drop, both ways: the checks above bite.
    assert all(flagged and unflagged for flagged, unflagged in seen.values()), seen


def test_asn_details_filters_combine(http, sim):
    body = {"singlehomedCustomer": "exclude", "mutualCustomer": "exclude"}
    for asn in _ranked_asns(http, sim):
        customers = _details(http, sim, asn, body=body).get("customers", [])
        assert not [row for row in customers if row.get("singlehomedCustomer") or row.get("mutualCustomer")]


def test_asn_details_relationship_type_selects_one_list(http, sim):
    complete = None
    for asn in _ranked_asns(http, sim):
        everything = _details(http, sim, asn)
        if all(everything.get(key) for key in ("customers", "providers", "peers")):
            complete = asn, everything
            break
    assert complete, "no ASN in planet$earth has customers, providers and peers"
    asn, everything = complete
    for relationship in ("customers", "providers", "peers"):
        details = _details(http, sim, asn, relationship)
        assert details[relationship] == everything[relationship]
        assert {key for key in ("customers", "providers", "peers") if key in details} == {relationship}
        assert details["asn"] == everything["asn"]
        assert details["name"] == everything["name"]


def test_asn_details_errors(http, sim):
    assert _post(http, sim, _details_path(64499, "siblings")).status_code == 400
    assert _post(http, sim, _details_path(64499), {"ip": "v5"}).status_code == 400
    assert _post(http, sim, _details_path(64499), {"mutualCustomer": "maybe"}).status_code == 400
    assert _post(http, sim, "/kmi/v202212/market/planet$earth/network/AS64499/all").status_code == 400
    assert _post(http, sim, _details_path(64499, market_id="country$zz")).status_code == 404
    assert _post(http, sim, _details_path(4200000000)).status_code == 404


def test_rankings_limit(http, sim):
    full = _post(http, sim, RANKINGS).json()["rankings"]
    assert len(full) > 5
    for limit in (1, 2, 5, "3"):
        rankings = _post(http, sim, RANKINGS, {"limit": limit}).json()["rankings"]
        assert rankings == full[: int(limit)]
    assert _post(http, sim, RANKINGS, {"limit": 0}).json()["rankings"] == full
    assert _post(http, sim, RANKINGS, {"limit": 10 ** 6}).json()["rankings"] == full
    assert _post(http, sim, RANKINGS, {"limit": -1}).status_code == 400
    assert _post(http, sim, RANKINGS, {"limit": "many"}).status_code == 400
    assert [int(row["rank"]) for row in full] == list(range(1, len(full) + 1))


def test_rankings_errors(http, sim):
    assert _post(http, sim, "/kmi/v202212/market/planet$earth/rankings/customer_bass/ip/v4").status_code == 400
    assert _post(http, sim, "/kmi/v202212/market/planet$earth/rankings/customer_base/ip/v5").status_code == 400
    assert _post(http, sim, "/kmi/v202212/market/country$zz/rankings/customer_base/ip/v4").status_code == 404


def test_insights_query_checks(http, sim):
    for query in ({"lookback": "2"}, {"magnitude": "6"}, {"types": "market_party"}, {"ip": "v5"}, {"limit": "ten"}):
        assert _get(http, sim, INSIGHTS, params=query).status_code == 400, query
    assert _get(http, sim, INSIGHTS, params={"marketId": "country$zz"}).status_code == 404
    everything = _get(http, sim, INSIGHTS, params={"lookback": "30"}).json()["insights"]
    assert len(everything) > 2
    assert _get(http, sim, INSIGHTS, params={"lookback": "30", "limit": "2"}).json()["insights"] == everything[:2]


# --------------------------------------------------------------- encoding


def _walk(node, found):
    """Collect (key, value) pairs of every object in a decoded JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((key, value))
            _walk(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)
    return found


def test_encode_follows_the_gateway():
    value = {"rank_change": 0, "score_change": -3, "asn": 64499, "mutual_customer": False, "singlehomed_customer": True,
             "name": "", "peers": [], "invalid_count": 0, "rows": [{"pfx_count": 2}], "country_name": None}
    assert encode(value) == {"rankChange": 0, "scoreChange": -3, "asn": 64499, "mutualCustomer": False, "singlehomedCustomer": True,
                             "rows": [{"pfxCount": 2}]}


# The answers' number fields; all of them but invalidCount are proto3 ``optional`` (set by the server, so always written).
NUMBERS = ("asn", "rank", "rankChange", "score", "scoreChange", "pfxCount", "type", "invalidCount")


def test_raw_json_has_numbers_and_leaves_out_unset_fields(http, sim):
    bodies = [_get(http, sim, MARKETS).json(), _get(http, sim, INSIGHTS, params={"lookback": "30"}).json()]
    for rank_type in RANK_TYPES:
        bodies.append(_post(http, sim, "/kmi/v202212/market/planet$earth/rankings/%s/ip/v4" % rank_type).json())
    for asn in _ranked_asns(http, sim):
        bodies.append(_post(http, sim, _details_path(asn)).json())
    pairs = _walk(bodies, [])
    for key, value in pairs:
        assert re.match(r"^[a-z][a-zA-Z0-9]*$", key), key
        assert value is not None and not isinstance(value, float), (key, value)
        if key in NUMBERS:
            assert isinstance(value, int) and not isinstance(value, bool), (key, value)
        elif not isinstance(value, bool):
            assert value not in ("", [], {}), (key, value)  # a string or list at its default is left out
    rows = [row for body in bodies for row in body.get("rankings", [])]
    assert all({"asn", "rank", "rankChange", "score", "scoreChange"} <= set(row) for row in rows), "optional fields are set"
    assert [row for row in rows if row["rankChange"] == 0], "a zero rank change is written: the field has presence"
    assert [row for row in rows if row["rankChange"] < 0], "a negative change is a negative number"
    customers = [row for body in bodies for row in body.get("asnDetails", {}).get("customers", [])]
    assert [row for row in customers if row.get("singlehomedCustomer") is False], "false booleans with presence are written"
    assert [row for row in customers if row.get("singlehomedCustomer") is True]
    assert not [body for body in bodies if body.get("invalidCount") == 0], "invalidCount (no presence) is left out at 0"


# ------------------------------------------------------------ command line


def _environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (COLLECTION_ROOT, env.get("PYTHONPATH")) if p)
    return env


def test_command_line_serves_and_stops_on_sigterm(tmp_path):
    port_file = tmp_path / "port"
    command = [sys.executable, "-m", "simulator", "--port", "0", "--port-file", str(port_file)]
    with subprocess.Popen(command, cwd=COLLECTION_ROOT, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        try:
            deadline = time.monotonic() + 10
            while not (port_file.exists() and port_file.read_text().endswith("\n")):
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline, "no port file after 10 s"
                time.sleep(0.02)
            port = int(port_file.read_text())
            session = requests.Session()
            session.trust_env = False
            health = session.get("http://127.0.0.1:%d/_sim/health" % port, timeout=5).json()
            session.close()
            assert health["ok"] is True
            assert health["markets"] > 0
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
        assert b"KMI simulator on http://127.0.0.1:%d" % port in process.stdout.read()


@pytest.mark.parametrize("host", ["10.0.0.1", "0.0.0.0", "::", "kmi.example.com"])
def test_command_line_refuses_a_host_that_is_not_loopback(tmp_path, host):
    port_file = tmp_path / "port"
    command = [sys.executable, "-m", "simulator", "--host", host, "--port", "0", "--port-file", str(port_file)]
    result = subprocess.run(command, cwd=COLLECTION_ROOT, env=_environment(), capture_output=True, timeout=20, check=False)
    assert result.returncode == 2
    assert b"loopback" in result.stderr
    assert b"Traceback" not in result.stderr
    assert not port_file.exists()
