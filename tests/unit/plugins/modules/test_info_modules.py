# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The four *_info modules, run in-process against the live simulator."""

from __future__ import annotations

import contextlib
import json
from unittest import mock

import pytest
from ansible.module_utils import basic

from ansible_collections.kentik.kmi.plugins.modules import kmi_asn_info, kmi_insights_info, kmi_markets_info, kmi_rankings_info

try:
    from ansible.module_utils.testing import patch_module_args  # ansible-core >= 2.19
except ImportError:  # ansible-core 2.16-2.18: the older set_module_args pattern, as a context manager

    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")):
            yield


try:
    from ansible.module_utils import _internal as module_internal  # ansible-core >= 2.18
except ImportError:
    module_internal = None
# ansible-core >= 2.19 has is_controller; before, module.warn() always ends up in the result's "warnings".
AS_TARGET = hasattr(module_internal, "is_controller")

SECRET = "sim-token"


def _run(module, sim, capsys, **args):
    """Run a module's main() with ``args``; return (exit code, result dict, raw output)."""
    args = dict({"api_url": sim.url, "api_email": "sim@example.com", "api_token": SECRET, "retry_backoff": 0.01}, **args)
    # Run as on a target: once a test imports controller code (the lookup tests do), ansible-core 2.19 sends
    # module.warn() to the controller's display instead of the result's "warnings".
    as_target = mock.patch.object(module_internal, "is_controller", False) if AS_TARGET else contextlib.nullcontext()
    with patch_module_args(args), as_target:
        with pytest.raises(SystemExit) as info:
            module.main()
    out = capsys.readouterr().out
    return info.value.code, json.loads(out), out


def test_markets_info(sim, capsys):
    code, result, dummy = _run(kmi_markets_info, sim, capsys)
    assert code == 0 and result["changed"] is False
    assert result["source"] == {"api_url": sim.url, "simulator": "small"}  # what is made from it can say it is simulated
    assert {"market_id": "country$de", "name": "Germany"} in result["markets"]
    code, result, dummy = _run(kmi_markets_info, sim, capsys, name=["germany", "planet$earth"])
    assert [m["market_id"] for m in result["markets"]] == ["planet$earth", "country$de"]


def test_rankings_info_with_query(sim, capsys):
    code, result, dummy = _run(kmi_rankings_info, sim, capsys, market="DE", rank_type="wholesale", limit=3, query="[].asn")
    assert code == 0 and result["changed"] is False
    assert result["market"] == {"market_id": "country$de", "name": "Germany"}
    assert result["rankings"] and all(isinstance(a, int) for a in result["rankings"])
    assert sim.log()[-1]["path"].endswith("/rankings/customer_base_wholesome/ip/v4")


def test_asn_info_many_in_request_order(sim, capsys):
    asns = ["AS64500", 64499, "64496", "as64504"]
    code, result, dummy = _run(kmi_asn_info, sim, capsys, market="Global", asn=asns, workers=3)
    assert code == 0
    assert [d["asn"] for d in result["asn_details"]] == [64500, 64499, 64496, 64504]
    assert [e["operation"] for e in sim.log()].count("GetASNDetails") == 4
    assert [e["operation"] for e in sim.log()].count("ListMarkets") == 1


def test_asn_info_type_alias_and_filters(sim, capsys):
    code, result, dummy = _run(kmi_asn_info, sim, capsys, market="US", asn=64499, type="customer", singlehomed_customer="only")
    assert code == 0
    details = result["asn_details"][0]
    assert details["customers"] and all(c["singlehomed_customer"] for c in details["customers"])
    assert details["providers"] == [] and details["peers"] == []


def test_insights_info(sim, capsys):
    code, result, dummy = _run(kmi_insights_info, sim, capsys, lookback=30, types=["customer_gain", "ranking_loss"])
    assert code == 0
    assert sim.log()[-1]["query"]["types"] == ["customer_gain", "ranking_loss"]
    assert all(isinstance(i["type"], int) for i in result["insights"])


def test_check_mode_runs_as_usual(sim, capsys):
    code, result, dummy = _run(kmi_markets_info, sim, capsys, _ansible_check_mode=True)
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
def test_bad_input_fails_cleanly_before_any_data_request(sim, capsys, module, args, words):
    code, result, raw = _run(module, sim, capsys, **args)
    assert code == 1 and result["failed"] is True
    assert words in result["msg"]
    assert "Traceback" not in raw and SECRET not in raw
    assert [e["operation"] for e in sim.log() if e["operation"] != "ListMarkets"] == []


def test_api_failure_names_status_and_message_without_token(sim, capsys):
    sim.faults.set({"faults": [{"kind": "status", "status": 403, "message": "no KMI for you"}]})
    code, result, raw = _run(kmi_markets_info, sim, capsys)
    assert code == 1
    assert "HTTP 403" in result["msg"] and "no KMI for you" in result["msg"]
    assert SECRET not in raw


def test_retries_surface_as_a_warning(sim, capsys):
    sim.faults.set({"faults": [{"kind": "status", "status": 503}]})
    code, result, dummy = _run(kmi_markets_info, sim, capsys)
    assert code == 0
    assert any("succeeded after 1 retries" in str(w) for w in result["warnings"]), result.get("warnings")
