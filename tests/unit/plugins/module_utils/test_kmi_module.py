# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every *_info module does around its client call (module_utils/_kmi_module.py), as on a target: check mode,
bad input and API failures in one line without a traceback or the token, retries as a warning."""

from __future__ import annotations

import pytest

from ansible_collections.kentik.kmi.plugins.modules import kmi_asn_info, kmi_insights_info, kmi_markets_info, kmi_rankings_info

SECRET = "sim-token"


def test_check_mode_runs_as_usual(run_module):
    code, result, dummy = run_module(kmi_markets_info, _ansible_check_mode=True)
    assert code == 0 and result["markets"] and result["changed"] is False


@pytest.mark.parametrize(
    "module, args, words",
    [
        (kmi_asn_info, {"market": "Global", "asn": ["ASX"]}, "asn: 'ASX' is not an AS number"),
        (kmi_asn_info, {"market": "Global", "asn": [0]}, "asn: 0 is not an AS number"),
        (kmi_asn_info, {"market": "Global", "asn": [64499], "workers": 0}, "workers: 0 is not allowed"),
        (kmi_rankings_info, {"market": "Global", "limit": 0}, "limit: 0 is not allowed"),
        (kmi_rankings_info, {"market": "Global", "rank_type": "wholesail"}, "rank_type"),
        (kmi_rankings_info, {"market": "Global", "query": "[?asn=="}, "query: '[?asn==' is not a valid JMESPath"),
        (kmi_insights_info, {"magnitude": 9}, "magnitude: 9 is not allowed"),
        (kmi_insights_info, {"asn": "AS-1"}, "asn: 'AS-1' is not an AS number"),
        (kmi_markets_info, {"api_url": "http://192.0.2.1:8700"}, "api_url: plain http:// is only allowed for loopback"),
    ],
)
def test_bad_input_fails_cleanly_before_any_data_request(sim, run_module, module, args, words):
    code, result, raw = run_module(module, **args)
    assert code == 1 and result["failed"] is True
    assert words in result["msg"]
    assert "Traceback" not in raw and SECRET not in raw
    assert [e["operation"] for e in sim.log() if e["operation"] != "ListMarkets"] == []


def test_api_failure_names_status_and_message_without_token(sim, run_module):
    sim.faults.set({"faults": [{"kind": "status", "status": 403, "message": "no KMI for you"}]})
    code, result, raw = run_module(kmi_markets_info)
    assert code == 1
    assert "HTTP 403" in result["msg"] and "no KMI for you" in result["msg"]
    assert SECRET not in raw


def test_retries_surface_as_a_warning(sim, run_module):
    sim.faults.set({"faults": [{"kind": "status", "status": 503}]})
    code, result, dummy = run_module(kmi_markets_info)
    assert code == 0
    assert any("succeeded after 1 retries" in str(w) for w in result["warnings"]), result.get("warnings")
