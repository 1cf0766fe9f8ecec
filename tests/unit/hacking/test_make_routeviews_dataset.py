# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dataset builder's relationship inference, on small invented paths with a known answer."""

from __future__ import annotations

import importlib.util
import os

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
_SPEC = importlib.util.spec_from_file_location("make_routeviews_dataset", os.path.join(ROOT, "hacking", "make_routeviews_dataset.py"))
builder = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(builder)


def _links(pairs):
    links = {}
    for one, other in pairs:
        links.setdefault(one, set()).add(other)
        links.setdefault(other, set()).add(one)
    return links


def test_the_clique_tolerates_one_missing_link_per_member():
    # 1..4 fully meshed but 1-2 (a peering dispute); 5 misses 3 and 4; 11 (beyond the top 10) links to all.
    pairs = [(a, b) for a in range(1, 5) for b in range(a + 1, 5) if (a, b) != (1, 2)]
    pairs += [(5, 1), (5, 2), (11, 1), (11, 2), (11, 3), (11, 4)]
    order = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert builder.find_clique(order, _links(pairs)) == {1, 2, 3, 4, 11}


def _infer():
    # Five big networks peer with each other; 40 buys from 10 and 20, 50 from 30, 55 from 35, 56 from 36, 60 from 40.
    # 70 is small and once shows 10, a clique member, as its customer (a leak): 10 buys from nobody.
    # 80 is small and on one path sits above 40, which is bigger: thin evidence, so peering.
    clique = (10, 20, 30, 35, 36)
    customer = {10: 40, 20: 40, 30: 50, 35: 55, 36: 56}
    paths = [(a, b, customer[b]) for a in clique for b in clique if a != b]
    paths += [(a, b, 40, 60) for a in clique for b in (10, 20) if a != b]
    paths += [(10, 70, 20, 40), (30, 80, 40, 60)]
    return builder.infer_relationships([(99,) + path for path in paths])  # each seen by vantage point 99


@pytest.fixture()
def inferred():
    return _infer()


def test_clique_members_buy_no_transit_and_small_networks_do_not_sell_to_big_ones(inferred):
    transit, peering, clique, degree = inferred
    assert clique == {10, 20, 30, 35, 36}
    assert not [link for link in transit if link[0] in clique]
    assert {(50, 30), (55, 35), (56, 36), (60, 40)} <= transit and transit & {(40, 10), (40, 20)}
    assert (10, 70) not in transit and frozenset((10, 70)) in peering
    assert degree[40] > degree[80] and (40, 80) not in transit and frozenset((40, 80)) in peering


def test_a_clique_member_buys_no_transit_whatever_the_evidence(monkeypatch):
    monkeypatch.setattr(builder, "MANY_TIMES", 0)  # any evidence is enough for a larger customer
    transit, peering, dummy, dummy2 = _infer()
    assert (40, 80) in transit
    assert (10, 70) not in transit and frozenset((10, 70)) in peering


def test_the_provider_graph_has_no_cycle(inferred):
    transit = inferred[0]
    providers = {}
    for customer, provider in transit:
        providers.setdefault(customer, set()).add(provider)

    def above(asn, seen):
        for provider in providers.get(asn, ()):
            assert provider not in seen, "cycle through %d" % provider
            above(provider, seen | {provider})

    for asn in list(providers):
        above(asn, {asn})


def test_the_prefixes_of_origins_with_no_path_are_counted_as_left_out_per_market():
    topology = builder.Topology()
    topology.countries["DE"] = ("Germany", "EU")
    topology.prefixes[64500] = [("v4", 24, "DE"), ("v6", 48, "")]
    unplaced = [("v4", 16, "DE"), ("v4", 24, "")]
    markets = {"markets": [{"market_id": m} for m in ("planet$earth", "continent$europe", "country$de")]}
    left_out = builder._left_out(topology, unplaced, markets)
    # A /16 weighs 729, a /24 1: in Germany one prefix of two is left out, 729 of 730 by weight.
    assert left_out["country$de"] == {"v4": [0.5, 0.999]}
    assert left_out["continent$europe"] == {"v4": [0.5, 0.999]}
    assert left_out["planet$earth"] == {"v4": [0.667, 0.999], "v6": [0.0, 0.0]}
