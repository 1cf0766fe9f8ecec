# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The synthetic Internet of simulator/generator.py: deterministic, well formed (a provider DAG,
a full-mesh clique, valley-free peering, no reserved AS numbers) and calibrated to the published
figures its docstring quotes."""

from __future__ import annotations

import hashlib
import statistics

import pytest

from simulator.generator import calibration, customer_cone, generate
from simulator.topology import CONTINENTS

SIZE = 3000


@pytest.fixture(scope="module")
def topology():
    return generate(seed=1, ases=SIZE)


@pytest.fixture(scope="module")
def figures(topology):
    return calibration(topology)


def digest(topology):
    text = repr((
        sorted(topology.names.items()),
        sorted(topology.countries.items()),
        sorted((asn, sorted(providers)) for asn, providers in topology.providers.items()),
        sorted((asn, sorted(peers)) for asn, peers in topology.peers.items()),
        sorted(topology.prefixes.items()),
    ))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_same_seed_same_internet_other_seed_other_internet(topology):
    assert digest(generate(seed=1, ases=SIZE)) == digest(topology)
    assert digest(generate(seed=2, ases=SIZE)) != digest(topology)


def test_size_and_minimum():
    assert len(generate(seed=5, ases=2000).asns()) == 2000
    with pytest.raises(ValueError):
        generate(seed=1, ases=10)


def test_clique_is_a_full_mesh_without_providers(topology):
    clique = [asn for asn in topology.asns() if not topology.providers.get(asn)]
    assert 15 <= len(clique) <= 20
    for asn in clique:
        assert set(clique) - {asn} <= topology.peers[asn]
    customers = topology.customers()
    assert all(len(customers[asn]) >= 20 for asn in clique)


def test_provider_graph_is_a_dag(topology):
    # Kahn's algorithm: every AS comes out once all its providers did.
    waiting = {asn: len(topology.providers.get(asn, ())) for asn in topology.asns()}
    customers = topology.customers()
    ready = [asn for asn, count in waiting.items() if count == 0]
    done = 0
    while ready:
        asn = ready.pop()
        done += 1
        for customer in customers.get(asn, ()):
            waiting[customer] -= 1
            if waiting[customer] == 0:
                ready.append(customer)
    assert done == len(waiting)


def test_no_peering_inside_a_customer_cone(topology):
    customers = topology.customers()
    for asn in customers:
        cone = customer_cone(customers, asn)
        assert not cone & topology.peers.get(asn, set()), asn
    for asn, peers in topology.peers.items():
        assert asn not in peers
        assert not peers & topology.providers.get(asn, set())
        assert all(asn in topology.peers[peer] for peer in peers)


def test_transit_share_and_stub_multihoming(figures):
    assert 0.10 <= figures["transit_share"] <= 0.20
    shares = figures["stub_providers"]
    assert 0.35 <= shares["1"] <= 0.45
    assert 0.36 <= shares["2"] <= 0.46
    assert 0.07 <= shares["3"] <= 0.15
    assert 0.04 <= shares["4+"] <= 0.12


def test_about_one_peer_link_per_transit_link(figures):
    assert 0.7 <= figures["peer_per_transit_link"] <= 1.3


def test_customer_counts_are_heavy_tailed(topology):
    counts = sorted((len(members) for members in topology.customers().values()), reverse=True)
    assert counts[0] >= 20 * statistics.median(counts)
    assert statistics.mean(counts) >= 1.5 * statistics.median(counts)


def test_prefix_counts_lengths_and_families(topology, figures):
    assert figures["prefix_median"] == 2
    assert 7 <= figures["prefix_mean"] <= 15
    assert 0.50 <= figures["v4_slash24_share"] <= 0.60
    assert 0.25 <= figures["v6_as_share"] <= 0.45
    v4 = [length for prefixes in topology.prefixes.values() for family, length, dummy in prefixes if family == "v4"]
    v6 = [length for prefixes in topology.prefixes.values() for family, length, dummy in prefixes if family == "v6"]
    assert all(8 <= length <= 24 for length in v4)
    assert sum(1 for length in v4 if 16 <= length <= 23) > 0.8 * sum(1 for length in v4 if length != 24)
    assert all(28 <= length <= 48 for length in v6)
    assert sum(1 for length in v6 if length in (32, 48)) > 0.6 * len(v6)
    assert {29, 36, 40, 44} <= set(v6)


def test_names_countries_and_locations(topology):
    assert 35 <= len(topology.countries) <= 50
    assert all(continent in CONTINENTS and name for name, continent in topology.countries.values())
    for asn in topology.asns():
        name, country = topology.names[asn]
        assert name == "GEN-AS%d Synthetic Net %d" % (asn, asn)
        assert country in topology.countries
        assert topology.prefixes[asn]
    registered = {}
    for name, country in topology.names.values():
        registered[country] = registered.get(country, 0) + 1
    assert max(registered, key=registered.get) == "US"
    located = [(topology.names[asn][1], country) for asn, prefixes in topology.prefixes.items() for dummy, dummy2, country in prefixes]
    assert all(country in topology.countries for dummy, country in located if country)
    home = sum(1 for own, country in located if own == country) / len(located)
    unknown = sum(1 for dummy, country in located if not country) / len(located)
    assert 0.7 <= home <= 0.95
    assert 0.01 <= unknown <= 0.03


def test_no_reserved_or_private_as_numbers(topology):
    for asn in topology.asns():
        assert asn != 0 and asn != 23456
        assert not 64496 <= asn <= 131071
        assert asn < 4200000000
        assert 1 <= asn <= 400000


def test_full_size_heavy_tail_75k():
    """The full-size Internet (75,000 ASes, a few seconds): transit networks with thousands of
    direct customers and customer cones of tens of thousands."""
    full = generate(seed=1, ases=75000)
    customers = full.customers()
    biggest = sorted(customers, key=lambda asn: -len(customers[asn]))
    assert len(customers[biggest[0]]) >= 1000
    assert statistics.median(len(members) for members in customers.values()) <= 3
    assert sum(1 for asn in biggest[:50] if len(customers[asn]) >= 1000) >= 3
    assert 10000 <= len(customer_cone(customers, biggest[0])) < 75000
