# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kentik.kmi.kmi_insights_info, run in-process as on a target, against the live simulator."""

from __future__ import annotations

from ansible_collections.kentik.kmi.plugins.modules import kmi_insights_info


def test_insights_info(sim, run_module):
    code, result, dummy = run_module(kmi_insights_info, lookback=30, types=["customer_gain", "ranking_loss"])
    assert code == 0
    assert sim.log()[-1]["query"]["types"] == ["customer_gain", "ranking_loss"]
    assert all(isinstance(i["type"], int) for i in result["insights"])
