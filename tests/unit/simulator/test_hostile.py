# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's hostile fault and its corpus."""

from __future__ import annotations

import pytest

from simulator.faults import FaultPlan, FaultPlanError
from simulator.hostile import BAD_ASNS, BAD_COUNTS, BAD_IDS, NAMES, apply

API = "/kmi/v202212"


def test_the_corpus_holds_what_the_issue_lists():
    assert len(NAMES) + len(BAD_IDS) >= 30
    joined = "".join(NAMES)
    assert any("\nprotocol bgp" in n for n in NAMES)  # a newline, then a config stanza
    assert "}" in joined and ";" in joined and "|" in joined and "`" in joined and "<script>" in joined
    assert {n[:1] for n in NAMES} >= {"=", "+", "-", "@", "\t", "\r"}  # formula prefixes
    assert "\x00" in joined and "\u202e" in joined and max(len(n) for n in NAMES) >= 10240
    assert ".." in BAD_IDS and min(a for a in BAD_ASNS if isinstance(a, int)) < 0
    assert any(isinstance(c, int) and c > 4294967295 for c in BAD_COUNTS)


def test_apply_leaves_the_answer_it_is_given_alone():
    answer = {"rankings": [{"asn": 1, "name": "A", "score": 5}, {"asn": 2, "name": "B", "score": 4}], "invalid_count": 0}
    hostile = apply({"names": True, "offset": 1, "field": "score", "value": -1}, answer)
    assert [row["name"] for row in hostile["rankings"]] == [NAMES[1], NAMES[2]]
    assert [row["score"] for row in hostile["rankings"]] == [-1, 4]
    assert answer["rankings"][0] == {"asn": 1, "name": "A", "score": 5}
    assert apply({"market_id": ".."}, {"markets": [{"market_id": "x"}]}) == {"markets": [{"market_id": ".."}]}


@pytest.mark.parametrize("fault", [{"kind": "hostile"}, {"kind": "hostile", "market_id": 5}, {"kind": "hostile", "names": False}])
def test_a_hostile_fault_says_what_it_needs(fault):
    with pytest.raises(FaultPlanError) as caught:
        FaultPlan().set({"faults": [fault]})
    assert "a hostile fault needs names: true, a market_id (a string) or a field and a value" in str(caught.value)


def test_hostile_answers_then_normal_ones(sim, http):
    auth = {"X-CH-Auth-Email": "sim@example.com", "X-CH-Auth-API-Token": "sim-token"}
    normal = http.get(sim.url + API + "/markets", headers=auth).json()
    sim.faults.set({"faults": [{"kind": "hostile", "names": True, "count": 2}]})
    first = http.get(sim.url + API + "/markets", headers=auth).json()
    assert first["markets"][0]["name"] == NAMES[0] and first["markets"][0]["marketId"] == normal["markets"][0]["marketId"]
    assert http.get(sim.url + API + "/markets", headers=auth).json() == first
    assert http.get(sim.url + API + "/markets", headers=auth).json() == normal  # the dataset is unchanged
    assert [e.get("fault") for e in sim.log()] == [None, "hostile", "hostile", None]
