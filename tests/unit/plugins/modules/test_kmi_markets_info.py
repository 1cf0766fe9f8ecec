# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kentik.kmi.kmi_markets_info, run in-process as on a target, against the live simulator."""

from __future__ import annotations

from ansible_collections.kentik.kmi.plugins.modules import kmi_markets_info


def test_markets_info(sim, run_module):
    code, result, dummy = run_module(kmi_markets_info)
    assert code == 0 and result["changed"] is False
    assert result["source"] == {"api_url": sim.url, "simulator": "small"}  # what is made from it can say it is simulated
    assert {"market_id": "country$de", "name": "Germany"} in result["markets"]
    code, result, dummy = run_module(kmi_markets_info, name=["germany", "planet$earth"])
    assert [m["market_id"] for m in result["markets"]] == ["planet$earth", "country$de"]
