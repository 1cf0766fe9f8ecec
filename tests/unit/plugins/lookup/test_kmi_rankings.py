# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kentik.kmi.kmi_rankings, loaded by Ansible's lookup_loader and run in-process against the live simulator."""

from __future__ import annotations


def _ops(sim):
    return [entry["operation"] for entry in sim.log()]


# ----------------------------------------------------------------- kmi_rankings


def test_rankings_one_element_per_market_in_order(sim, run_lookup):
    result = run_lookup("kmi_rankings", ["DE", "planet$earth"], limit=3)
    assert [r["market"]["market_id"] for r in result] == ["country$de", "planet$earth"]
    assert all(set(r) == {"market", "rankings", "invalid_count"} and 0 < len(r["rankings"]) <= 3 for r in result)
    assert set(result[0]["rankings"][0]) == {"asn", "name", "rank", "rank_change", "score", "score_change"}
    assert _ops(sim) == ["ListMarkets", "GetRankings", "GetRankings"]


def test_rankings_flatten_terms(run_lookup):
    assert run_lookup("kmi_rankings", [["DE", "JP"]], limit=3) == run_lookup("kmi_rankings", ["DE", "JP"], limit=3)


def test_rankings_query_and_options(sim, run_lookup):
    asns = run_lookup("kmi_rankings", ["DE", "US"], rank_type="wholesale", ip="v6", limit=2, query="rankings[].asn")
    assert len(asns) == 2 and all(a and len(a) <= 2 and all(isinstance(n, int) for n in a) for a in asns)
    assert sim.log()[-1]["path"] == "/kmi/v202212/market/country$us/rankings/customer_base_wholesome/ip/v6"
