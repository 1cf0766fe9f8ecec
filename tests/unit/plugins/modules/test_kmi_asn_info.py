# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kentik.kmi.kmi_asn_info, run in-process as on a target, against the live simulator."""

from __future__ import annotations

from ansible_collections.kentik.kmi.plugins.modules import kmi_asn_info


def test_asn_info_many_in_request_order(sim, run_module):
    asns = ["AS64500", 64499, "64496", "as64504"]
    code, result, dummy = run_module(kmi_asn_info, market="Global", asn=asns, workers=3)
    assert code == 0
    assert [d["asn"] for d in result["asn_details"]] == [64500, 64499, 64496, 64504]
    assert [e["operation"] for e in sim.log()].count("GetASNDetails") == 4
    assert [e["operation"] for e in sim.log()].count("ListMarkets") == 1


def test_asn_info_type_alias_and_filters(run_module):
    code, result, dummy = run_module(kmi_asn_info, market="US", asn=64499, type="customer", singlehomed_customer="only")
    assert code == 0
    details = result["asn_details"][0]
    assert details["customers"] and all(c["singlehomed_customer"] for c in details["customers"])
    assert details["providers"] == [] and details["peers"] == []
