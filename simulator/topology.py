# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An Internet to score: who buys transit from whom, who peers, and what each AS originates where.

Both sources of simulator data produce one: hacking/make_routeviews_dataset.py
(inferred from real RouteViews paths) and simulator/generator.py (a synthetic
Internet from a seed). simulator/scoring.py turns a Topology into a dataset.
"""

from __future__ import annotations

# Continent codes (as in IPFire's location database) and the names of their markets.
CONTINENTS = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}


class Topology:
    """A scored Internet's raw material.

    - ``names[asn] = (as_name, country_code)``: the AS's name and registration country (or "").
    - ``countries[code] = (country_name, continent_code)``: every country a prefix or an AS is in.
    - ``providers[asn]``: the set of its transit providers (customer → providers).
    - ``peers[asn]``: the set of its settlement-free peers (symmetric).
    - ``prefixes[asn]``: what it originates, a list of ``(family, length, country_code)``, family
      "v4" or "v6", country_code "" when the prefix has no location (anycast, unknown): such a
      prefix counts in the global market only.
    """

    def __init__(self):
        self.names = {}
        self.countries = {}
        self.providers = {}
        self.peers = {}
        self.prefixes = {}

    def add_transit(self, customer, provider):
        self.providers.setdefault(customer, set()).add(provider)

    def add_peering(self, one, other):
        self.peers.setdefault(one, set()).add(other)
        self.peers.setdefault(other, set()).add(one)

    def customers(self):
        """Return {provider: set of its direct customers}."""
        result = {}
        for customer, providers in self.providers.items():
            for provider in providers:
                result.setdefault(provider, set()).add(customer)
        return result

    def asns(self):
        """Every AS the topology knows, sorted."""
        found = set(self.names) | set(self.providers) | set(self.peers) | set(self.prefixes)
        for providers in self.providers.values():
            found |= providers
        return sorted(found)
