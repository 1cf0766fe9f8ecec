# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kentik.kmi.kmi_asn_info, loaded by Ansible's lookup_loader and run in-process against the live simulator."""

from __future__ import annotations


def _ops(sim):
    return [entry["operation"] for entry in sim.log()]


# ----------------------------------------------------------------- kmi_asn_info


def test_asn_info_one_element_per_asn_in_order(sim, run_lookup):
    result = run_lookup("kmi_asn_info", [64500, "AS64499", "as64496"], market="Global")
    assert [d["asn"] for d in result] == [64500, 64499, 64496]
    assert all(set(d) == {"asn", "name", "country_name", "customers", "providers", "peers"} for d in result)
    assert sorted(_ops(sim)) == ["GetASNDetails"] * 3 + ["ListMarkets"]


def test_asn_info_flatten_query_and_filters(sim, run_lookup):
    options = {"market": "US", "relationship": "customers", "singlehomed_customer": "only"}
    flat = run_lookup("kmi_asn_info", [64499, 64496], query="customers[].asn", **options)
    assert run_lookup("kmi_asn_info", [[64499, 64496]], query="customers[].asn", **options) == flat
    assert len(flat) == 2 and flat[0] and all(isinstance(n, int) for n in flat[0])
    details = run_lookup("kmi_asn_info", [64499], **options)[0]
    assert details["providers"] == [] and details["peers"] == []
    assert all(c["singlehomed_customer"] for c in details["customers"])
    assert "/kmi/v202212/market/country$us/network/64499/customers" in [e["path"] for e in sim.log()]
    assert _ops(sim).count("GetASNDetails") == 2  # the two later lookups were answered by the run cache
