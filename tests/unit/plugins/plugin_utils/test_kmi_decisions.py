# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The five decisions (plugin_utils/_kmi_decisions.py) on the hand-made micro topology of decisions_topology.py;
every expected value is worked out by hand. filter/test_decisions.py checks the filters that wrap them."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.kentik.kmi.plugins.plugin_utils import _kmi_decisions
from ansible_collections.kentik.kmi.tests.unit.plugins.decisions_topology import (
    ATLAS,
    BOREAL,
    CANDIDATES,
    CASCADE,
    DELTA,
    EMBER,
    GROVE,
    ME,
    NAMES,
    NORTH,
    PC_BOREAL,
    PC_CASCADE,
    PC_EMBER,
    PC_HARBOR,
    PC_ISLE,
    PC_NORTH,
    PROVIDERS,
    RANKING,
    RANKING_RESULT,
    candidate,
    one_line_error,
    rank_row,
    rel,
)

F = {name: getattr(_kmi_decisions, name) for name in NAMES}


@pytest.fixture(autouse=True)
def _inputs_untouched():
    """No filter changes its input."""
    before = copy.deepcopy((RANKING, ME, PROVIDERS, CANDIDATES))
    yield
    assert (RANKING, ME, PROVIDERS, CANDIDATES) == before


def _raises(name, *args, **kwargs):
    return one_line_error(_kmi_decisions.KmiDecisionError, F, name, *args, **kwargs)


# ---------------------------------------------------------------------------- peering_candidates


def test_peering_candidates_default_leaves_out_me_my_peers_customers_and_providers():
    assert F["peering_candidates"](RANKING, ME) == [PC_BOREAL, PC_CASCADE, PC_EMBER, PC_HARBOR, PC_ISLE, PC_NORTH]


def test_peering_candidates_from_a_rankings_result_name_the_market():
    assert F["peering_candidates"](RANKING_RESULT, ME, limit=1) == [{
        "asn": 64497, "name": "BOREAL", "rank": 2, "score": 700, "rank_change": 1,
        "reason": "rank 2 in Germany (score 700); not a peer, customer or provider of AS64501"}]


def test_peering_candidates_note_customers_of_my_providers():
    assert F["peering_candidates"](RANKING, ME, provider_details=PROVIDERS) == [
        PC_BOREAL,
        PC_CASCADE,
        candidate(64500, "EMBER", 5, 200, 2, note="; customer of your provider AS64496"),
        candidate(64503, "HARBOR", 8, 80, 0, note="; customer of your providers AS64496, AS64499"),
        candidate(64504, "ISLE", 9, 50, 1, note="; customer of your provider AS64499"),
        PC_NORTH,
    ]


def test_peering_candidates_exclude_providers_customers():
    assert F["peering_candidates"](RANKING, ME, exclude_providers_customers=True, provider_details=PROVIDERS) == [
        PC_BOREAL, PC_CASCADE, PC_NORTH]


def test_peering_candidates_exclude_providers_customers_without_details_drops_nothing():
    assert F["peering_candidates"](RANKING, ME, exclude_providers_customers=True) == [
        PC_BOREAL, PC_CASCADE, PC_EMBER, PC_HARBOR, PC_ISLE, PC_NORTH]


def test_peering_candidates_ignore_details_of_non_providers():
    # GROVE (a peer, not a provider) lists BOREAL as a customer: that must not count
    assert F["peering_candidates"](RANKING, ME, exclude_providers_customers=True, provider_details=[GROVE]) == [
        PC_BOREAL, PC_CASCADE, PC_EMBER, PC_HARBOR, PC_ISLE, PC_NORTH]


def test_peering_candidates_accept_a_module_result_for_details():
    assert F["peering_candidates"](RANKING, {"asn_details": [ME]}, exclude_providers_customers="yes",
                                   provider_details={"asn_details": PROVIDERS}) == [PC_BOREAL, PC_CASCADE, PC_NORTH]
    assert F["peering_candidates"](RANKING, [ME], max_rank=3) == [PC_BOREAL, PC_CASCADE]


def test_peering_candidates_min_rank():
    assert F["peering_candidates"](RANKING, ME, min_rank=3) == [PC_CASCADE, PC_EMBER, PC_HARBOR, PC_ISLE, PC_NORTH]


def test_peering_candidates_max_rank():
    assert F["peering_candidates"](RANKING, ME, max_rank=8) == [PC_BOREAL, PC_CASCADE, PC_EMBER, PC_HARBOR]


def test_peering_candidates_rank_window():
    assert F["peering_candidates"](RANKING, ME, min_rank=3, max_rank=8) == [PC_CASCADE, PC_EMBER, PC_HARBOR]
    assert F["peering_candidates"](RANKING, ME, min_rank=5, max_rank=5) == [PC_EMBER]


def test_peering_candidates_min_score():
    assert F["peering_candidates"](RANKING, ME, min_score=100) == [PC_BOREAL, PC_CASCADE, PC_EMBER]
    assert F["peering_candidates"](RANKING, ME, min_score=80) == [PC_BOREAL, PC_CASCADE, PC_EMBER, PC_HARBOR]
    assert F["peering_candidates"](RANKING, ME, min_score=10000) == []


def test_peering_candidates_exclude_takes_every_asn_spelling():
    assert F["peering_candidates"](RANKING, ME, exclude=[64498, "AS64509", "64503", "as64504"]) == [PC_BOREAL, PC_EMBER]
    assert F["peering_candidates"](RANKING, ME, exclude=64497) == [PC_CASCADE, PC_EMBER, PC_HARBOR, PC_ISLE, PC_NORTH]


def test_peering_candidates_limit():
    assert F["peering_candidates"](RANKING, ME, limit=2) == [PC_BOREAL, PC_CASCADE]
    assert F["peering_candidates"](RANKING, ME, limit=100) == [PC_BOREAL, PC_CASCADE, PC_EMBER, PC_HARBOR, PC_ISLE, PC_NORTH]


def test_peering_candidates_sort_by_rank_whatever_the_input_order():
    assert F["peering_candidates"](list(reversed(RANKING)), ME, limit=3) == [PC_BOREAL, PC_CASCADE, PC_EMBER]


def test_peering_candidates_all_options_together():
    assert F["peering_candidates"](RANKING, ME, min_rank=2, min_score=30, max_rank=10, exclude=[64497],
                                   exclude_providers_customers=True, provider_details=PROVIDERS, limit=5) == [PC_CASCADE]


@pytest.mark.parametrize("args, kwargs, expected", [
    (("not a ranking", ME), {}, "rankings must be a ranking: a list of {asn, name, rank, score} (or a kmi_rankings result), got a string"),
    (([{"name": "X", "rank": 1}], ME), {}, "rankings[0] has no 'asn' key"),
    (([{"asn": 64497, "name": "X"}], ME), {}, "rankings[0] has no 'rank' key"),
    (([{"asn": "ASX", "rank": 1}], ME), {}, "rankings[0].asn must be an AS number (64500 or 'AS64500'), got 'ASX'"),
    ((RANKING, {"name": "FJORD"}), {}, "my_details has no 'asn' key"),
    ((RANKING, [ME, ME]), {}, "my_details must be one ASN details entry, got a list of 2"),
    ((RANKING, dict(ME, peers="GROVE")), {}, "my_details.peers must be a list, got a string"),
    ((RANKING, ME), {"min_rank": 0}, "min_rank must be an integer of at least 1 or null, got 0"),
    ((RANKING, ME), {"max_rank": "ten"}, "max_rank must be an integer of at least 1 or null, got 'ten'"),
    ((RANKING, ME), {"min_rank": 8, "max_rank": 3}, "min_rank (8) must not be above max_rank (3)"),
    ((RANKING, ME), {"min_score": "lots"}, "min_score must be a number, got 'lots'"),
    ((RANKING, ME), {"exclude": [64497, "AS-FOO"]}, "exclude[1] must be an AS number (64500 or 'AS64500'), got 'AS-FOO'"),
    ((RANKING, ME), {"exclude_providers_customers": "maybe"}, "exclude_providers_customers must be a boolean, got 'maybe'"),
    ((RANKING, ME), {"provider_details": "ATLAS"}, "provider_details must be a list of ASN details entries (or a kmi_asn_info result), got a string"),
    ((RANKING, ME), {"provider_details": [{"name": "ATLAS"}]}, "provider_details[0] has no 'asn' key"),
    ((RANKING, ME), {"limit": 0}, "limit must be an integer of at least 1 or null, got 0"),
])
def test_peering_candidates_bad_input(args, kwargs, expected):
    assert _raises("peering_candidates", *args, **kwargs) == "kentik.kmi.peering_candidates: " + expected


# ------------------------------------------------------------------------------- transit_options

# total score 3000: BOREAL 700 -> 0.2333, CASCADE 500 -> 0.1667, EMBER 200 -> 0.0667, GROVE 100 -> 0.0333,
# HARBOR 80 -> 0.0267, ISLE 50 -> 0.0167, NORTH 20 -> 0.0067
TO_FULL = [
    {"asn": 64497, "name": "BOREAL", "rank": 2, "score": 700, "market_share": 0.2333, "shared_upstreams": [],
     "reason": "rank 2 in the market, 23.3% of the ranking's total score; no upstream shared with your providers"},
    {"asn": 64498, "name": "CASCADE", "rank": 3, "score": 500, "market_share": 0.1667, "shared_upstreams": [64510, 64511],
     "reason": "rank 3 in the market, 16.7% of the ranking's total score; shares upstream AS64510 with your providers AS64496, AS64499;"
               " shares upstream AS64511 with your provider AS64496"},
    {"asn": 64500, "name": "EMBER", "rank": 5, "score": 200, "market_share": 0.0667, "shared_upstreams": [],
     "reason": "rank 5 in the market, 6.7% of the ranking's total score; buys transit from your provider AS64496"},
    {"asn": 64502, "name": "GROVE", "rank": 7, "score": 100, "market_share": 0.0333, "shared_upstreams": [64497, 64511],
     "reason": "rank 7 in the market, 3.3% of the ranking's total score; shares upstream AS64497 with your provider AS64499;"
               " shares upstream AS64511 with your provider AS64496; already peers with AS64501"},
    {"asn": 64503, "name": "HARBOR", "rank": 8, "score": 80, "market_share": 0.0267, "shared_upstreams": None,
     "reason": "rank 8 in the market, 2.7% of the ranking's total score; upstream overlap not checked: no details for AS64503;"
               " buys transit from your providers AS64496, AS64499"},
    {"asn": 64504, "name": "ISLE", "rank": 9, "score": 50, "market_share": 0.0167, "shared_upstreams": None,
     "reason": "rank 9 in the market, 1.7% of the ranking's total score; upstream overlap not checked: no details for AS64504;"
               " buys transit from your provider AS64499"},
    {"asn": 64509, "name": "NORTH", "rank": 10, "score": 20, "market_share": 0.0067, "shared_upstreams": [64497, 64510],
     "reason": "rank 10 in the market, 0.7% of the ranking's total score; shares upstream AS64497 with your provider AS64499;"
               " shares upstream AS64510 with your providers AS64496, AS64499"},
]


def test_transit_options_with_details_of_providers_and_candidates():
    assert F["transit_options"](RANKING, ME, provider_details=CANDIDATES + PROVIDERS) == TO_FULL


def test_transit_options_details_order_does_not_matter():
    assert F["transit_options"](RANKING, ME, provider_details=[NORTH, DELTA, GROVE, BOREAL, ATLAS, EMBER, CASCADE]) == TO_FULL


def test_transit_options_without_details():
    assert F["transit_options"](RANKING, ME) == [
        {"asn": 64497, "name": "BOREAL", "rank": 2, "score": 700, "market_share": 0.2333, "shared_upstreams": None,
         "reason": "rank 2 in the market, 23.3% of the ranking's total score; upstream overlap not checked: no details for AS64497"},
        {"asn": 64498, "name": "CASCADE", "rank": 3, "score": 500, "market_share": 0.1667, "shared_upstreams": None,
         "reason": "rank 3 in the market, 16.7% of the ranking's total score; upstream overlap not checked: no details for AS64498"},
        {"asn": 64500, "name": "EMBER", "rank": 5, "score": 200, "market_share": 0.0667, "shared_upstreams": None,
         "reason": "rank 5 in the market, 6.7% of the ranking's total score; upstream overlap not checked: no details for AS64500"},
        {"asn": 64502, "name": "GROVE", "rank": 7, "score": 100, "market_share": 0.0333, "shared_upstreams": None,
         "reason": "rank 7 in the market, 3.3% of the ranking's total score; upstream overlap not checked: no details for AS64502;"
                   " already peers with AS64501"},
        {"asn": 64503, "name": "HARBOR", "rank": 8, "score": 80, "market_share": 0.0267, "shared_upstreams": None,
         "reason": "rank 8 in the market, 2.7% of the ranking's total score; upstream overlap not checked: no details for AS64503"},
        {"asn": 64504, "name": "ISLE", "rank": 9, "score": 50, "market_share": 0.0167, "shared_upstreams": None,
         "reason": "rank 9 in the market, 1.7% of the ranking's total score; upstream overlap not checked: no details for AS64504"},
        {"asn": 64509, "name": "NORTH", "rank": 10, "score": 20, "market_share": 0.0067, "shared_upstreams": None,
         "reason": "rank 10 in the market, 0.7% of the ranking's total score; upstream overlap not checked: no details for AS64509"},
    ]


def test_transit_options_with_candidate_details_only_cannot_check_overlap():
    options = F["transit_options"](RANKING_RESULT, ME, provider_details=CANDIDATES, limit=3)
    assert options == [
        {"asn": 64497, "name": "BOREAL", "rank": 2, "score": 700, "market_share": 0.2333, "shared_upstreams": None,
         "reason": "rank 2 in Germany, 23.3% of the ranking's total score;"
                   " upstream overlap not checked: no details for your providers AS64496, AS64499"},
        {"asn": 64498, "name": "CASCADE", "rank": 3, "score": 500, "market_share": 0.1667, "shared_upstreams": None,
         "reason": "rank 3 in Germany, 16.7% of the ranking's total score;"
                   " upstream overlap not checked: no details for your providers AS64496, AS64499"},
        {"asn": 64500, "name": "EMBER", "rank": 5, "score": 200, "market_share": 0.0667, "shared_upstreams": None,
         "reason": "rank 5 in Germany, 6.7% of the ranking's total score;"
                   " upstream overlap not checked: no details for your providers AS64496, AS64499; buys transit from your provider AS64496"},
    ]


def test_transit_options_with_one_provider_detailed_compare_that_one():
    options = F["transit_options"](RANKING, ME, provider_details=[DELTA, CASCADE, NORTH])
    by_asn = {option["asn"]: (option["shared_upstreams"], option["reason"].split("; ", 1)[1]) for option in options}
    assert by_asn == {
        64497: (None, "upstream overlap not checked: no details for AS64497"),
        64498: ([64510], "shares upstream AS64510 with your provider AS64499"),
        64500: (None, "upstream overlap not checked: no details for AS64500"),
        64502: (None, "upstream overlap not checked: no details for AS64502; already peers with AS64501"),
        64503: (None, "upstream overlap not checked: no details for AS64503; buys transit from your provider AS64499"),
        64504: (None, "upstream overlap not checked: no details for AS64504; buys transit from your provider AS64499"),
        64509: ([64497, 64510], "shares upstream AS64497 with your provider AS64499; shares upstream AS64510 with your provider AS64499"),
    }


def test_transit_options_without_providers_share_nothing():
    alone = dict(ME, providers=[])
    options = F["transit_options"]([rank_row(1, 64496, "ATLAS", 3, 0), rank_row(2, 64501, "FJORD", 1, 0)], alone, provider_details=[ATLAS])
    assert options == [{"asn": 64496, "name": "ATLAS", "rank": 1, "score": 3, "market_share": 0.75, "shared_upstreams": [],
                        "reason": "rank 1 in the market, 75.0% of the ranking's total score; no upstream shared with your providers"}]


def test_transit_options_limit_and_zero_scores():
    assert F["transit_options"](RANKING, ME, provider_details=CANDIDATES + PROVIDERS, limit=2) == TO_FULL[:2]
    zero = [rank_row(1, 64497, "BOREAL", 0, 0), rank_row(2, 64498, "CASCADE", 0, 0)]
    assert [o["market_share"] for o in F["transit_options"](zero, ME)] == [0.0, 0.0]


@pytest.mark.parametrize("args, kwargs, expected", [
    (({"rankings": "all"}, ME), {}, "rankings.rankings must be a ranking: a list of {asn, name, rank, score} (or a kmi_rankings result), got a string"),
    (([42], ME), {}, "rankings[0] must be a ranking entry (a dict), got a number"),
    (([rank_row(1, 64497, "BOREAL", "huge", 0)], ME), {}, "rankings[0].score must be a number, got 'huge'"),
    ((RANKING, None), {}, "my_details must be an ASN details entry (a dict with asn, customers, providers, peers), got null"),
    ((RANKING, ME), {"provider_details": [ATLAS, {"asn": 64499, "providers": [{"name": "BOREAL"}]}]},
     "provider_details[1].providers[0] has no 'asn' key"),
    ((RANKING, ME), {"limit": -1}, "limit must be an integer of at least 1 or null, got -1"),
])
def test_transit_options_bad_input(args, kwargs, expected):
    assert _raises("transit_options", *args, **kwargs) == "kentik.kmi.transit_options: " + expected


# ---------------------------------------------------------------------------------- single_homed

SINGLE_REASON = "single-homed behind AS64501: an outage of AS64501 cuts it off"


def test_single_homed_highest_score_first_ties_by_asn():
    assert F["single_homed"](ME) == [
        {"asn": 64506, "name": "KESTREL", "score": 60, "reason": SINGLE_REASON},
        {"asn": 64508, "name": "MAPLE", "score": 60, "reason": SINGLE_REASON},
        {"asn": 64505, "name": "JUNIPER", "score": 40, "reason": SINGLE_REASON},
    ]


def test_single_homed_none_and_missing_customers():
    assert F["single_homed"](dict(ME, customers=[rel(64507, "LARCH", 25)])) == []
    assert F["single_homed"]({"asn": "AS64501"}) == []
    assert F["single_homed"]({"asn_details": [{"asn": 64501, "customers": [rel(64505, "JUNIPER", 40, single=True)]}]}) == [
        {"asn": 64505, "name": "JUNIPER", "score": 40, "reason": SINGLE_REASON}]


@pytest.mark.parametrize("value, expected", [
    (42, "my_details must be an ASN details entry (a dict with asn, customers, providers, peers), got a number"),
    ([], "my_details must be one ASN details entry, got a list of 0"),
    ({"asn": 64501, "customers": {"asn": 64505}}, "my_details.customers must be a list, got a dict"),
    ({"asn": 64501, "customers": [{"asn": 64505, "singlehomed_customer": "sometimes"}]},
     "my_details.customers[0].singlehomed_customer must be a boolean, got 'sometimes'"),
    ({"asn": 99999999999}, "my_details.asn must be an AS number (64500 or 'AS64500'), got 99999999999"),
])
def test_single_homed_bad_input(value, expected):
    assert _raises("single_homed", value) == "kentik.kmi.single_homed: " + expected


# ---------------------------------------------------------------------------------------- mutual


def test_mutual_customers_and_providers():
    assert F["mutual"](ME) == {
        "customers": [
            {"asn": 64506, "name": "KESTREL", "score": 60,
             "reason": "mutual customer: also buys transit from a peer of AS64501, so a competitor serves it too"},
            {"asn": 64507, "name": "LARCH", "score": 25,
             "reason": "mutual customer: also buys transit from a peer of AS64501, so a competitor serves it too"},
        ],
        "providers": [
            {"asn": 64496, "name": "ATLAS", "score": 900, "reason": "mutual provider: also sells transit to a peer of AS64501"},
        ],
    }


def test_mutual_always_has_both_keys():
    assert F["mutual"]({"asn": 64501}) == {"customers": [], "providers": []}


@pytest.mark.parametrize("value, expected", [
    ("AS64501", "my_details must be an ASN details entry (a dict with asn, customers, providers, peers), got a string"),
    ({"asn": 64501, "customers": [{"name": "KESTREL"}]}, "my_details.customers[0] has no 'asn' key"),
    ({"asn": 64501, "providers": [{"asn": 64496, "mutual_provider": "perhaps"}]},
     "my_details.providers[0].mutual_provider must be a boolean, got 'perhaps'"),
])
def test_mutual_bad_input(value, expected):
    assert _raises("mutual", value) == "kentik.kmi.mutual: " + expected


# -------------------------------------------------------------------------------------- kmi_diff

# me next day: lost provider DELTA, gained CASCADE; gained peer HARBOR; lost customer LARCH, gained NORTH
ME_NEW = dict(ME, providers=[rel(64496, "ATLAS", 910), rel(64498, "CASCADE", 510)],
              peers=[{"asn": 64502, "name": "GROVE", "pfx_count": 12}, {"asn": 64503, "name": "HARBOR", "pfx_count": 3}],
              customers=[rel(64505, "JUNIPER", 40), rel(64506, "KESTREL", 60), rel(64508, "MAPLE", 60), rel(64509, "NORTH", 20)])
# CASCADE and BOREAL swap, FJORD and EMBER swap, PIKE enters at 9, ISLE and NORTH leave
RANKING_NEW = [
    rank_row(1, 64496, "ATLAS", 910, 0),
    rank_row(2, 64498, "CASCADE", 510, 1),
    rank_row(3, 64497, "BOREAL", 505, -1),
    rank_row(4, 64499, "DELTA", 300, 0),
    rank_row(5, 64501, "FJORD", 170, 1),
    rank_row(6, 64500, "EMBER", 160, -1),
    rank_row(7, 64502, "GROVE", 100, 0),
    rank_row(8, 64503, "HARBOR", 80, 0),
    rank_row(9, 64511, "PIKE", 30, 0),
]
RELATIONS = {"providers_gained": [64498], "providers_lost": [64499], "peers_gained": [64503], "peers_lost": [],
             "customers_gained": [64509], "customers_lost": [64507]}
NO_RELATIONS = {"providers_gained": [], "providers_lost": [], "peers_gained": [], "peers_lost": [], "customers_gained": [],
                "customers_lost": []}
MOVES = [
    {"asn": 64498, "name": "CASCADE", "old_rank": 3, "new_rank": 2, "change": 1},
    {"asn": 64497, "name": "BOREAL", "old_rank": 2, "new_rank": 3, "change": -1},
    {"asn": 64501, "name": "FJORD", "old_rank": 6, "new_rank": 5, "change": 1},
    {"asn": 64500, "name": "EMBER", "old_rank": 5, "new_rank": 6, "change": -1},
    {"asn": 64511, "name": "PIKE", "old_rank": None, "new_rank": 9, "change": None},
    {"asn": 64504, "name": "ISLE", "old_rank": 9, "new_rank": None, "change": None},
    {"asn": 64509, "name": "NORTH", "old_rank": 10, "new_rank": None, "change": None},
]
NONE3 = {"old": None, "new": None, "change": None}


def test_kmi_diff_of_snapshots():
    old = {"details": ME, "rankings": RANKING}
    new = {"details": ME_NEW, "rankings": RANKING_NEW}
    assert F["kmi_diff"](old, new) == dict(RELATIONS, rank={"old": 6, "new": 5, "change": 1},
                                           score={"old": 150, "new": 170, "change": 20}, moves=MOVES, changed=True)


def test_kmi_diff_of_drift_check_snapshots_with_extra_keys():
    old = {"format": "kentik.kmi-drift-snapshot/1", "taken_at": "2026-01-01T00:00:00Z", "asn": 64501,
           "market": {"market_id": "country$de", "name": "Germany"}, "ip": "v4", "rank_type": "customer_base",
           "details": ME, "rankings": RANKING}
    new = dict(old, taken_at="2026-01-02T00:00:00Z", details=ME_NEW, rankings=RANKING_NEW)
    assert F["kmi_diff"](old, new) == dict(RELATIONS, rank={"old": 6, "new": 5, "change": 1},
                                           score={"old": 150, "new": 170, "change": 20}, moves=MOVES, changed=True)
    assert F["kmi_diff"](new, new) == dict(NO_RELATIONS, rank={"old": 5, "new": 5, "change": 0},
                                           score={"old": 170, "new": 170, "change": 0}, moves=[], changed=False)


def test_kmi_diff_snapshot_asn_without_details():
    old = {"asn": "AS64501", "details": None, "rankings": RANKING}
    new = {"asn": 64501, "rankings": RANKING_NEW}
    assert F["kmi_diff"](old, new) == dict(NO_RELATIONS, rank={"old": 6, "new": 5, "change": 1},
                                           score={"old": 150, "new": 170, "change": 20}, moves=MOVES, changed=True)


def test_kmi_diff_of_details_entries():
    assert F["kmi_diff"](ME, ME_NEW) == dict(RELATIONS, rank=NONE3, score=NONE3, moves=[], changed=True)
    reverse = {"providers_gained": [64499], "providers_lost": [64498], "peers_gained": [], "peers_lost": [64503],
               "customers_gained": [64507], "customers_lost": [64509]}
    assert F["kmi_diff"](ME_NEW, ME) == dict(reverse, rank=NONE3, score=NONE3, moves=[], changed=True)


def test_kmi_diff_of_rankings():
    assert F["kmi_diff"](RANKING, RANKING_NEW) == dict(NO_RELATIONS, rank=NONE3, score=NONE3, moves=MOVES, changed=True)
    # kmi_rankings results (module or lookup) are rankings too
    assert F["kmi_diff"](RANKING_RESULT, dict(RANKING_RESULT, rankings=RANKING_NEW)) == dict(
        NO_RELATIONS, rank=NONE3, score=NONE3, moves=MOVES, changed=True)


def test_kmi_diff_nothing_changed():
    assert F["kmi_diff"](ME, copy.deepcopy(ME)) == dict(NO_RELATIONS, rank=NONE3, score=NONE3, moves=[], changed=False)
    assert F["kmi_diff"](RANKING, list(reversed(RANKING))) == dict(NO_RELATIONS, rank=NONE3, score=NONE3, moves=[], changed=False)
    assert F["kmi_diff"]([], []) == dict(NO_RELATIONS, rank=NONE3, score=NONE3, moves=[], changed=False)


def test_kmi_diff_score_change_alone_is_a_change():
    new = [dict(entry, score=entry["score"] + 1 if entry["asn"] == 64501 else entry["score"]) for entry in RANKING]
    assert F["kmi_diff"]({"details": ME, "rankings": RANKING}, {"details": ME, "rankings": new}) == dict(
        NO_RELATIONS, rank={"old": 6, "new": 6, "change": 0}, score={"old": 150, "new": 151, "change": 1}, moves=[], changed=True)


def test_kmi_diff_me_entering_and_leaving_the_ranking():
    without_me = [entry for entry in RANKING if entry["asn"] != 64501]
    entered = F["kmi_diff"]({"details": ME, "rankings": without_me}, {"details": ME, "rankings": RANKING})
    assert entered == dict(NO_RELATIONS, rank={"old": None, "new": 6, "change": None},
                           score={"old": None, "new": 150, "change": None},
                           moves=[{"asn": 64501, "name": "FJORD", "old_rank": None, "new_rank": 6, "change": None}], changed=True)
    left = F["kmi_diff"]({"details": ME, "rankings": RANKING}, {"details": ME, "rankings": without_me})
    assert left == dict(NO_RELATIONS, rank={"old": 6, "new": None, "change": None},
                        score={"old": 150, "new": None, "change": None},
                        moves=[{"asn": 64501, "name": "FJORD", "old_rank": 6, "new_rank": None, "change": None}], changed=True)


@pytest.mark.parametrize("old, new, expected", [
    (ME, RANKING, "old and new must have the same shape: old has details but new has none"),
    (RANKING, {"details": ME, "rankings": RANKING}, "old and new must have the same shape: new has details but old has none"),
    ({"details": ME, "rankings": RANKING}, ME, "old and new must have the same shape: old has rankings but new has none"),
    (ME, dict(ME, asn=64502), "old and new must be snapshots of the same AS, got AS64501 and AS64502"),
    (None, ME, "old must be an ASN details entry, a ranking list or a {details, rankings} snapshot, got null"),
    (ME, "yesterday", "new must be an ASN details entry, a ranking list or a {details, rankings} snapshot, got a string"),
    ({}, ME, "old must be an ASN details entry, a ranking list or a {details, rankings} snapshot,"
             " got a dict without asn, details or rankings key"),
    (RANKING, [{"rank": 1}], "new[0] has no 'asn' key"),
    ({"details": ME, "rankings": RANKING}, {"details": {"name": "FJORD"}, "rankings": RANKING}, "new.details has no 'asn' key"),
])
def test_kmi_diff_bad_input(old, new, expected):
    assert _raises("kmi_diff", old, new) == "kentik.kmi.kmi_diff: " + expected


# ------------------------------------------------------------------------------- shared logic


def test_the_logic_module_raises_its_own_error_for_reuse_outside_filters():
    with pytest.raises(_kmi_decisions.KmiDecisionError, match=r"^kentik\.kmi\.mutual: my_details"):
        _kmi_decisions.mutual("AS64501")
    assert issubclass(_kmi_decisions.KmiDecisionError, ValueError)
    assert _kmi_decisions.single_homed(ME) == F["single_homed"](ME)
