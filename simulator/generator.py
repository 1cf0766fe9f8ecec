# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A synthetic Internet from a seed: ``generate(seed=1, ases=75000, zipf=ZIPF) -> Topology``.

Deterministic for a seed (one ``random.Random(seed)``, nothing else), standard library only:
75,000 ASes take 3 to 5 s and about 130 MB (CPython 3.11). Every AS number, name and prefix is
invented; the shape of the graph is calibrated to published figures, quoted here in words and
rounded (no data is copied from them):

- CAIDA's AS-rank and its AS-relationship papers: a clique of about 15 to 20 top-tier networks
  that all peer with each other and buy transit from nobody; about one AS in seven (15%) is a
  transit network, i.e. has customers; customer counts and customer cones are heavy-tailed
  (power law), the largest transit networks have thousands of direct customers and customer
  cones of tens of thousands of ASes; about as many settlement-free peering links as
  customer-to-provider links once IXP route-server data is counted.
- Multihoming studies of the same relationship data: of the stub networks (no customers) about
  40% have one provider, 41% two, 11% three and 8% four or more.
- RIPE NCC and APNIC routing-table reports (Geoff Huston's yearly BGP reports, the CIDR report):
  a median AS originates 2 prefixes, the mean is about 11 (a few ASes originate thousands);
  somewhat more than half of the IPv4 prefixes are /24s, most of the rest /16 to /23; about a
  third of the ASes originate IPv6, mostly /48s and /32s with some /29, /36, /40 and /44.
- The RIRs' delegation statistics: ASes registered per country are skewed, the United States
  by far first (about a quarter), then Brazil, Russia, Germany, the United Kingdom, India, ...

How it is built:

1. AS numbers are drawn, without repetition, from 1-64495 (not 23456) and 131072-400000: no
   documentation, private or reserved number is ever used. Older (smaller, 16-bit) numbers go
   more often to the larger networks, as on the real Internet.
2. Every AS gets a rank: ranks 0 to k-1 are the clique, ranks below ~15% of the ASes are the
   transit networks, the rest are stubs. An AS only buys transit from a smaller rank, so the
   provider graph is a DAG (the rank is the tier order) and every customer-provider link points
   up. Providers are drawn with Zipf weights by rank (heavy-tailed customer counts), mostly from
   the customer's own country, else its continent, else anywhere; each transit network is given
   at least one customer so that exactly the transit ranks have customers.
3. Peering links are drawn with heavy-tailed per-AS peering weights (open peers, a few
   content-like stubs with many peers, restrictive top tiers), mostly within a continent, never
   between an AS and a member of its own customer cone (valley-free consistent). Their number is
   about that of the transit links.
4. Prefixes: counts from a log-normal law (transit networks larger), lengths from the
   published length mix, located in the AS's country most of the time, in other countries for
   multinationals (the top tiers most of all), and ~2% without a location (country "").
"""

from __future__ import annotations

import bisect
import itertools
import math
import random

from simulator.topology import Topology

# (code, name, continent, relative number of registered ASes). Names are those of ISO 3166-1
# (name or common name) so that a KMI market named after the country resolves from its code.
COUNTRIES = (
    ("US", "United States", "NA", 24.0),
    ("BR", "Brazil", "SA", 9.0),
    ("RU", "Russian Federation", "EU", 6.0),
    ("DE", "Germany", "EU", 3.5),
    ("GB", "United Kingdom", "EU", 3.3),
    ("IN", "India", "AS", 3.0),
    ("PL", "Poland", "EU", 2.2),
    ("ID", "Indonesia", "AS", 2.2),
    ("AU", "Australia", "OC", 2.2),
    ("CA", "Canada", "NA", 2.0),
    ("UA", "Ukraine", "EU", 1.8),
    ("FR", "France", "EU", 1.8),
    ("NL", "Netherlands", "EU", 1.6),
    ("BD", "Bangladesh", "AS", 1.5),
    ("IT", "Italy", "EU", 1.5),
    ("HK", "Hong Kong", "AS", 1.3),
    ("AR", "Argentina", "SA", 1.3),
    ("JP", "Japan", "AS", 1.1),
    ("CH", "Switzerland", "EU", 1.1),
    ("ES", "Spain", "EU", 1.1),
    ("CN", "China", "AS", 1.0),
    ("IR", "Iran", "AS", 0.9),
    ("SE", "Sweden", "EU", 0.9),
    ("RO", "Romania", "EU", 0.9),
    ("TR", "Türkiye", "AS", 0.9),
    ("ZA", "South Africa", "AF", 0.9),
    ("CZ", "Czechia", "EU", 0.8),
    ("SG", "Singapore", "AS", 0.8),
    ("VN", "Vietnam", "AS", 0.7),
    ("AT", "Austria", "EU", 0.7),
    ("MX", "Mexico", "NA", 0.7),
    ("CO", "Colombia", "SA", 0.6),
    ("BG", "Bulgaria", "EU", 0.6),
    ("PH", "Philippines", "AS", 0.6),
    ("KR", "South Korea", "AS", 0.5),
    ("NZ", "New Zealand", "OC", 0.5),
    ("CL", "Chile", "SA", 0.5),
    ("TW", "Taiwan", "AS", 0.4),
    ("NG", "Nigeria", "AF", 0.4),
    ("KE", "Kenya", "AF", 0.3),
    ("PE", "Peru", "SA", 0.3),
    ("EG", "Egypt", "AF", 0.2),
)
# Where the clique's members are registered (drawn without repetition, in this order of likelihood).
CLIQUE_COUNTRIES = ("US",) * 9 + ("DE", "GB", "FR", "SE", "IT", "ES", "NL", "JP", "IN", "HK", "CH", "SG")

MIN_ASES = 500
CLIQUE_SIZE = (15, 20)
TRANSIT_SHARE = (0.14, 0.16)
# Share of the ASes' numbers taken from the 16-bit range, for transit networks (others: at random).
TRANSIT_OLD_ASN = 0.75
# Providers per AS: P(1), P(2), P(3); the rest is 4 + a geometric number, capped.
STUB_PROVIDERS = (0.40, 0.41, 0.11, 0.55, 10)
TRANSIT_PROVIDERS = (0.22, 0.33, 0.20, 0.35, 16)
# Zipf exponent of the provider weights by rank: power-law customer counts. generate(zipf=...)
# overrides it: a larger exponent gives the top transit networks a larger share of the customers,
# e.g. zipf=3 gives one AS of a 40,000-AS Internet (seed 1) more than 10,000 direct customers, a
# list longer than any at the calibrated default, in a dataset that builds in about 20 s (big-answer tests).
ZIPF = 1.3
ZIPF_OFFSET = 5
# Where a customer looks for a provider: its country, else its continent, else anywhere.
SAME_COUNTRY = 0.55
SAME_CONTINENT = 0.20
# Peering links per customer-provider link, and the share of them inside one continent.
PEER_RATIO = (0.95, 1.05)
PEER_SAME_CONTINENT = 0.7
# Prefixes: log-normal counts (mu, sigma) for stubs and transit networks.
V4_COUNT_STUB = (-0.1, 1.5)
V4_COUNT_TRANSIT = (2.7, 1.6)
V6_SHARE_STUB = 0.30
V6_SHARE_TRANSIT = 0.65
V6_COUNT = (0.0, 1.3)
V6_ONLY = 0.03
ANYCAST = 0.02
# Share of prefixes in another country than the AS's: stubs, transit, the largest (multinationals).
FOREIGN = (0.06, 0.15, 0.6)
MULTINATIONALS = 100
MAX_PREFIXES = 10000
# Prefix lengths and their relative frequencies (a published routing-table mix, rounded).
V4_LENGTHS = (
    (8, 0.02), (9, 0.03), (10, 0.04), (11, 0.06), (12, 0.1), (13, 0.15), (14, 0.25), (15, 0.35),
    (16, 1.7), (17, 1.2), (18, 1.9), (19, 3.6), (20, 5.3), (21, 5.8), (22, 12.5), (23, 10.9), (24, 55.0),
)
V6_LENGTHS = (
    (28, 0.5), (29, 5.0), (30, 0.6), (32, 24.0), (33, 1.0), (34, 0.8), (35, 0.3), (36, 4.0), (40, 6.5),
    (42, 1.0), (44, 8.0), (45, 0.5), (46, 1.8), (47, 1.0), (48, 45.0),
)


def generate(seed=1, ases=75000, zipf=ZIPF):
    """Return a synthetic Internet of ``ases`` ASes as a :class:`Topology`, the same for the same seed.

    ``zipf`` is the exponent of the provider weights by rank (see ZIPF): the default is calibrated,
    a larger one concentrates customers on the largest transit networks.
    """
    if ases < MIN_ASES:
        raise ValueError("a generated Internet needs at least %d ASes, not %d" % (MIN_ASES, ases))
    if zipf <= 0 or math.isnan(zipf):
        raise ValueError("the Zipf exponent must be positive, not %r" % (zipf,))
    rng = random.Random(seed)
    clique = rng.randint(*CLIQUE_SIZE)
    transit = max(clique + 10, int(round(ases * rng.uniform(*TRANSIT_SHARE))))
    world = _World(rng, ases, clique, transit, zipf)
    world.place()
    world.number()
    world.buy_transit()
    world.peer()
    topology = Topology()
    for code, name, continent, dummy in COUNTRIES:
        topology.countries[code] = (name, continent)
    world.fill(topology)
    return topology


def calibration(topology, cones=20):
    """Measure what the generator is calibrated to: a dict of figures (for tests and reports).

    The customer cone (the AS, its customers, their customers, ...) is measured for the ``cones``
    ASes with the most direct customers.
    """
    customers = topology.customers()
    asns = topology.asns()
    stubs = [asn for asn in asns if asn not in customers]
    stub_providers = [len(topology.providers.get(asn, ())) for asn in stubs]
    transit_links = sum(len(providers) for providers in topology.providers.values())
    peer_links = sum(len(peers) for peers in topology.peers.values()) // 2
    counts = sorted(len(topology.prefixes.get(asn, ())) for asn in asns)
    v4 = [length for prefixes in topology.prefixes.values() for family, length, dummy in prefixes if family == "v4"]
    v6_ases = sum(1 for prefixes in topology.prefixes.values() if any(p[0] == "v6" for p in prefixes))
    clique = [asn for asn in asns if asn in customers and not topology.providers.get(asn)]
    biggest = sorted(customers, key=lambda asn: (-len(customers[asn]), asn))[:cones]
    return {
        "ases": len(asns),
        "clique": len(clique),
        "transit_share": len(customers) / len(asns),
        "stub_providers": {
            key: sum(1 for n in stub_providers if test(n)) / max(1, len(stubs))
            for key, test in (("1", lambda n: n == 1), ("2", lambda n: n == 2), ("3", lambda n: n == 3), ("4+", lambda n: n >= 4))
        },
        "transit_links": transit_links,
        "peer_links": peer_links,
        "peer_per_transit_link": peer_links / max(1, transit_links),
        "prefixes": sum(counts),
        "prefix_median": counts[len(counts) // 2],
        "prefix_mean": sum(counts) / len(counts),
        "v4_slash24_share": sum(1 for length in v4 if length == 24) / max(1, len(v4)),
        "v6_as_share": v6_ases / len(asns),
        "max_direct_customers": len(customers[biggest[0]]) if biggest else 0,
        "ases_with_1000_customers": sum(1 for members in customers.values() if len(members) >= 1000),
        "max_cone": max((len(customer_cone(customers, asn)) for asn in biggest), default=0),
    }


def customer_cone(customers, asn):
    """Return the set of ASes in ``asn``'s customer cone (itself included); ``customers`` from Topology.customers()."""
    cone = {asn}
    todo = [asn]
    while todo:
        for customer in customers.get(todo.pop(), ()):
            if customer not in cone:
                cone.add(customer)
                todo.append(customer)
    return cone


def _count(rng, shares):
    """Draw a provider count from (P1, P2, P3, geometric p for 4+, cap)."""
    one, two, three, geometric, cap = shares
    draw = rng.random()
    if draw < one:
        return 1
    if draw < one + two:
        return 2
    if draw < one + two + three:
        return 3
    count = 4
    while count < cap and rng.random() > geometric:
        count += 1
    return count


class _Pool:
    """ASes (by rank, ascending) with weights, drawn from among those below a rank limit."""

    def __init__(self):
        self.ranks = []
        self.cumulative = []

    def add(self, rank, weight):
        self.ranks.append(rank)
        self.cumulative.append((self.cumulative[-1] if self.cumulative else 0.0) + weight)

    def draw(self, rng, limit=None):
        """Return a weighted rank smaller than ``limit`` (all when None), or -1 when there is none."""
        size = len(self.ranks) if limit is None else bisect.bisect_left(self.ranks, limit)
        if not size:
            return -1
        index = bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[size - 1], 0, size)
        return self.ranks[min(index, size - 1)]


class _World:
    """The generator's working state, everything indexed by rank (0 = the largest network)."""

    def __init__(self, rng, ases, clique, transit, zipf=ZIPF):
        self.rng = rng
        self.zipf = zipf
        self.ases = ases
        self.clique = clique
        self.transit = transit
        self.country = []  # rank -> index in COUNTRIES
        self.asn = []  # rank -> AS number
        self.providers = [[] for dummy in range(ases)]
        self.peers = [set() for dummy in range(ases)]
        self.links = 0

    def place(self):
        """Give every rank a registration country."""
        rng = self.rng
        index = {code: i for i, (code, dummy, dummy2, dummy3) in enumerate(COUNTRIES)}
        pool = list(CLIQUE_COUNTRIES)
        clique = []
        while len(clique) < self.clique:
            code = pool.pop(rng.randrange(len(pool)))
            clique.append(index[code])
        cumulative = list(itertools.accumulate(weight for dummy, dummy2, dummy3, weight in COUNTRIES))
        self.country = clique + rng.choices(range(len(COUNTRIES)), cum_weights=cumulative, k=self.ases - self.clique)

    def number(self):
        """Draw the AS numbers; the clique gets old small ones, transit networks mostly 16-bit ones."""
        rng = self.rng
        low = 64494  # 1-64495 without 23456
        drawn = rng.sample(range(low + 400000 - 131072 + 1), self.ases)
        old = sorted(i + 1 if i + 1 < 23456 else i + 2 for i in drawn if i < low)
        new = [131072 + i - low for i in drawn if i >= low]
        rng.shuffle(new)
        # The clique: among the oldest tenth of the 16-bit numbers drawn.
        oldest = old[:max(self.clique, len(old) // 10)]
        clique = rng.sample(oldest, self.clique)
        taken = set(clique)
        old = [asn for asn in old if asn not in taken]
        rng.shuffle(old)
        self.asn = clique
        for rank in range(self.clique, self.ases):
            use_old = rng.random() < TRANSIT_OLD_ASN if rank < self.transit else rng.random() < len(old) / (len(old) + len(new))
            self.asn.append(old.pop() if (use_old and old) or not new else new.pop())

    def buy_transit(self):
        """Customer-provider links: each AS buys from smaller ranks (a DAG), weighted by Zipf."""
        rng = self.rng
        continent = [COUNTRIES[c][2] for c in self.country]
        by_country = {}
        by_continent = {}
        everywhere = _Pool()
        for rank in range(self.transit):
            weight = (rank + 1 + ZIPF_OFFSET) ** -self.zipf * rng.lognormvariate(0.0, 0.3)
            everywhere.add(rank, weight)
            by_country.setdefault(self.country[rank], _Pool()).add(rank, weight)
            by_continent.setdefault(continent[rank], _Pool()).add(rank, weight)
        anchors = self._anchors()
        for rank in range(self.clique, self.ases):
            is_transit = rank < self.transit
            want = _count(rng, TRANSIT_PROVIDERS if is_transit else STUB_PROVIDERS)
            limit = rank if is_transit else None
            if is_transit:
                want = min(want, rank)
            chosen = self.providers[rank]
            for anchor in anchors.get(rank, ()):
                if len(chosen) < want:
                    chosen.append(anchor)
            tries = 0
            while len(chosen) < want and tries < 40:
                tries += 1
                draw = rng.random() if tries < 10 else 1.0
                pool = by_country.get(self.country[rank], everywhere) if draw < SAME_COUNTRY else (
                    by_continent.get(continent[rank], everywhere) if draw < SAME_COUNTRY + SAME_CONTINENT else everywhere)
                provider = pool.draw(rng, limit)
                if provider < 0:
                    provider = everywhere.draw(rng, limit)
                if provider not in chosen:
                    chosen.append(provider)
            self.links += len(chosen)

    def _anchors(self):
        """Give each transit network below the clique one stub customer (of its country when possible)."""
        rng = self.rng
        stubs = list(range(self.transit, self.ases))
        rng.shuffle(stubs)
        by_country = {}
        for stub in stubs:
            by_country.setdefault(self.country[stub], []).append(stub)
        used = set()
        anchors = {}
        for rank in range(self.clique, self.transit):
            mine = by_country.get(self.country[rank], [])
            while mine and mine[-1] in used:
                mine.pop()
            while stubs and stubs[-1] in used:
                stubs.pop()
            stub = mine.pop() if mine else stubs.pop()
            used.add(stub)
            anchors.setdefault(stub, []).append(rank)
        return anchors

    def peer(self):
        """Peering links: the clique's full mesh, then weighted pairs, never inside one's customer cone."""
        rng = self.rng
        for one, other in itertools.combinations(range(self.clique), 2):
            self.peers[one].add(other)
            self.peers[other].add(one)
        # Ancestors (providers, their providers, ...) of every transit rank, in rank order.
        ancestors = [frozenset()] * self.transit
        for rank in range(self.clique, self.transit):
            found = set(self.providers[rank])
            for provider in self.providers[rank]:
                found |= ancestors[provider]
            ancestors[rank] = frozenset(found)

        def related(one, other):
            upper, lower = (one, other) if one < other else (other, one)
            if lower < self.transit:
                return upper in ancestors[lower]
            return any(upper == p or upper in ancestors[p] for p in self.providers[lower])

        everywhere = _Pool()
        by_continent = {}
        for rank in range(self.ases):
            if rank < self.clique:
                weight = 0.05 * rng.lognormvariate(0.0, 0.5)  # restrictive peering policies
            elif rank < self.transit:
                weight = (rank + 1) ** -0.5 * rng.lognormvariate(0.0, 0.8) * (8.0 if rng.random() < 0.02 else 1.0)
            else:
                draw = rng.random()
                weight = 0.0 if draw > 0.35 else (0.3 if draw < 0.003 else 0.002) * rng.lognormvariate(0.0, 1.0)
            if weight:
                everywhere.add(rank, weight)
                by_continent.setdefault(COUNTRIES[self.country[rank]][2], _Pool()).add(rank, weight)
        target = int(self.links * rng.uniform(*PEER_RATIO))
        made = self.clique * (self.clique - 1) // 2
        tries = 0
        while made < target and tries < 10 * target:
            tries += 1
            one = everywhere.draw(rng)
            other = (by_continent[COUNTRIES[self.country[one]][2]] if rng.random() < PEER_SAME_CONTINENT else everywhere).draw(rng)
            if one == other or other in self.peers[one] or related(one, other):
                continue
            self.peers[one].add(other)
            self.peers[other].add(one)
            made += 1

    def fill(self, topology):
        """Write names, links and prefixes into ``topology``."""
        rng = self.rng
        asn = self.asn
        codes = [code for code, dummy, dummy2, dummy3 in COUNTRIES]
        cumulative = list(itertools.accumulate(weight for dummy, dummy2, dummy3, weight in COUNTRIES))
        for rank in range(self.ases):
            number = asn[rank]
            topology.names[number] = ("GEN-AS%d Synthetic Net %d" % (number, number), codes[self.country[rank]])
            if self.providers[rank]:
                topology.providers[number] = {asn[p] for p in self.providers[rank]}
            if self.peers[rank]:
                topology.peers[number] = {asn[p] for p in sorted(self.peers[rank])}
        # One shared tuple per (family, length, country) keeps 800,000 prefixes small.
        shared = {}
        v4_lengths = [length for length, dummy in V4_LENGTHS]
        v4_cumulative = list(itertools.accumulate(weight for dummy, weight in V4_LENGTHS))
        v6_lengths = [length for length, dummy in V6_LENGTHS]
        v6_cumulative = list(itertools.accumulate(weight for dummy, weight in V6_LENGTHS))
        all_countries = range(len(codes))
        for rank in range(self.ases):
            is_transit = rank < self.transit
            mu, sigma = V4_COUNT_TRANSIT if is_transit else V4_COUNT_STUB
            v4 = min(MAX_PREFIXES, max(1, int(rng.lognormvariate(mu, sigma) + 0.5)))
            v6 = 0
            if rng.random() < (V6_SHARE_TRANSIT if is_transit else V6_SHARE_STUB):
                v6 = min(MAX_PREFIXES, 1 + int(rng.lognormvariate(*V6_COUNT)))
                if not is_transit and rng.random() < V6_ONLY:
                    v4 = 0
            foreign = FOREIGN[2] if rank < MULTINATIONALS else (FOREIGN[1] if is_transit else FOREIGN[0])
            home = self.country[rank]
            lengths = [("v4", n) for n in rng.choices(v4_lengths, cum_weights=v4_cumulative, k=v4)]
            lengths += [("v6", n) for n in rng.choices(v6_lengths, cum_weights=v6_cumulative, k=v6)]
            prefixes = []
            for family, length in lengths:
                draw = rng.random()
                if draw < ANYCAST:
                    code = ""
                elif draw < ANYCAST + foreign:
                    code = codes[rng.choices(all_countries, cum_weights=cumulative)[0]]
                else:
                    code = codes[home]
                key = (family, length, code)
                prefixes.append(shared.setdefault(key, key))
            topology.prefixes[asn[rank]] = prefixes
