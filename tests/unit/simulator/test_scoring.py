# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""KMI's scoring formulas (simulator/scoring.py) on a micro topology computed by hand."""

from __future__ import annotations

import json

import pytest

from simulator.dataset import Dataset
from simulator.dataset_format import MUTUAL_CUSTOMER, MUTUAL_PROVIDER, SINGLEHOMED
from simulator.scoring import build_dataset, market_ids, prefix_weight
from simulator.topology import Topology

A, B, C, D, E, F = 1, 2, 3, 4, 5, 6


def _micro_topology():
    """A: transit-free core; B buys from A; C buys from B; D from B and E; F from B; peering A-E, B-E, C-F.

    Prefixes (v4 unless said): C 10.0.0.0/24 + /22 in DE, v6 /48 + /32 in DE; D /23 in FR;
    B /20 in DE; E /24 without location (global only); A and F originate nothing.
    """
    topology = Topology()
    for customer, provider in ((B, A), (C, B), (D, B), (D, E), (F, B)):
        topology.add_transit(customer, provider)
    for one, other in ((A, E), (B, E), (C, F)):
        topology.add_peering(one, other)
    topology.prefixes = {
        C: [("v4", 24, "DE"), ("v4", 22, "DE"), ("v6", 48, "DE"), ("v6", 32, "DE")],
        D: [("v4", 23, "FR")],
        B: [("v4", 20, "DE")],
        E: [("v4", 24, "")],
    }
    topology.countries = {"DE": ("Germany", "EU"), "FR": ("France", "EU")}
    topology.names = {asn: ("AS-%d Network %d" % (asn, asn), "DE") for asn in (A, B, C, D, E, F)}
    return topology


@pytest.fixture(scope="module")
def micro():
    return build_dataset(_micro_topology(), seed=7, description="micro")


def _scores(dataset, market, family, rank_type):
    return {row[0]: row[1] for row in dataset["data"][market][family]["rankings"][rank_type]}


def test_prefix_weights():
    assert [prefix_weight("v4", n) for n in (24, 25, 32, 23, 22, 20, 16, 8)] == [1, 1, 1, 8, 27, 125, 729, 4913]
    assert [prefix_weight("v6", n) for n in (48, 56, 64, 47, 32)] == [1, 1, 1, 8, 4913]


def test_markets_of_a_prefix(micro):
    topology = Topology()
    topology.countries = {"DE": ("Germany", "EU"), "XX": ("Nowhere", "")}
    assert market_ids(topology, "DE") == ["country$de", "continent$europe", "planet$earth"]
    assert market_ids(topology, "") == ["planet$earth"]
    assert market_ids(topology, "XX") == ["country$xx", "planet$earth"]
    assert [m["market_id"] for m in micro["markets"]] == ["planet$earth", "continent$europe", "country$de", "country$fr"]


def test_global_v4_scores(micro):
    # Retail: C 1 + 27, D 8, B 125, E 1. Cones: C under B and A; D under B, E and A; B under A.
    # The customer base counts the AS's own prefixes too: B 125 + 28 + 8, E 1 + 8, C and D their own.
    assert _scores(micro, "planet$earth", "v4", "customer_base_retail") == {C: 28, D: 8, B: 125, E: 1}
    assert _scores(micro, "planet$earth", "v4", "customer_base") == {C: 28, D: 8, B: 161, A: 161, E: 9}
    assert _scores(micro, "planet$earth", "v4", "customer_base_wholesome") == {B: 36, A: 125, E: 8}
    assert _scores(micro, "planet$earth", "v4", "customer_base_backbone") == {A: 36}
    # Peering: the peers' customer bases. A: E (9); B: E (9); E: A (161) + B (161); F: C (28); C: F (none).
    # A customer base without the AS's own prefixes would give A 8, B 8, E 197, F 0.
    assert _scores(micro, "planet$earth", "v4", "peering_base") == {A: 9, B: 9, E: 322, F: 28}


def test_country_and_continent_markets(micro):
    # Germany holds C's and B's prefixes only; France only D's; Europe both; E's unlocated /24 is global only.
    assert _scores(micro, "country$de", "v4", "customer_base") == {C: 28, B: 153, A: 153}
    assert _scores(micro, "country$de", "v4", "customer_base_backbone") == {A: 28}
    assert _scores(micro, "country$fr", "v4", "customer_base") == {D: 8, B: 8, A: 8, E: 8}
    assert _scores(micro, "continent$europe", "v4", "customer_base_retail") == {C: 28, D: 8, B: 125}


def test_v6_is_scored_apart(micro):
    assert _scores(micro, "planet$earth", "v6", "customer_base_retail") == {C: 1 + 4913}
    assert _scores(micro, "planet$earth", "v6", "customer_base") == {C: 4914, B: 4914, A: 4914}


def test_rankings_are_sorted_by_score_then_asn(micro):
    rows = micro["data"]["planet$earth"]["v4"]["rankings"]["peering_base"]
    assert [row[0] for row in rows] == [E, F, A, B]


def test_details_flags(micro):
    networks = micro["data"]["planet$earth"]["v4"]["networks"]
    # B's customers: C single-homed; D has two providers, and E (B's peer) sells to D too: mutual customer.
    assert networks[str(B)]["customers"] == [[C, 28, SINGLEHOMED], [D, 8, MUTUAL_CUSTOMER]]
    assert networks[str(B)]["providers"] == [[A, 161, 0]]
    assert networks[str(B)]["peers"] == [[E, 1]]
    # C's provider B also sells to F, C's peer: mutual provider. F has no score of its own, so it is not listed.
    assert networks[str(C)]["providers"] == [[B, 36 + 125, MUTUAL_PROVIDER]]
    assert networks[str(C)]["peers"] == []
    assert str(D) in networks and str(F) in networks  # every ranked AS has details


def test_the_dataset_loads_and_answers(micro):
    dataset = Dataset(json.loads(json.dumps(micro)))
    top = dataset.rankings("country$de", "customer_base", "v4", 1)
    assert [(row["asn"], row["name"], row["rank"], row["score"]) for row in top] == [(A, "AS-1 Network 1", 1, 153)]
    details = dataset.asn_details("planet$earth", B, "customers", "v4", {"singlehomed_customer": "only"})
    assert [c["asn"] for c in details["customers"]] == [C]


def test_same_topology_same_bytes_and_seed_changes_only_the_churn(micro):
    again = build_dataset(_micro_topology(), seed=7, description="micro")
    assert json.dumps(again, sort_keys=True) == json.dumps(micro, sort_keys=True)
    other = build_dataset(_micro_topology(), seed=8, description="micro")
    assert _scores(other, "planet$earth", "v4", "customer_base") == _scores(micro, "planet$earth", "v4", "customer_base")
