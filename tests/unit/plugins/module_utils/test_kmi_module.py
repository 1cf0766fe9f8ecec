# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every *_info module does around its client call (module_utils/_kmi_module.py), as on a target: check mode,
bad input and API failures in one line without a traceback or the token, retries as a warning."""

from __future__ import annotations

import json

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_module import masked
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


def test_the_token_goes_to_the_controller_only_to_be_masked(module_wire):
    """ansible-core 2.22+ (module_utils.secrets): a module registers the no_log values it meets as secrets and hands
    the new ones to the controller in _ansible_new_secrets, which the controller takes out of the result and masks in
    all later output. Before 2.22 neither exists. Either way, the token is nowhere else in what the module writes."""
    try:
        from ansible.module_utils import secrets  # pylint: disable=import-outside-toplevel
    except ImportError:
        secrets = None
    wire = module_wire(kmi_markets_info)
    handed = wire.pop("_ansible_new_secrets", [])
    assert SECRET not in json.dumps(wire)
    if secrets is None:
        assert not handed
    else:  # registered in this process (by this run or an earlier test's), and masked from now on
        assert secrets.mask_secrets("token %s here" % SECRET) == "token $REDACTED$ here"


def test_a_token_in_a_failure_message_is_masked_by_the_module_on_every_core(run_module):
    """Before 2.22 core masked no_log values in a module's result; from 2.22 only in what it writes out. The module
    masks them itself, so the registered result never holds the token."""
    code, result, raw = run_module(kmi_rankings_info, market=SECRET)
    assert code == 1 and "market: '********' is not a KMI market" in result["msg"]
    assert SECRET not in raw


def test_masked_walks_lists_and_dicts_and_masks_every_form_of_a_secret():
    value = {
        "msg": "token SIM-TOKEN and sim%40example.com here",
        "params": {"api_token": "sim-token", "retries": 5, "tags": ("sim-token!", None)},
        "rows": [{"name": "x"}, 7, True],
    }
    assert masked(value, {"sim-token", "sim@example.com"}) == {
        "msg": "token ******** and ******** here",
        "params": {"api_token": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "retries": 5, "tags": ["********!", None]},
        "rows": [{"name": "x"}, 7, True],
    }
    assert masked(value, set()) is value
