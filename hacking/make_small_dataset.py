# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write simulator/datasets/small.json: a small, invented Internet for fast tests.

Every network here is fictional and uses the AS numbers reserved for
documentation (RFC 5398: 64496-64511, 65536-65551) and documentation prefixes'
lengths only. The topology is written out below; the scores follow the rules
Kentik publishes for KMI, on this toy topology:
  prefix weight      (1 + 24 - len)^3 for v4, (1 + 48 - len)^3 for v6
  retail             weight of the prefixes an AS originates
  customer_base      weight of every prefix in its customer cone (itself and below it)
  wholesome          weight of its direct customers' own prefixes
  backbone           weight of its customers' customers' prefixes
  peering_base       the customer bases of its peers
  customer_growth    synthetic (seeded) change; rank/score changes are synthetic too, drawn
                     per market and family, so a change in one market leaves the others' values
  insights           made by rule (_insights), so that every network has one
Run: python3 hacking/make_small_dataset.py   (deterministic: same file every run)
"""

import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from simulator.dataset_format import FORMAT, INSIGHT_TYPES  # noqa: E402  pylint: disable=wrong-import-position
from simulator.scoring import prefix_weight  # noqa: E402  pylint: disable=wrong-import-position

TARGET = os.path.join(os.path.dirname(__file__), "..", "simulator", "datasets", "small.json")
SEED = 20261130

# asn: (name, country code, v4 prefix lengths, v6 prefix lengths)
NETWORKS = {
    64496: ("ATLAS-BACKBONE Atlas Global Networks", "US", [16, 18, 20], [32, 36]),
    64497: ("RHEINNETZ Rheinnetz Carrier AG", "DE", [16, 19], [29, 32]),
    64498: ("SAKURA-IX-TRANSIT Sakura Transit K.K.", "JP", [17, 20], [32]),
    64499: ("PRAIRIE-FIBER Prairie Fiber Inc.", "US", [19, 21, 22], [32, 40]),
    64500: ("COASTLINK CoastLink Communications", "US", [18, 22], [36]),
    64501: ("SPREE-TRANSIT Spree Transit GmbH", "DE", [19, 22], [32]),
    64502: ("ALPENWEB AlpenWeb Netze GmbH", "DE", [20, 22, 23], [40]),
    64503: ("FUJI-NET Fuji Network Services", "JP", [19, 21], [32]),
    64504: ("THAMES-TRANSIT Thames Transit Ltd", "GB", [18, 21], [32, 48]),
    64505: ("MAPLE-ISP Maple Street Broadband", "US", [21, 22, 24], [48]),
    64506: ("DESERT-CLOUD Desert Cloud Hosting LLC", "US", [22, 24, 24], [44, 48]),
    64507: ("BAYOU-NET Bayou Net Cooperative", "US", [23, 24], []),
    64508: ("LAKESIDE-UNI Lakeside University", "US", [16], [48]),
    64509: ("HAFEN-ISP Hafen Internet GmbH", "DE", [21, 24], [48]),
    64510: ("SCHWARZWALD-HOST Schwarzwald Hosting e.K.", "DE", [22, 24], [44]),
    64511: ("ELBE-STADTWERKE Elbe Stadtwerke Netz", "DE", [23], []),
    65536: ("MUENCHEN-MEDIA Muenchen Media Haus", "DE", [24, 24], [48]),
    65537: ("OSAKA-BB Osaka Broadband Co.", "JP", [20, 22], [40]),
    65538: ("KYOTO-DC Kyoto Data Center", "JP", [22, 24], [48]),
    65539: ("HOKKAIDO-NET Hokkaido Net", "JP", [23], []),
    65540: ("CAMDEN-FIBRE Camden Fibre Ltd", "GB", [21, 24], [48]),
    65541: ("YORK-HOSTING York Hosting & Co", "GB", [22], [48]),
    65542: ("CEDAR-WIRELESS Cedar Wireless", "US", [22, 23], []),
    65543: ("GRANITE-STATE-NET Granite State Net", "US", [24], [48]),
    65544: ("SAUERLAND-DSL Sauerland DSL", "DE", [22], []),
    65545: ("TOKYO-GAMES Tokyo Games Network", "JP", [24, 24], [48]),
    65546: ("BRISTOL-BROADBAND Bristol Broadband", "GB", [23], [48]),
    65547: ("PIONEER-CDN Pioneer CDN, Inc. (anycast)", "US", [24, 24, 24], [48, 48]),
    65548: ("OZARK-TELCO Ozark Telco", "US", [20], [36]),
    65549: ("NORDSEE-NETZ Nordsee Netz", "DE", [22, 23], [48]),
    65550: ("SEINE-LIAISON Seine Liaison SAS", "FR", [21, 23], [40]),
    65551: ("LOIRE-ACCESS Loire Access", "FR", [23, 24], []),
}

# provider -> customers
CUSTOMERS = {
    64496: [64499, 64500, 64504, 65548],
    64497: [64501, 64502, 64504, 65550],
    64498: [64503, 65537],
    64499: [64505, 64506, 64507, 64508, 65542, 65547],
    64500: [64506, 65543, 65547, 65548],
    64501: [64509, 64510, 65536, 65544, 65550],
    64502: [64510, 64511, 65549],
    64503: [65538, 65539, 65545],
    64504: [65540, 65541, 65546, 65551],
    65537: [65545],
    65550: [65551],
}
PEERS = [
    (64496, 64497), (64496, 64498), (64497, 64498),
    (64499, 64500), (64501, 64502), (64501, 64504), (64503, 65537), (64500, 64504),
    (64499, 65547),
]

CONTINENT = {"US": "north_america", "DE": "europe", "GB": "europe", "FR": "europe", "JP": "asia"}
COUNTRY_NAME = {"US": "United States", "DE": "Germany", "GB": "United Kingdom", "FR": "France", "JP": "Japan"}
MARKETS = [
    ("planet$earth", "Global"),
    ("continent$north_america", "North America"),
    ("continent$europe", "Europe"),
    ("continent$asia", "Asia"),
    ("country$us", "United States"),
    ("country$de", "Germany"),
    ("country$gb", "United Kingdom"),
    ("country$fr", "France"),
    ("country$jp", "Japan"),
]
# Anycast prefixes count in the global market only.
ANYCAST = {65547}


def _in_market(asn, market_id):
    country = NETWORKS[asn][1]
    if market_id == "planet$earth":
        return True
    if asn in ANYCAST:
        return False
    kind, dummy, code = market_id.partition("$")
    return CONTINENT[country] == code if kind == "continent" else country.lower() == code


def _providers():
    result = {asn: [] for asn in NETWORKS}
    for provider, customers in CUSTOMERS.items():
        for customer in customers:
            result[customer].append(provider)
    return result


def _peers():
    result = {asn: [] for asn in NETWORKS}
    for a, b in PEERS:
        result[a].append(b)
        result[b].append(a)
    return result


def _cone(asn):
    seen, todo = set(), list(CUSTOMERS.get(asn, []))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(CUSTOMERS.get(current, []))
    return seen


def _own(asn, market_id, family):
    if not _in_market(asn, market_id):
        return 0
    lengths = NETWORKS[asn][2] if family == "v4" else NETWORKS[asn][3]
    return sum(prefix_weight(family, length) for length in lengths)


def _scores(market_id, family):
    retail = {asn: _own(asn, market_id, family) for asn in NETWORKS}
    base = {asn: retail[asn] + sum(retail[c] for c in _cone(asn)) for asn in NETWORKS}
    wholesome = {asn: sum(retail[c] for c in CUSTOMERS.get(asn, [])) for asn in NETWORKS}
    backbone = {
        asn: sum(retail[g] for c in CUSTOMERS.get(asn, []) for g in CUSTOMERS.get(c, [])) for asn in NETWORKS
    }
    peers = _peers()
    peering = {asn: sum(base[p] for p in peers[asn]) for asn in NETWORKS}
    return {
        "customer_base": base,
        "customer_base_retail": retail,
        "customer_base_wholesome": wholesome,
        "customer_base_backbone": backbone,
        "peering_base": peering,
    }


def _ranking(scores, rng):
    ranked = sorted((asn for asn in scores if scores[asn] > 0), key=lambda a: (-scores[a], a))
    return [[asn, scores[asn], rng.randint(-3, 3), rng.randint(-scores[asn] // 20, scores[asn] // 20)] for asn in ranked]


def _family_data(market_id, family, providers, peers):
    rng = random.Random("%s:%s:%s" % (SEED, market_id, family))  # one stream each: a change elsewhere leaves these values
    scores = _scores(market_id, family)
    rankings = {kind: _ranking(values, rng) for kind, values in scores.items()}
    growth = {asn: rng.randint(1, 50) * 64 for asn, s in scores["customer_base"].items() if s > 0 and rng.random() < 0.7}
    rankings["customer_growth"] = [[asn, g, rng.randint(-2, 2), rng.randint(-g // 4, g // 4)]
                                   for asn, g in sorted(growth.items(), key=lambda kv: (-kv[1], kv[0]))]
    base = scores["customer_base"]
    networks = {}
    for asn in sorted(NETWORKS):
        # Every ranked network has details, also one ranked only for its peering base.
        if base[asn] == 0 and scores["peering_base"][asn] == 0:
            continue
        customers = []
        for customer in CUSTOMERS.get(asn, []):
            if base[customer] == 0:
                continue
            flags = (1 if len(providers[customer]) == 1 else 0)
            flags |= 2 if any(customer in CUSTOMERS.get(p, []) for p in peers[asn]) else 0
            customers.append([customer, base[customer], flags])
        provider_rows = []
        for provider in providers[asn]:
            mutual = any(provider in providers[p] for p in peers[asn])
            provider_rows.append([provider, base[provider], 4 if mutual else 0])
        peer_rows = []
        for peer in peers[asn]:
            lengths = NETWORKS[peer][2] if family == "v4" else NETWORKS[peer][3]
            peer_rows.append([peer, len(lengths)])
        networks[str(asn)] = {"customers": customers, "providers": provider_rows, "peers": peer_rows}
    return {"rankings": rankings, "networks": networks}


def _insights():
    """60 insights, made by rule rather than by chance: every network has a global IPv4 one, and every type and
    age occurs. Insight n: network n % 32, type (5n + n // 32) % 16, age ages[n % 11]; the first 32 (one per
    network) in the global market, IPv4; the others in market n % k of the k markets the network's prefixes
    count in (France has none), IPv6 when n is odd."""
    start = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)
    ages = [0, 0, 1, 2, 3, 5, 6, 9, 14, 20, 29]
    items = []
    asns = sorted(NETWORKS)
    for number in range(60):
        asn = asns[number % len(asns)]
        kind = (number * 5 + number // len(asns)) % len(INSIGHT_TYPES)
        other = asns[(number * 7 + 3 + number // len(asns)) % len(asns)]
        if other == asn:
            other = asns[(number * 7 + 4 + number // len(asns)) % len(asns)]
        age = ages[number % len(ages)]
        markets = [market_id for market_id, dummy in MARKETS if _in_market(asn, market_id)]
        words = INSIGHT_TYPES[kind].replace("_", " ")
        items.append({
            "asn": asn,
            "market_id": markets[number % len(markets)] if number >= len(asns) else "planet$earth",
            "ip": "v6" if number >= len(asns) and number % 2 else "v4",
            "type": kind + 1,
            "type_name": INSIGHT_TYPES[kind],
            "magnitude": 1 + number * 2 % 5,
            "age_days": age,
            "message": "AS%d %s: %s (AS%d %s)" % (asn, NETWORKS[asn][0].split()[0], words, other, NETWORKS[other][0].split()[0]),
            "created_at": (start - timedelta(days=age, minutes=number * 7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        })
    return items


def build():
    providers, peers = _providers(), _peers()
    data = {}
    for market_id, dummy in MARKETS:
        data[market_id] = {family: _family_data(market_id, family, providers, peers) for family in ("v4", "v6")}
    return {
        "format": FORMAT,
        "description": "Small invented Internet for fast tests (documentation AS numbers, RFC 5398); "
                       "built by hacking/make_small_dataset.py. Not real data.",
        "markets": [{"market_id": m, "name": n} for m, n in MARKETS],
        "networks": {str(asn): {"name": name, "country_name": COUNTRY_NAME[cc]} for asn, (name, cc, dummy4, dummy6) in sorted(NETWORKS.items())},
        "data": data,
        "insights": _insights(),
    }


def main():
    with open(TARGET, "w", encoding="utf-8") as handle:
        json.dump(build(), handle, indent=None, separators=(",", ":"), sort_keys=True)
        handle.write("\n")


if __name__ == "__main__":
    main()
