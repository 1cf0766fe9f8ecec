# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kentik.kmi.kmi_markets, loaded by Ansible's lookup_loader and run in-process against the live simulator."""

from __future__ import annotations


GERMANY = {"market_id": "country$de", "name": "Germany"}
JAPAN = {"market_id": "country$jp", "name": "Japan"}


def _ops(sim):
    return [entry["operation"] for entry in sim.log()]


# ------------------------------------------------------------------ kmi_markets


def test_markets_without_terms_lists_every_market(sim, run_lookup):
    markets = run_lookup("kmi_markets")
    assert len(markets) == 9 and GERMANY in markets and {"market_id": "planet$earth", "name": "Global"} in markets
    assert all(set(m) == {"market_id", "name"} for m in markets)
    assert _ops(sim) == ["ListMarkets"]


def test_markets_resolve_code_name_and_id_alike(sim, run_lookup):
    assert run_lookup("kmi_markets", ["DE", "germany", "country$de", "Germany"]) == [GERMANY] * 4
    assert _ops(sim) == ["ListMarkets"]


def test_markets_keep_term_order_and_flatten(run_lookup):
    assert run_lookup("kmi_markets", ["jp", "DE"]) == [JAPAN, GERMANY]
    assert run_lookup("kmi_markets", [["jp", "DE"]]) == [JAPAN, GERMANY]


def test_markets_query_per_element(run_lookup):
    assert run_lookup("kmi_markets", ["jp", "DE"], query="market_id") == ["country$jp", "country$de"]
    assert "Global" in run_lookup("kmi_markets", query="name")
