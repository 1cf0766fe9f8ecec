# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Score a Topology the way Kentik describes KMI, and write it as a simulator dataset.

Per market and IP family:

* a prefix weighs (1 + 24 - len)^3 (v4; /24 and longer weigh 1) or (1 + 48 - len)^3 (v6;
  /48 to /64 weigh 1), and counts in the market of its location: its country, that
  country's continent, and the global market (a prefix without a location: global only);
* **retail** (``customer_base_retail``): the weight an AS originates itself;
* **customer base**: the weight originated in its customer cone: the AS itself (its own
  end users and services, as in CAIDA's customer cone) and every AS that reaches it going up
  customer → provider links (the AS is transit on the path above the origin);
* **wholesale** (``customer_base_wholesome``): the weight of its direct customers' own
  prefixes (it is the next transit above the origin);
* **backbone** (``customer_base_backbone``): the weight of its customers' customers' own
  prefixes (the transit after that);
* **peering** (``peering_base``): the customer bases of its peers, summed;
* **customer growth**, **rank change** and **score change**: no public source has KMI's
  day-to-day history, so they come from a seeded, synthetic churn (labelled as such in the
  dataset's description): yesterday's scores are today's with a small random change.

Single-homed customer: a customer with exactly one provider. Mutual customer: a customer
that also buys transit from one of the AS's peers. Mutual provider: a provider that also
sells transit to one of the AS's peers.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from simulator.dataset_format import FORMAT, INSIGHT_TYPES, MUTUAL_CUSTOMER, MUTUAL_PROVIDER, SINGLEHOMED
from simulator.topology import CONTINENTS

GLOBAL = ("planet$earth", "Global")
FAMILIES = ("v4", "v6")
SCORED = ("customer_base", "customer_base_retail", "customer_base_wholesome", "customer_base_backbone", "peering_base")


def prefix_weight(family, length):
    """KMI's weight of one prefix: (1 + 24 - len)^3 for v4, (1 + 48 - len)^3 for v6, at least 1."""
    top = 24 if family == "v4" else 48
    return (1 + top - min(int(length), top)) ** 3


def _slug(name):
    return name.lower().replace(" ", "_")


def market_ids(topology, country):
    """The markets a prefix located in ``country`` ("" = unknown) counts in."""
    if not country or country not in topology.countries:
        return [GLOBAL[0]]
    continent = topology.countries[country][1]
    ids = ["country$" + country.lower(), GLOBAL[0]]
    if continent in CONTINENTS:
        ids.insert(1, "continent$" + _slug(CONTINENTS[continent]))
    return ids


def _cone_distances(providers, origin):
    """{transit AS: fewest customer → provider hops from ``origin``} for every AS above it."""
    found = {}
    frontier = [origin]
    depth = 0
    while frontier:
        depth += 1
        upper = []
        for asn in frontier:
            for provider in providers.get(asn, ()):
                if provider != origin and provider not in found:
                    found[provider] = depth
                    upper.append(provider)
        frontier = upper
    return found


class _Scores:
    """The five weighted scores of every AS, per (market, family)."""

    def __init__(self, topology, markets):
        self.retail = {}  # (market, family) -> {asn: weight}
        self.pfx_count = {}  # (market, family) -> {asn: prefixes it originates there}
        for asn, prefixes in topology.prefixes.items():
            for family, length, country in prefixes:
                for market in market_ids(topology, country):
                    if market in markets:
                        bucket = self.retail.setdefault((market, family), {})
                        bucket[asn] = bucket.get(asn, 0) + prefix_weight(family, length)
                        counts = self.pfx_count.setdefault((market, family), {})
                        counts[asn] = counts.get(asn, 0) + 1
        self.base, self.wholesome, self.backbone = {}, {}, {}
        cones = {}
        for key, retail in self.retail.items():
            base, wholesome, backbone = {}, {}, {}
            for origin, weight in retail.items():
                if origin not in cones:
                    cones[origin] = _cone_distances(topology.providers, origin)
                base[origin] = base.get(origin, 0) + weight
                for transit, depth in cones[origin].items():
                    base[transit] = base.get(transit, 0) + weight
                    if depth == 1:
                        wholesome[transit] = wholesome.get(transit, 0) + weight
                    elif depth == 2:
                        backbone[transit] = backbone.get(transit, 0) + weight
            self.base[key], self.wholesome[key], self.backbone[key] = base, wholesome, backbone

    def of(self, key, peers):
        base = self.base.get(key, {})
        peering = {}
        for peer, score in base.items():  # only ASes with a score add to their peers' peering base
            for asn in peers.get(peer, ()):
                peering[asn] = peering.get(asn, 0) + score
        return {
            "customer_base": base,
            "customer_base_retail": self.retail.get(key, {}),
            "customer_base_wholesome": self.wholesome.get(key, {}),
            "customer_base_backbone": self.backbone.get(key, {}),
            "peering_base": peering,
        }


def _yesterday(scores, rng):
    """Synthetic churn: yesterday's score of each AS (a few percent off today's; some ASes are new today)."""
    result = {}
    for asn in sorted(scores):
        if rng.random() < 0.01:
            continue  # entered the market today
        result[asn] = max(1, round(scores[asn] * (1 + rng.gauss(0, 0.03))))
    return result


def _order(scores):
    return sorted((asn for asn, score in scores.items() if score > 0), key=lambda a: (-scores[a], a))


def _ranking(scores, before, limit):
    """Rows [asn, score, rank_change, score_change]; rank_change > 0: climbed since yesterday."""
    today = _order(scores)
    rank_before = {asn: position for position, asn in enumerate(_order(before), start=1)}
    rows = []
    for position, asn in enumerate(today[:limit], start=1):
        previous = rank_before.get(asn)
        rows.append([asn, scores[asn], 0 if previous is None else previous - position, scores[asn] - before.get(asn, 0)])
    return rows


def build_dataset(topology, seed=1, description="", ranking_limit=600, max_countries=None, today=None, all_details=True):
    """Return a ``kentik.kmi-simulator-dataset/1`` dict for ``topology``.

    ``max_countries`` keeps only the country markets with the most v4 weight (continents and the
    global market are always kept); ``ranking_limit`` caps each ranking list. With ``all_details``
    every AS with a score in a market has GetASNDetails there (so every AS a details row names
    can be opened); without it only the ASes in the capped rankings have (smaller, for scale tests). ``today`` (a
    datetime) dates the insights; the default is fixed so that the output is deterministic.
    """
    today = today or datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)
    markets = _markets(topology, max_countries)
    scores = _Scores(topology, {m for m, dummy in markets})
    customers = topology.customers()
    data, insights, referenced, peer_sets = {}, [], set(), {}
    for market, dummy in markets:
        data[market] = {}
        for family in FAMILIES:
            key = (market, family)
            rng = random.Random("%s:%s:%s" % (seed, market, family))
            family_data = _family(topology, customers, scores, key, rng, ranking_limit, insights, peer_sets, all_details)
            data[market][family] = family_data
            for rows in family_data["rankings"].values():
                referenced.update(row[0] for row in rows)
            for asn, entry in family_data["networks"].items():
                referenced.add(int(asn))
                for kind in ("customers", "providers", "peers"):
                    referenced.update(row[0] for row in entry[kind])
    networks = {}
    for asn in sorted(referenced):
        name, country = topology.names.get(asn, ("", ""))
        networks[str(asn)] = {"name": name, "country_name": topology.countries.get(country, ("", ""))[0]}
    return {
        "format": FORMAT,
        "description": description,
        "markets": [{"market_id": m, "name": n} for m, n in markets],
        "networks": networks,
        "data": data,
        "insights": _date_insights(insights, today, random.Random("%s:insights" % seed), topology, dict(markets)),
    }


def _markets(topology, max_countries):
    weight = {}
    for prefixes in topology.prefixes.values():
        for family, length, country in prefixes:
            if family == "v4" and country in topology.countries:
                weight[country] = weight.get(country, 0) + prefix_weight(family, length)
    countries = sorted(weight, key=lambda c: (-weight[c], c))
    if max_countries is not None:
        countries = countries[:max_countries]
    continents = sorted({topology.countries[c][1] for c in countries if topology.countries[c][1] in CONTINENTS})
    markets = [GLOBAL]
    markets += [("continent$" + _slug(CONTINENTS[c]), CONTINENTS[c]) for c in continents]
    markets += sorted((("country$" + c.lower(), topology.countries[c][0]) for c in countries), key=lambda m: m[0])
    return markets


def _family(topology, customers, scores, key, rng, limit, insights, peer_sets, all_details):
    today = scores.of(key, topology.peers)
    rankings = {}
    before_base = None
    for kind in SCORED:
        before = _yesterday(today[kind], rng)
        if kind == "customer_base":
            before_base = before
        rankings[kind] = _ranking(today[kind], before, limit)
    base = today["customer_base"]
    growth = {asn: base[asn] - before_base.get(asn, 0) for asn in base if base[asn] > before_base.get(asn, 0)}
    rankings["customer_growth"] = _ranking(growth, _yesterday(growth, rng), limit)
    listed = {row[0] for rows in rankings.values() for row in rows}
    if all_details:
        listed |= {asn for asn, value in base.items() if value > 0} | set(today["peering_base"])
    listed = sorted(listed)
    networks = {}
    for asn in listed:
        networks[str(asn)] = _details(topology, customers, scores, key, asn, base, peer_sets)
    _insights(key, rankings, before_base, base, rng, insights)
    return {"rankings": rankings, "networks": networks}


def _details(topology, customers, scores, key, asn, base, peer_sets):
    peers = topology.peers.get(asn, set())
    if asn not in peer_sets:  # the same in every market and family: computed once per AS
        peer_sets[asn] = (
            set().union(*(customers.get(peer, ()) for peer in peers)),
            set().union(*(topology.providers.get(peer, ()) for peer in peers)),
        )
    peer_customers, peer_providers = peer_sets[asn]
    customer_rows = []
    for customer in sorted(customers.get(asn, ())):
        if base.get(customer, 0) > 0:
            flags = SINGLEHOMED if len(topology.providers.get(customer, ())) == 1 else 0
            flags |= MUTUAL_CUSTOMER if customer in peer_customers else 0
            customer_rows.append([customer, base[customer], flags])
    provider_rows = []
    for provider in sorted(topology.providers.get(asn, ())):
        if base.get(provider, 0) > 0:
            provider_rows.append([provider, base[provider], MUTUAL_PROVIDER if provider in peer_providers else 0])
    counts = scores.pfx_count.get(key, {})
    peer_rows = [[peer, counts.get(peer, 0)] for peer in sorted(peers) if base.get(peer, 0) > 0]
    return {"customers": customer_rows, "providers": provider_rows, "peers": peer_rows}


def _insights(key, rankings, before_base, base, rng, insights):
    """Synthetic insights from the synthetic churn: big rank moves, customer-base gains and losses, entrances."""
    market, family = key
    for asn, score, rank_change, score_change in rankings["customer_base"][:100]:
        name = None
        if abs(rank_change) >= 2:
            name = "ranking_gain" if rank_change > 0 else "ranking_loss"
        elif asn not in before_base:
            name = "market_entrance"
        elif abs(score_change) * 20 >= score:
            name = "customer_gain" if score_change > 0 else "customer_loss"
        if name is None or rng.random() < 0.5:
            continue
        magnitude = min(5, 1 + abs(rank_change) // 2 + (abs(score_change) * 10 // max(score, 1)))
        insights.append({"asn": asn, "market_id": market, "ip": family, "type": INSIGHT_TYPES.index(name) + 1,
                         "type_name": name, "magnitude": int(magnitude), "detail": (rank_change, score_change, base[asn])})


def _date_insights(insights, today, rng, topology, market_names):
    dated = []
    for number, item in enumerate(insights):
        age = rng.choice((0, 0, 0, 1, 2, 3, 4, 5, 6, 8, 11, 15, 19, 24, 29))
        rank_change, score_change, score = item.pop("detail")
        name = topology.names.get(item["asn"], ("", ""))[0].split(" ")[0]
        words = item["type_name"].replace("_", " ")
        item["message"] = "AS%d %s: %s in %s, IP%s (rank %+d; customer base %d, %+d)" % (
            item["asn"], name, words, market_names[item["market_id"]], item["ip"], rank_change, score, score_change)
        item["age_days"] = age
        item["created_at"] = (today - timedelta(days=age, minutes=(number * 7) % 1440)).strftime("%Y-%m-%dT%H:%M:%SZ")
        dated.append(item)
    return dated
