# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``routeviews`` dataset, the simulator's default: real networks where they belong, every
market, ranking and ASN reachable over HTTP with answers valid against Kentik's spec, and the
scores following simulator/scoring.py's formulas.

One simulator on the routeviews dataset for the module (the conftest ``sim`` runs the small one).
"""

from __future__ import annotations

import inspect
import os
import re
from urllib.parse import quote

import pytest

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import AUTH
from ansible_collections.kentik.kmi.tests.unit.simulator.spec_schema import call
from simulator import dataset as dataset_module
from simulator.dataset_format import FAMILIES, INSIGHT_TYPES, MUTUAL_CUSTOMER, MUTUAL_PROVIDER, RANK_TYPES, SINGLEHOMED
from simulator.gateway_json import encode
from simulator.server import Simulator

ROWS = {"customers": 3, "providers": 3, "peers": 2}
# Well-known transit networks of 2014: AT&T, Level 3, Hurricane Electric, GTT, NTT, Telia, Cogent, AboveNet, XO, Verizon, Qwest.
TRANSIT = {7018, 3356, 6939, 3257, 2914, 1299, 174, 6461, 2828, 701, 209}
MARKET_ID = re.compile(r"^(planet\$earth|continent\$[a-z_]+|country\$[a-z]{2})$")
LIMIT = 600  # the builder's cap on each ranking


# Loaded once, on import: `ansible-test units` runs each test in a fork of its own, where a module-scoped fixture
# would load the dataset (some 2 seconds) again for every test.
ROUTEVIEWS = dataset_module.Dataset.load("routeviews")


@pytest.fixture(scope="module")
def routeviews():
    """A simulator on the routeviews dataset, for this module only."""
    simulator = Simulator(dataset=ROUTEVIEWS).start()
    yield simulator
    simulator.stop()


def _families(data):
    """Yield (market_id, family, {"rankings", "networks"}) for every market and family."""
    for market_id, families in data.items():
        for family, content in families.items():
            yield market_id, family, content


def _scores(content, rank_type):
    """{asn: score} of a ranking, and whether the list is complete (under the cap: an absent AS scores 0)."""
    rows = content["rankings"].get(rank_type, [])
    return {row[0]: row[1] for row in rows}, len(rows) < LIMIT


def _complete_base(content):
    """{asn: customer base} when the ranking is complete, else None (an absent AS may be under the cap)."""
    base, complete = _scores(content, "customer_base")
    return base if complete else None


def _representatives(rows):
    """One row per distinct (fields, value types): the strict schema gives the others the same verdict.

    Only the int64 digit pattern depends on a value, and the full comparison with the Dataset's
    answer (encoded as the gateway does) covers it.
    """
    kept = {}
    for row in rows:
        kept.setdefault(tuple(sorted((key, type(value).__name__) for key, value in row.items())), row)
    return list(kept.values())


def _reduced(body, paths):
    """A copy of ``body`` whose lists at ``paths`` (key paths) keep their representative rows."""
    reduced = dict(body)
    for path in paths:
        holder = reduced
        for key in path[:-1]:
            holder[key] = dict(holder[key])
            holder = holder[key]
        if path[-1] in holder:
            holder[path[-1]] = _representatives(holder[path[-1]])
    return reduced


def _validated(spec_, http, routeviews, operation_id, expected, lists=(), **kwargs):
    """Call; expect 200, the body equal to ``expected`` encoded as the gateway does, and valid against the strict schema.

    The lists at the key paths ``lists`` are validated through their representative rows.
    """
    response = call(spec_, http, routeviews, operation_id, **kwargs)
    assert response.status_code == 200, (operation_id, kwargs, response.text)
    body = response.json()
    assert body == encode(expected), (operation_id, kwargs)
    errors = [error.message for error in spec_.response_validator(operation_id, "200").iter_errors(_reduced(body, lists))]
    assert not errors, (operation_id, kwargs, errors)
    return body


# ------------------------------------------------------------------ the file


def test_routeviews_is_the_default_dataset_and_in_the_documented_format(routeviews):
    assert dataset_module.DEFAULT == "routeviews"
    assert inspect.signature(Simulator).parameters["dataset"].default == "routeviews"
    data = routeviews.dataset
    assert data.source == os.path.join(dataset_module.DATASETS_DIR, "routeviews.json.gz")
    assert os.path.getsize(data.source) < 10 * 1024 * 1024
    assert "RouteViews" in data.description and "SYNTHETIC" in data.description

    market_ids = [m["market_id"] for m in data.markets]
    assert market_ids[0] == "planet$earth" and len(set(market_ids)) == len(market_ids)
    assert all(MARKET_ID.match(m) for m in market_ids), market_ids
    assert all(m["name"] for m in data.markets)
    assert sum(m.startswith("country$") for m in market_ids) >= 50
    assert set(data._data) == set(market_ids)

    for market_id, family, content in _families(data._data):
        assert family in FAMILIES and set(content) == {"rankings", "networks"}, (market_id, family)
        assert set(content["rankings"]) == set(RANK_TYPES), (market_id, family)
        for rows in content["rankings"].values():
            assert all(len(row) == 4 and all(isinstance(v, int) for v in row) for row in rows), (market_id, family)
        for asn, entry in content["networks"].items():
            assert asn.isdigit() and set(entry) == set(ROWS), (market_id, family, asn)
            for kind, width in ROWS.items():
                assert all(len(row) == width and all(isinstance(v, int) for v in row) for row in entry[kind]), (market_id, family, asn, kind)
            assert all(flags & ~(SINGLEHOMED | MUTUAL_CUSTOMER) == 0 for dummy, dummy2, flags in entry["customers"])
            assert all(flags in (0, MUTUAL_PROVIDER) for dummy, dummy2, flags in entry["providers"])
            assert all(count >= 0 for dummy, count in entry["peers"])

    assert all(isinstance(info["name"], str) and isinstance(info["country_name"], str) for info in data.networks.values())
    assert len(data.insights) > 1000
    for item in data.insights:
        assert item["market_id"] in market_ids and item["ip"] in FAMILIES, item
        assert item["type"] == INSIGHT_TYPES.index(item["type_name"]) + 1, item
        assert 1 <= item["magnitude"] <= 5 and 0 <= item["age_days"] < 30, item
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", item["created_at"]) and item["message"], item


# ------------------------------------------------------------- real networks


def test_us_v4_customer_base_has_the_big_transit_networks_on_top(routeviews, http):
    url = routeviews.url + "/kmi/v202212/market/%s/rankings/customer_base/ip/v4" % quote("country$us", safe="")
    response = http.post(url, json={"limit": 10}, headers=AUTH, timeout=5)
    assert response.status_code == 200, response.text
    top = [(int(row["asn"]), row["name"]) for row in response.json()["rankings"]]
    asns = [asn for asn, dummy in top]
    assert len(top) == 10
    assert 3356 in asns[:3] and 7018 in asns, top
    assert len(TRANSIT & set(asns)) >= 7, top
    names = dict(top)
    assert "LEVEL3" in names[3356] and "AT&T" in names[7018], top


def test_hurricane_electric_has_the_most_direct_customers(routeviews, http):
    path = "/kmi/v202212/market/%s/network/6939/customers" % quote("planet$earth", safe="")
    response = http.post(routeviews.url + path, json={"ip": "v6"}, headers=AUTH, timeout=5)
    assert response.status_code == 200, response.text
    details = response.json()["asnDetails"]
    assert "HURRICANE" in details["name"]
    assert len(details["customers"]) >= 1000
    assert set(details) == {"asn", "name", "countryName", "customers"}

    largest = max(
        (len(entry["customers"]), asn, market_id, family)
        for market_id, family, content in _families(routeviews.dataset._data)
        for asn, entry in content["networks"].items()
    )
    assert largest == (len(details["customers"]), "6939", "planet$earth", "v6")


# Transit-free networks of 2014 (the published "tier 1" list) that the builder's clique holds: they buy from nobody.
TRANSIT_FREE = {174, 209, 701, 1239, 1299, 2828, 2914, 3257, 3320, 3356, 3549, 6453, 6461, 6762, 7018, 12956}


def test_the_transit_free_core_buys_no_transit(routeviews):
    seen = 0
    for market_id, family, content in _families(routeviews.dataset._data):
        for asn in TRANSIT_FREE & {int(key) for key in content["networks"]}:
            assert content["networks"][str(asn)]["providers"] == [], (market_id, family, asn)
            seen += 1
    assert seen > 500


def test_no_network_is_its_own_provider_up_the_chain(routeviews):
    providers = {}
    for dummy, family, content in _families(routeviews.dataset._data):
        for key, entry in content["networks"].items():
            providers.setdefault(int(key), set()).update(row[0] for row in entry["providers"])
    done = set()
    for start in sorted(providers):
        path, stack = {start}, [(start, iter(sorted(providers[start])))]
        while stack:  # depth first, without recursion: a cycle is a provider already on the path
            asn, pending = stack[-1]
            above = next(pending, None)
            if above is None:
                stack.pop()
                path.discard(asn)
                done.add(asn)
            elif above not in done:
                assert above not in path, "provider cycle through AS%d" % above
                path.add(above)
                stack.append((above, iter(sorted(providers.get(above, ())))))
    assert len(done) > 5000


def _top(data, market_id, limit):
    return [(row["asn"], row["score"]) for row in data.rankings(market_id, "customer_base", "v4", limit)]


def test_the_global_top_ten_are_the_large_transit_networks(routeviews):
    top = [asn for asn, dummy in _top(routeviews.dataset, "planet$earth", 10)]
    assert 174 in top and len(TRANSIT_FREE & set(top)) >= 8, top


@pytest.mark.parametrize("market_id", ["planet$earth", "country$us", "country$de", "country$gb", "country$jp"])
def test_the_top_twenty_has_no_ties_beyond_a_pair(routeviews, market_id):
    scores = [score for dummy, score in _top(routeviews.dataset, market_id, 20)]
    tied = [score for score in scores if scores.count(score) > 1]
    assert len(scores) == 20 and len(tied) <= 2, (market_id, scores)


@pytest.mark.parametrize("market_id, incumbents, within", [
    ("country$de", {3320}, 10),  # Deutsche Telekom
    ("country$jp", {2914, 4713, 2516}, 10),  # NTT, NTT OCN, KDDI
    ("country$br", {4230}, 10),  # Embratel
    ("country$fr", {3215, 5511}, 5),  # Orange
    ("country$it", {3269}, 5),  # Telecom Italia
    ("country$es", {3352}, 5),  # Telefonica
    ("country$gb", {5400, 2856}, 15),  # BT: Virgin Media, JANET and TalkTalk originate more of GB's space (DATA.md)
])
def test_incumbents_rank_high_in_their_own_market(routeviews, market_id, incumbents, within):
    top = [asn for asn, dummy in _top(routeviews.dataset, market_id, within)]
    assert incumbents <= set(top), (market_id, top)


def test_every_prefix_fills_the_markets(routeviews):
    data = routeviews.dataset
    countries = [m["market_id"] for m in data.markets if m["market_id"].startswith("country$")]
    full = [m for m in countries if len(data.rankings(m, "customer_base", "v4", LIMIT)) >= 20]
    assert len(countries) >= 190 and len(full) >= 90, (len(countries), len(full))


# ------------------------------------------------------------ reachability


def test_every_referenced_asn_is_named_and_every_row_scores_in_its_market(routeviews):
    data = routeviews.dataset
    unnamed = set()
    complete = 0
    for market_id, family, content in _families(data._data):
        ranked = {row[0] for rows in content["rankings"].values() for row in rows}
        detailed = {int(asn) for asn in content["networks"]}
        # Every ranked AS has details in the market (GetASNDetails answers).
        assert ranked <= detailed, (market_id, family)
        in_rows = set()
        for entry in content["networks"].values():
            for kind in ROWS:
                in_rows.update(row[0] for row in entry[kind])
            assert all(score > 0 for dummy, score, dummy2 in entry["customers"] + entry["providers"]), (market_id, family)
        # Every AS a row names can be opened in the same market (no 404 on drill-down).
        assert in_rows <= detailed, (market_id, family, sorted(in_rows - detailed)[:10])
        unnamed |= {asn for asn in ranked | in_rows if not data.name_of(asn)}
        scored = _complete_base(content)
        if scored is not None:
            # Complete rankings: every AS of a row scores in this market.
            complete += 1
            assert all(scored.get(asn, 0) > 0 for asn in in_rows), (market_id, family)
    unnamed |= {item["asn"] for item in data.insights if not data.name_of(item["asn"])}
    assert not unnamed, sorted(unnamed)[:20]
    assert complete >= 100


def test_markets_and_every_ranking_over_http(spec, routeviews, http):
    data = routeviews.dataset
    body = _validated(spec, http, routeviews, "ListMarkets", {"markets": data.markets}, lists=[("markets",)])
    assert len(body["markets"]) == len(data._data)
    requests_made = 1
    rows = 0
    for market in data.markets:
        for rank_type in RANK_TYPES:
            for ip in FAMILIES:
                expected = {"rankings": data.rankings(market["market_id"], rank_type, ip, LIMIT), "invalid_count": 0}
                params = {"marketId": market["market_id"], "rankType": rank_type, "ip": ip}
                body = _validated(spec, http, routeviews, "GetRankings", expected, lists=[("rankings",)], params=params)
                rows += len(body.get("rankings", []))
                requests_made += 1
    assert requests_made == 1 + len(data.markets) * len(RANK_TYPES) * len(FAMILIES)
    assert rows > 100000


def _details_sample(data):
    """(market, family, asn, relationship): the lowest and the middle ASN of every market and family, and the largest entry."""
    relationships = ("all", "customers", "providers", "peers")
    sample = [("planet$earth", "v6", 6939, "all")]
    for market_id, family, content in _families(data._data):
        asns = sorted(int(asn) for asn in content["networks"])
        for asn in sorted({asns[0], asns[len(asns) // 2]} if asns else ()):
            sample.append((market_id, family, asn, relationships[len(sample) % len(relationships)]))
    return sample


def test_asn_details_over_http_for_a_sample_of_every_market(spec, routeviews, http):
    data = routeviews.dataset
    sample = _details_sample(data)
    assert len(sample) >= 300
    lists = [("asnDetails", kind) for kind in ROWS]
    for market_id, ip, asn, relationship in sample:
        expected = {"asn_details": data.asn_details(market_id, asn, relationship, ip, {})}
        params = {"marketId": market_id, "asn": asn, "type": relationship}
        body = _validated(spec, http, routeviews, "GetASNDetails", expected, lists=lists, params=params, body={"ip": ip})
        assert body["asnDetails"]["name"], (market_id, ip, asn)
    assert {market_id for market_id, dummy, dummy2, dummy3 in sample} == {m["market_id"] for m in data.markets}


def test_every_insight_over_http(spec, routeviews, http):
    data = routeviews.dataset
    queries = [("planet$earth", ip, lookback) for ip in FAMILIES for lookback in (1, 7)]
    queries += [(market["market_id"], ip, 30) for market in data.markets for ip in FAMILIES]
    seen = 0
    for market_id, ip, lookback in queries:
        expected = {"insights": data.find_insights(None, market_id, ip, lookback, [], 1, 1000)}
        query = {"marketId": market_id, "ip": ip, "lookback": str(lookback), "limit": "1000"}
        body = _validated(spec, http, routeviews, "GetGlobalInsights", expected, query=query)
        if lookback == 30:
            seen += len(body.get("insights", []))
    lookbacks = [sum(len(data.find_insights(None, "planet$earth", ip, lookback, [], 1, 1000)) for ip in FAMILIES) for lookback in (1, 7, 30)]
    assert 0 < lookbacks[0] < lookbacks[1] < lookbacks[2]
    assert seen == len(data.insights)  # every insight is at most 29 days old: lookback 30 lists them all


# ------------------------------------------------------------------ formulas


def test_rankings_are_sorted_by_score(routeviews):
    for market_id, family, content in _families(routeviews.dataset._data):
        for rank_type, rows in content["rankings"].items():
            keys = [(-score, asn) for asn, score, dummy, dummy2 in rows]
            assert keys == sorted(keys), (market_id, family, rank_type)
            assert all(score > 0 for dummy, score, dummy2, dummy3 in rows), (market_id, family, rank_type)


def test_scores_follow_the_formulas(routeviews):
    checked = {"cone": 0, "stub": 0, "wholesale": 0, "peering": 0, "rows": 0}
    exact_markets = set()
    for market_id, family, content in _families(routeviews.dataset._data):
        base, dummy = _scores(content, "customer_base")
        retail, complete_retail = _scores(content, "customer_base_retail")
        wholesale, complete_wholesale = _scores(content, "customer_base_wholesome")
        backbone, complete_backbone = _scores(content, "customer_base_backbone")
        for asn, score in base.items():
            known = [asn in scores or full for scores, full in
                     ((retail, complete_retail), (wholesale, complete_wholesale), (backbone, complete_backbone))]
            if all(known):
                # The cone holds the AS itself, its direct customers and their customers, and more.
                assert score >= retail.get(asn, 0) + wholesale.get(asn, 0) + backbone.get(asn, 0), (market_id, family, asn)
                checked["cone"] += 1
            # A customer's cone is in the AS's cone; without customers, the cone is the AS alone.
            customers = content["networks"][str(asn)]["customers"]
            assert all(row[1] <= score for row in customers), (market_id, family, asn)
            if not customers and (asn in retail or complete_retail):
                assert score == retail.get(asn, 0), (market_id, family, asn)
                checked["stub"] += 1
        complete = _complete_base(content)
        if complete is None:
            continue
        exact_markets.add(market_id)
        peering, dummy = _scores(content, "peering_base")
        for key, entry in content["networks"].items():
            asn = int(key)
            # Customer and provider rows carry the AS's customer base.
            assert all(score == complete[row_asn] for row_asn, score, dummy in entry["customers"] + entry["providers"]), (market_id, family, asn)
            checked["rows"] += len(entry["customers"]) + len(entry["providers"])
            if asn in wholesale or complete_wholesale:
                assert wholesale.get(asn, 0) == sum(retail.get(row[0], 0) for row in entry["customers"]), (market_id, family, asn)
                checked["wholesale"] += 1
            if asn in peering:
                # Peering base: the customer bases of its peers, summed.
                assert peering[asn] == sum(complete[peer] for peer, dummy in entry["peers"]), (market_id, family, asn)
                checked["peering"] += 1
    assert {"country$de", "country$jp", "country$br", "continent$africa", "continent$south_america"} <= exact_markets
    assert min(checked.values()) > 1000, checked
