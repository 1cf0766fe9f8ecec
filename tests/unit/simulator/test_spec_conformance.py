# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's answers, checked against Kentik's OpenAPI v3 spec of KMI v202212.

Every body the simulator sends is validated against the schema the spec gives
for that operation (looked up by operationId), made strict: objects refuse
fields the spec does not name, and the integer fields (the generated spec's
``int64``, the proto's ``uint32``) take a JSON integer only, as the gateway
writes uint32.
"""

from __future__ import annotations

import re

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import AUTH, NO_KMI
from ansible_collections.kentik.kmi.tests.unit.simulator.spec_schema import GRPC_CODE, call, path_of
from simulator.dataset_format import RANK_TYPES
from simulator.server import ROUTES

RELATIONSHIPS = ("all", "customers", "providers", "peers")
FILTER_FIELDS = ("mutualProvider", "mutualCustomer", "singlehomedCustomer")


def _ok(spec, http, sim, operation_id, **kwargs):
    """Call, expect 200 and a body valid against the operation's 200 schema; return the body."""
    response = call(spec, http, sim, operation_id, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    errors = [error.message for error in spec.response_validator(operation_id, "200").iter_errors(body)]
    assert not errors, "%s %r: %s" % (operation_id, kwargs, errors)
    return body


def _error(spec, http, sim, operation_id, status, **kwargs):
    """Call, expect ``status`` and an rpcStatus body valid against the 'default' schema."""
    response = call(spec, http, sim, operation_id, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    errors = [error.message for error in spec.response_validator(operation_id, "default").iter_errors(body)]
    assert not errors, "%s %r: %s" % (operation_id, kwargs, errors)
    assert body["code"] == GRPC_CODE[status]
    assert body["message"]
    return body


def _markets(spec, http, sim):
    return [m["marketId"] for m in _ok(spec, http, sim, "ListMarkets")["markets"]]


def _ranked_asns(spec, http, sim, market_id, ip):
    asns = set()
    for rank_type in RANK_TYPES:
        body = _ok(spec, http, sim, "GetRankings", params={"marketId": market_id, "rankType": rank_type, "ip": ip})
        asns.update(int(row["asn"]) for row in body.get("rankings", []))
    return sorted(asns)


# ------------------------------------------------------------ the validators


def test_strict_schema_refuses_misspelt_fields_and_integers_in_strings(spec):
    validator = spec.response_validator("GetRankings", "200")
    assert validator.is_valid({"rankings": [{"asn": 64499, "rankChange": -3}], "invalidCount": 2})
    assert not validator.is_valid({"rankings": [{"asn": "64499"}]})
    assert not validator.is_valid({"rankings": [{"asn": 64499, "rank_change": -3}]})
    assert not validator.is_valid({"rankings": [{"asn": "AS64499"}]})
    assert not validator.is_valid({"rankings": [{"asn": 64499, "name": 5}]})
    assert not validator.is_valid({"ranking": []})
    status = spec.response_validator("GetRankings", "default")
    assert status.is_valid({"code": 5, "message": "not found", "details": []})
    assert not status.is_valid({"code": 5, "error": "not found"})


# ------------------------------------------------------------------ routes


def test_simulator_routes_are_the_spec_operations(spec):
    served = {(method, name) for method, dummy, name in ROUTES}
    described = {(op["method"], operation_id) for operation_id, op in spec.operations.items()}
    assert served == described


def test_every_spec_path_template_is_served(spec, http, sim):
    asn = _ranked_asns(spec, http, sim, "planet$earth", "v4")[0]
    values = {"marketId": "planet$earth", "asn": asn, "type": "all", "rankType": "customer_base", "ip": "v4"}
    for operation_id, operation in spec.operations.items():
        placeholders = re.findall(r"\{(\w+)\}", operation["path"])
        path_params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert set(placeholders) == path_params
        response = call(spec, http, sim, operation_id, params={name: values[name] for name in placeholders})
        assert response.status_code == 200, (operation["path"], response.text)
        assert sim.log()[-1]["operation"] == operation_id


def test_wrong_method_on_a_spec_path_is_not_served(spec, http, sim):
    for operation in spec.operations.values():
        url = sim.url + path_of(operation["path"], marketId="planet$earth", asn=64499, type="all", rankType="customer_base", ip="v4")
        other = "GET" if operation["method"] == "POST" else "POST"
        response = http.request(other, url, json={}, headers=AUTH, timeout=5)
        assert response.status_code == 501  # the gateway's answer to a method the path does not serve
        assert response.json() == {"code": 12, "message": "Method Not Allowed", "details": []}


# ------------------------------------------------------------- operations


def test_list_markets(spec, http, sim):
    body = _ok(spec, http, sim, "ListMarkets")
    assert len(body["markets"]) >= 2
    assert "planet$earth" in [m["marketId"] for m in body["markets"]]
    assert all(m["name"] for m in body["markets"])


def test_get_rankings_every_rank_type_and_family(spec, http, sim):
    markets = _markets(spec, http, sim)
    assert len(markets) >= 2
    non_empty = 0
    for market_id in markets:
        for rank_type in RANK_TYPES:
            for ip in ("v4", "v6"):
                body = _ok(spec, http, sim, "GetRankings", params={"marketId": market_id, "rankType": rank_type, "ip": ip})
                rankings = body.get("rankings", [])
                non_empty += bool(rankings)
                assert [int(row["rank"]) for row in rankings] == list(range(1, len(rankings) + 1))
    assert non_empty > len(markets) * len(RANK_TYPES)


def test_get_rankings_with_limit(spec, http, sim):
    params = {"marketId": "planet$earth", "rankType": "customer_base", "ip": "v4"}
    body = _ok(spec, http, sim, "GetRankings", params=params, body={"limit": "2"})
    assert len(body["rankings"]) == 2
    body = _ok(spec, http, sim, "GetRankings", params=params, body={"limit": 3})
    assert len(body["rankings"]) == 3


def test_get_asn_details_every_relationship_and_filter(spec, http, sim):
    bodies = [{}, {"ip": "v6"}]
    for field in FILTER_FIELDS:
        for mode in ("all", "only", "exclude"):
            bodies.append({field: mode})
    asns = _ranked_asns(spec, http, sim, "planet$earth", "v4")[:4]
    for asn in asns:
        for relationship in RELATIONSHIPS:
            for body in bodies:
                params = {"marketId": "planet$earth", "asn": asn, "type": relationship}
                details = _ok(spec, http, sim, "GetASNDetails", params=params, body=body)["asnDetails"]
                assert int(details["asn"]) == asn
                listed = {key for key in ("customers", "providers", "peers") if key in details}
                if relationship != "all":
                    assert listed <= {relationship}


def test_get_global_insights(spec, http, sim):
    queries = [
        None,
        {"ip": "v6"},
        {"lookback": "7"},
        {"lookback": "30", "magnitude": "3"},
        {"lookback": "30", "limit": "5"},
        {"lookback": "30", "types": ["market_entrance", "customer_gain", "provider_loss"]},
    ]
    queries.extend({"marketId": market_id, "lookback": "30"} for market_id in _markets(spec, http, sim))
    found = 0
    for query in queries:
        body = _ok(spec, http, sim, "GetGlobalInsights", query=query)
        found += len(body.get("insights", []))
    assert found > 0


def test_get_asn_insights(spec, http, sim):
    asns = {int(i["asn"]) for i in _ok(spec, http, sim, "GetGlobalInsights", query={"lookback": "30"}).get("insights", [])}
    assert asns
    for asn in sorted(asns):
        body = _ok(spec, http, sim, "GetASNInsights", params={"asn": asn}, query={"lookback": "30"})
        assert {int(i["asn"]) for i in body["insights"]} == {asn}
    _ok(spec, http, sim, "GetASNInsights", params={"asn": 64511}, query={"lookback": "1", "ip": "v6", "magnitude": "5"})


# ------------------------------------------------------------------ errors


def test_error_bodies_follow_rpc_status(spec, http, sim):
    rankings = {"marketId": "planet$earth", "rankType": "customer_base", "ip": "v4"}
    details = {"marketId": "planet$earth", "asn": 64496, "type": "all"}
    _error(spec, http, sim, "ListMarkets", 401, headers={})
    _error(spec, http, sim, "ListMarkets", 401, headers={"X-CH-Auth-Email": "sim@example.com", "X-CH-Auth-API-Token": "wrong"})
    _error(spec, http, sim, "ListMarkets", 403, headers=NO_KMI)
    _error(spec, http, sim, "GetRankings", 401, params=rankings, headers={})
    _error(spec, http, sim, "GetASNInsights", 403, params={"asn": 64496}, headers=NO_KMI)
    _error(spec, http, sim, "GetRankings", 400, params=dict(rankings, rankType="customer_bass"))
    _error(spec, http, sim, "GetRankings", 400, params=dict(rankings, ip="v5"))
    _error(spec, http, sim, "GetRankings", 404, params=dict(rankings, marketId="country$zz"))
    _error(spec, http, sim, "GetASNDetails", 400, params=dict(details, type="siblings"))
    _error(spec, http, sim, "GetASNDetails", 404, params=dict(details, marketId="country$zz"))
    _error(spec, http, sim, "GetASNDetails", 404, params=dict(details, asn=4200000000))
    _error(spec, http, sim, "GetGlobalInsights", 400, query={"ip": "v5"})
    _error(spec, http, sim, "GetGlobalInsights", 404, query={"marketId": "country$zz"})


def test_bad_asn_details_body_is_rejected(spec, http, sim):
    url = sim.url + path_of(spec.operations["GetASNDetails"]["path"], marketId="planet$earth", asn=64496, type="all")
    for body in ({"ip": "v5"}, {"mutualProvider": "some"}):
        response = http.post(url, json=body, headers=AUTH, timeout=5)
        assert response.status_code == 400
        assert spec.response_validator("GetASNDetails", "default").is_valid(response.json())


# ------------------------------------------------------------ reachability


def test_every_ranked_asn_of_every_market_has_details(spec, http, sim):
    checked = 0
    for market_id in _markets(spec, http, sim):
        for ip in ("v4", "v6"):
            for asn in _ranked_asns(spec, http, sim, market_id, ip):
                params = {"marketId": market_id, "asn": asn, "type": "all"}
                details = _ok(spec, http, sim, "GetASNDetails", params=params, body={"ip": ip})["asnDetails"]
                assert int(details["asn"]) == asn
                assert details["name"]
                checked += 1
    assert checked > 0
