# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's fault plan (simulator/faults.py), over HTTP: each kind of fault, counts, order, scope, latency."""

from __future__ import annotations

import json
import time

import pytest
import requests

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import (
    AUTH, INSIGHTS, MARKETS, RANKINGS, api_get, api_post, asn_details, set_faults, wait_for_log,
)


# ------------------------------------------------------------------- faults


def test_a_drift_fault_takes_relationships_from_one_network(http, sim):
    before = asn_details(http, sim, 64501)
    other = asn_details(http, sim, 64499)
    assert before["providers"] and before["peers"]
    set_faults(sim, {"faults": [{"kind": "drift", "asn": 64501, "lose": "peers", "number": 1,
                                 "operation": "GetASNDetails", "count": 3}]})
    assert api_get(http, sim, MARKETS).status_code == 200  # another RPC: untouched, and the fault not used
    after = asn_details(http, sim, 64501)
    assert after["peers"] == before["peers"][1:] and after["providers"] == before["providers"]
    assert asn_details(http, sim, 64499) == other
    assert [entry["fault"] for entry in sim.log()[-3:]] == [None, "drift", "drift"]
    assert asn_details(http, sim, 64501)["peers"] == before["peers"][1:]  # the third and last
    assert asn_details(http, sim, 64501) == before


@pytest.mark.parametrize("fault", [{"kind": "drift", "lose": "peers"}, {"kind": "drift", "asn": 64501, "lose": "siblings"}])
def test_a_drift_fault_says_what_it_needs(http, sim, fault):
    response = http.post(sim.url + "/_sim/faults", json={"faults": [fault]}, timeout=5)
    assert response.status_code == 400
    assert "a drift fault needs an asn (an integer) and lose: one of providers, peers, customers" in response.text


@pytest.mark.parametrize("status, code", [(500, 13), (502, 14), (503, 14), (504, 4), (401, 16), (404, 5)])
def test_status_fault_hits_the_next_request_only(http, sim, status, code):
    set_faults(sim, {"faults": [{"kind": "status", "status": status}]})
    response = api_get(http, sim, MARKETS)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert "Retry-After" not in response.headers
    assert api_get(http, sim, MARKETS).status_code == 200
    assert [(e["status"], e["fault"]) for e in sim.log()] == [(status, "status %d" % status), (200, None)]


def test_429_fault_with_retry_after_header(http, sim):
    set_faults(sim, {"faults": [{"kind": "status", "status": 429, "retry_after": "7"}]})
    response = api_post(http, sim, RANKINGS)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()["code"] == 8


def test_429_fault_with_retry_after_as_a_date_after_the_answer(http, sim):
    from email.utils import parsedate_to_datetime

    set_faults(sim, {"faults": [{"kind": "status", "status": 429, "retry_after_in": 30}]})
    before = time.time()
    response = api_post(http, sim, RANKINGS)
    assert response.status_code == 429
    ahead = parsedate_to_datetime(response.headers["Retry-After"]).timestamp() - before
    assert 29 <= ahead <= 31  # whole seconds


def test_status_fault_with_html_page(http, sim):
    set_faults(sim, {"faults": [{"kind": "status", "status": 502, "html": True}]})
    response = api_get(http, sim, MARKETS)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert response.content.startswith(b"<!DOCTYPE html>")


def test_fault_count_hits_the_next_n_requests(http, sim):
    answer = set_faults(sim, {"faults": [{"kind": "status", "status": 503, "count": 3}]})
    assert answer["pending"] == [{"kind": "status", "status": 503, "count": 3}]
    statuses = [api_get(http, sim, MARKETS).status_code for dummy in range(5)]
    assert statuses == [503, 503, 503, 200, 200]
    assert sim.faults.pending() == []


def test_faults_are_used_in_order(http, sim):
    set_faults(sim, {"faults": [{"kind": "status", "status": 500}, {"kind": "status", "status": 502, "count": 2}]})
    statuses = [api_get(http, sim, MARKETS).status_code for dummy in range(4)]
    assert statuses == [500, 502, 502, 200]


def test_fault_scoped_to_one_operation(http, sim):
    set_faults(sim, {"faults": [{"kind": "status", "status": 504, "operation": "GetRankings"}]})
    assert api_get(http, sim, MARKETS).status_code == 200
    assert api_get(http, sim, INSIGHTS).status_code == 200
    assert api_post(http, sim, RANKINGS).status_code == 504
    assert api_post(http, sim, RANKINGS).status_code == 200
    assert [e["fault"] for e in sim.log()] == [None, None, "status 504", None]


def test_setting_a_plan_replaces_the_previous_one(http, sim):
    set_faults(sim, {"faults": [{"kind": "status", "status": 500, "count": 5}]})
    set_faults(sim, {"faults": [{"kind": "status", "status": 502}]})
    assert [api_get(http, sim, MARKETS).status_code for dummy in range(2)] == [502, 200]


def test_reset_fault_closes_the_connection(http, sim):
    set_faults(sim, {"faults": [{"kind": "reset"}]})
    with pytest.raises(requests.exceptions.ConnectionError):
        api_get(http, sim, MARKETS)
    assert api_get(http, sim, MARKETS).status_code == 200
    log = wait_for_log(sim, 2)
    assert [e["fault"] for e in log] == ["reset", None]


def test_stall_fault_makes_the_client_time_out(http, sim):
    set_faults(sim, {"faults": [{"kind": "stall", "seconds": 0.5}]})
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(sim.url + MARKETS, headers=AUTH, timeout=0.2)
    log = wait_for_log(sim, 1)
    assert [(e["operation"], e["fault"]) for e in log] == [("ListMarkets", "stall")]
    assert api_get(http, sim, MARKETS).status_code == 200


def test_truncated_fault_sends_an_incomplete_body(http, sim):
    set_faults(sim, {"faults": [{"kind": "truncated"}]})
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api_get(http, sim, MARKETS)
    assert api_get(http, sim, MARKETS).status_code == 200


def test_html_fault_sends_a_proxy_page(http, sim):
    set_faults(sim, {"faults": [{"kind": "html"}]})
    response = api_get(http, sim, MARKETS)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html"
    assert b"<html>" in response.content
    with pytest.raises(ValueError):
        response.json()


def test_empty_fault_sends_no_body(http, sim):
    set_faults(sim, {"faults": [{"kind": "empty"}]})
    response = api_get(http, sim, MARKETS)
    assert response.status_code == 200
    assert response.content == b""


def test_badjson_fault_sends_invalid_json(http, sim):
    set_faults(sim, {"faults": [{"kind": "badjson"}]})
    response = api_get(http, sim, MARKETS)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.content
    with pytest.raises(ValueError):
        json.loads(response.content)


def test_latency_setting_keeps_answers_correct(http, sim):
    expected = api_get(http, sim, MARKETS).json()
    answer = set_faults(sim, {"latency_ms": 20})
    assert answer["pending"] == []
    assert sim.faults.latency == pytest.approx(0.02)
    for dummy in range(3):
        response = api_get(http, sim, MARKETS)
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
    set_faults(sim, {"faults": [{"kind": "status", "status": 503}]})
    response = http.post(sim.url + "/_sim/faults", json=plan, timeout=5)
    assert response.status_code == 400
    assert response.json()["error"]
    assert sim.faults.pending() == [{"kind": "status", "status": 503, "count": 1}]


def test_fault_plan_that_is_not_json_gets_400(http, sim):
    response = http.post(sim.url + "/_sim/faults", data=b"{faults", timeout=5)
    assert response.status_code == 400
