# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kentik.kmi.kmi_rankings_info, run in-process as on a target, against the live simulator."""

from __future__ import annotations

from ansible_collections.kentik.kmi.plugins.modules import kmi_rankings_info


def test_rankings_info_with_query(sim, run_module):
    code, result, dummy = run_module(kmi_rankings_info, market="DE", rank_type="wholesale", limit=3, query="[].asn")
    assert code == 0 and result["changed"] is False
    assert result["market"] == {"market_id": "country$de", "name": "Germany"}
    assert result["rankings"] and all(isinstance(a, int) for a in result["rankings"])
    assert sim.log()[-1]["path"].endswith("/rankings/customer_base_wholesome/ip/v4")
