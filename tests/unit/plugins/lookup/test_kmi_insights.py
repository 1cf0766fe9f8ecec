# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kentik.kmi.kmi_insights, loaded by Ansible's lookup_loader and run in-process against the live simulator."""

from __future__ import annotations


def _ops(sim):
    return [entry["operation"] for entry in sim.log()]


# ----------------------------------------------------------------- kmi_insights


def test_insights_without_terms_is_one_global_list(sim, run_lookup):
    result = run_lookup("kmi_insights", lookback=30, limit=500)
    assert len(result) == 1 and isinstance(result[0], list) and len({i["asn"] for i in result[0]}) > 2
    assert _ops(sim) == ["GetGlobalInsights"]


def test_insights_one_list_per_asn_in_order(sim, run_lookup):
    result = run_lookup("kmi_insights", ["AS64496", 64499], lookback=30)
    assert len(result) == 2 and result[0] and result[1]
    assert {i["asn"] for i in result[0]} == {64496} and {i["asn"] for i in result[1]} == {64499}
    assert set(result[0][0]) == {"asn", "name", "type", "message", "created_at"}
    assert [e["path"] for e in sim.log()] == ["/kmi/v202212/insights/64496", "/kmi/v202212/insights/64499"]


def test_insights_flatten_and_query(run_lookup):
    asns = run_lookup("kmi_insights", [["AS64496", 64499]], lookback=30, query="[].asn")
    assert len(asns) == 2 and set(asns[0]) == {64496} and set(asns[1]) == {64499}
