# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's HTTP server: auth, routing, the gateway's reading of requests, the request log and the
control API, and the dataset's answers over HTTP."""

from __future__ import annotations

import json
import socket
import struct
import time

import pytest
import requests

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import (
    AUTH, FILTERS, INSIGHTS, MARKETS, NO_KMI, RANKINGS, api_get, api_post, asn_details, details_path,
    ranked_asns, set_faults,
)
from simulator.server import Simulator


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
    response = api_get(http, sim, MARKETS, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == 16
    assert sim.log()[-1]["status"] == 401


def test_user_without_kmi_permission_gets_403(http, sim):
    for response in (api_get(http, sim, MARKETS, headers=NO_KMI), api_post(http, sim, RANKINGS, headers=NO_KMI)):
        assert response.status_code == 403
        assert response.json()["code"] == 7


def test_valid_credentials_get_200(http, sim):
    response = api_get(http, sim, MARKETS)
    assert response.status_code == 200
    assert response.json()["markets"]


def test_every_answer_names_the_simulators_dataset(http, sim):
    answers = (api_get(http, sim, MARKETS), api_post(http, sim, RANKINGS), api_get(http, sim, MARKETS, headers={}), api_get(http, sim, "/nothing"))
    assert [answer.status_code for answer in answers] == [200, 200, 401, 404]
    assert {answer.headers["X-KMI-Simulator"] for answer in answers} == {"small"}
    assert Simulator(dataset="routeviews").dataset.name == "routeviews"


# ----------------------------------------------------------------- routing


@pytest.mark.parametrize("path", ["/kmi/v202212/nothing", "/markets", "/kmi/v202212/markets/extra", "/kmi/v202101/markets", "/"])
def test_unknown_path_gets_404(http, sim, path):
    response = api_get(http, sim, path)
    assert response.status_code == 404
    assert response.json() == {"code": 5, "message": "Not Found", "details": []}
    entry = sim.log()[-1]
    assert entry["operation"] is None
    assert entry["status"] == 404


def test_a_method_the_path_does_not_serve_gets_the_gateways_501(http, sim):
    """grpc-gateway's routing error handler: any other method on a served path is Unimplemented (HTTP 501, code 12)."""
    requests_sent = [("POST", MARKETS), ("GET", RANKINGS), ("GET", details_path(64499)), ("DELETE", INSIGHTS)]
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
    response = api_post(http, sim, "/kmi/v202212/market/planet%24earth/rankings/customer_base/ip/v4")
    assert response.status_code == 200
    assert response.json()["rankings"] == api_post(http, sim, RANKINGS).json()["rankings"]


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
    response = api_post(http, sim, path, body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 3 and field in response.json()["message"]


@pytest.mark.parametrize("query, parameter", [
    ({"limit": "-1"}, "limit"), ({"limit": "4294967296"}, "limit"), ({"lookback": "seven"}, "lookback"),
    ({"magnitude": "1.5"}, "magnitude"), ({"limit": "9223372036854775808"}, "limit"),
])
def test_a_query_number_the_gateway_cannot_read_gets_400(http, sim, query, parameter):
    response = api_get(http, sim, INSIGHTS, params=query)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 3 and "parameter: %s" % parameter in response.json()["message"]


def test_the_gateway_reads_numbers_as_json_numbers_or_decimal_strings_and_skips_unknown_fields(http, sim):
    for body in ({"limit": 2}, {"limit": "2"}, {"limit": 2.0}, {"limit": 2, "colour": "blue"}, {"limit": 2, "ip": None}):
        response = api_post(http, sim, RANKINGS, body)
        assert response.status_code == 200, (body, response.text)
        assert len(response.json()["rankings"]) == 2, body
    assert api_post(http, sim, RANKINGS, {"limit": 4294967295}).status_code == 200


def test_post_body_that_is_not_json_gets_400(http, sim):
    for data in (b"{not json", b"[1, 2]"):
        response = http.post(sim.url + RANKINGS, data=data, headers=AUTH, timeout=5)
        assert response.status_code == 400
        assert response.json()["code"] == 3


# --------------------------------------------------------------------- log


def test_request_log_records_api_calls(http, sim):
    api_get(http, sim, MARKETS)
    api_post(http, sim, RANKINGS, {"limit": 2})
    api_get(http, sim, INSIGHTS, params={"lookback": "7", "types": ["market_entrance", "market_exit"]})
    api_get(http, sim, MARKETS, headers={})
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
    api_get(http, sim, MARKETS)
    assert http.get(sim.url + "/_sim/health", timeout=5).json()["ok"] is True
    set_faults(sim, {"faults": []})
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
    api_get(http, sim, MARKETS)
    set_faults(sim, {"latency_ms": 5, "faults": [{"kind": "status", "status": 503, "count": 5}]})
    assert http.post(sim.url + "/_sim/rate_limit", json={"hard_per_minute": 1}, timeout=5).json()["enabled"] is True
    assert http.post(sim.url + "/_sim/reset", timeout=5).json() == {"ok": True}
    assert sim.log() == []
    assert sim.faults.pending() == []
    assert sim.faults.latency == 0
    assert sim.rate_limit.enabled is False
    assert [api_get(http, sim, MARKETS).status_code for dummy in range(3)] == [200, 200, 200]


# ------------------------------------------------------------------ dataset


def test_asn_details_filters(http, sim):
    """Each filter: 'only' keeps the flagged rows, 'exclude' the others, the other lists stay whole."""
    seen = {field: [0, 0] for field, dummy in FILTERS}
    for ip in ("v4", "v6"):
        for asn in ranked_asns(http, sim, ip):
            everything = asn_details(http, sim, asn, body={"ip": ip})
            for field, listed in FILTERS:
                rows = everything.get(listed, [])
                flagged = [row for row in rows if row.get(field)]
                unflagged = [row for row in rows if not row.get(field)]
                seen[field][0] += len(flagged)
                seen[field][1] += len(unflagged)
                only = asn_details(http, sim, asn, body={"ip": ip, field: "only"})
                exclude = asn_details(http, sim, asn, body={"ip": ip, field: "exclude"})
                assert asn_details(http, sim, asn, body={"ip": ip, field: "all"}) == everything
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
    for asn in ranked_asns(http, sim):
        customers = asn_details(http, sim, asn, body=body).get("customers", [])
        assert not [row for row in customers if row.get("singlehomedCustomer") or row.get("mutualCustomer")]


def test_asn_details_relationship_type_selects_one_list(http, sim):
    complete = None
    for asn in ranked_asns(http, sim):
        everything = asn_details(http, sim, asn)
        if all(everything.get(key) for key in ("customers", "providers", "peers")):
            complete = asn, everything
            break
    assert complete, "no ASN in planet$earth has customers, providers and peers"
    asn, everything = complete
    for relationship in ("customers", "providers", "peers"):
        details = asn_details(http, sim, asn, relationship)
        assert details[relationship] == everything[relationship]
        assert {key for key in ("customers", "providers", "peers") if key in details} == {relationship}
        assert details["asn"] == everything["asn"]
        assert details["name"] == everything["name"]


def test_asn_details_errors(http, sim):
    assert api_post(http, sim, details_path(64499, "siblings")).status_code == 400
    assert api_post(http, sim, details_path(64499), {"ip": "v5"}).status_code == 400
    assert api_post(http, sim, details_path(64499), {"mutualCustomer": "maybe"}).status_code == 400
    assert api_post(http, sim, "/kmi/v202212/market/planet$earth/network/AS64499/all").status_code == 400
    assert api_post(http, sim, details_path(64499, market_id="country$zz")).status_code == 404
    assert api_post(http, sim, details_path(4200000000)).status_code == 404


def test_rankings_limit(http, sim):
    full = api_post(http, sim, RANKINGS).json()["rankings"]
    assert len(full) > 5
    for limit in (1, 2, 5, "3"):
        rankings = api_post(http, sim, RANKINGS, {"limit": limit}).json()["rankings"]
        assert rankings == full[: int(limit)]
    assert api_post(http, sim, RANKINGS, {"limit": 0}).json()["rankings"] == full
    assert api_post(http, sim, RANKINGS, {"limit": 10 ** 6}).json()["rankings"] == full
    assert api_post(http, sim, RANKINGS, {"limit": -1}).status_code == 400
    assert api_post(http, sim, RANKINGS, {"limit": "many"}).status_code == 400
    assert [int(row["rank"]) for row in full] == list(range(1, len(full) + 1))


def test_rankings_errors(http, sim):
    assert api_post(http, sim, "/kmi/v202212/market/planet$earth/rankings/customer_bass/ip/v4").status_code == 400
    assert api_post(http, sim, "/kmi/v202212/market/planet$earth/rankings/customer_base/ip/v5").status_code == 400
    assert api_post(http, sim, "/kmi/v202212/market/country$zz/rankings/customer_base/ip/v4").status_code == 404


def test_insights_query_checks(http, sim):
    for query in ({"lookback": "2"}, {"magnitude": "6"}, {"types": "market_party"}, {"ip": "v5"}, {"limit": "ten"}):
        assert api_get(http, sim, INSIGHTS, params=query).status_code == 400, query
    assert api_get(http, sim, INSIGHTS, params={"marketId": "country$zz"}).status_code == 404
    everything = api_get(http, sim, INSIGHTS, params={"lookback": "30"}).json()["insights"]
    assert len(everything) > 2
    assert api_get(http, sim, INSIGHTS, params={"lookback": "30", "limit": "2"}).json()["insights"] == everything[:2]
