# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every lookup does around its client calls (plugin_utils/_kmi_lookup.py): where options come from, bad input
before any request, one-line errors without secrets, and the run and persistent caches."""

from __future__ import annotations

import os

import pytest
from ansible import constants as C
from ansible.errors import AnsibleLookupError

try:
    from ansible.template import trust_as_template  # ansible-core >= 2.19: playbook variables are trusted templates
except ImportError:  # older ansible-core templates every string
    trust_as_template = str

TOKEN = "sim-token"
EMAIL = "sim@example.com"
GERMANY = {"market_id": "country$de", "name": "Germany"}
JAPAN = {"market_id": "country$jp", "name": "Japan"}


def _ops(sim):
    return [entry["operation"] for entry in sim.log()]


# ---------------------------------------------------------- where options come from


def test_connection_options_from_variables(sim, run_lookup):
    variables = {"kmi_api_url": sim.url, "kmi_api_email": EMAIL, "kmi_api_token": TOKEN}
    assert run_lookup("kmi_markets", ["DE"], variables, api_url=None, api_email=None, api_token=None) == [GERMANY]


def test_templated_variables_are_rendered(sim, run_lookup):
    variables = {
        "kmi_api_url": trust_as_template("{{ sim_url }}"),
        "kmi_api_email": trust_as_template("{{ who }}"),
        "kmi_api_token": TOKEN,
        "sim_url": sim.url,
        "who": EMAIL,
    }
    assert run_lookup("kmi_markets", ["DE"], variables, api_url=None, api_email=None, api_token=None) == [GERMANY]


def test_connection_options_from_environment(sim, run_lookup, monkeypatch):
    monkeypatch.setenv("KTAPI_URL", sim.url)
    monkeypatch.setenv("KTAPI_AUTH_EMAIL", EMAIL)
    monkeypatch.setenv("KTAPI_AUTH_TOKEN", TOKEN)
    assert run_lookup("kmi_markets", ["DE"], api_url=None, api_email=None, api_token=None) == [GERMANY]


def test_environment_is_read_when_nothing_else_is_set(run_lookup, monkeypatch):
    monkeypatch.setenv("KTAPI_URL", "ftp://from-the-environment.invalid")
    with pytest.raises(AnsibleLookupError, match="api_url: 'ftp://from-the-environment.invalid'"):
        run_lookup("kmi_markets", api_url=None)


BAD = {"api_url": "ftp://bad.invalid", "api_email": "wrong@example.com", "api_token": "wrong-token"}
VAR = {"api_url": "kmi_api_url", "api_email": "kmi_api_email", "api_token": "kmi_api_token"}
ENV = {"api_url": "KTAPI_URL", "api_email": "KTAPI_AUTH_EMAIL", "api_token": "KTAPI_AUTH_TOKEN"}


@pytest.mark.parametrize("option", sorted(BAD))
def test_keyword_beats_variable_beats_environment(sim, run_lookup, monkeypatch, option):
    good = {"api_url": sim.url, "api_email": EMAIL, "api_token": TOKEN}[option]
    monkeypatch.setenv(ENV[option], BAD[option])
    assert run_lookup("kmi_markets", ["DE"], {VAR[option]: good}, **{option: None}) == [GERMANY]  # var beats env
    assert run_lookup("kmi_markets", ["JP"], {VAR[option]: BAD[option]}, **{option: good}) == [JAPAN]  # kwarg beats var
    assert [e["status"] for e in sim.log()] == [200]  # no request with a bad value


@pytest.mark.parametrize("where", ["keyword", "variable", "environment"])
def test_a_bad_value_fails_in_the_modules_words_wherever_it_comes_from(sim, run_lookup, monkeypatch, where):
    keywords, variables = {}, {}
    if where == "keyword":
        keywords["region"] = "mars"
    elif where == "variable":
        variables["kmi_region"] = "mars"
    else:
        monkeypatch.setenv("KTAPI_REGION", "mars")
    with pytest.raises(AnsibleLookupError) as info:
        run_lookup("kmi_markets", ["DE"], variables, **keywords)
    assert str(info.value) == "value of region must be one of: us, eu, got: mars"  # as kentik.kmi.kmi_markets_info says it
    assert sim.log() == []


def test_email_and_token_aliases(run_lookup):
    assert run_lookup("kmi_markets", ["DE"], api_email=None, api_token=None, email=EMAIL, token=TOKEN) == [GERMANY]


def test_retry_and_pacing_options_from_variables(sim, run_lookup):
    sim.faults.set({"faults": [{"kind": "status", "status": 503, "count": 5}]})
    with pytest.raises(AnsibleLookupError) as info:
        run_lookup("kmi_markets", ["DE"], {"kmi_retries": 1, "kmi_retry_backoff": 0.01, "kmi_requests_per_minute": 0})
    assert "gave up after 2 attempts" in str(info.value) and "HTTP 503" in str(info.value)
    assert len(sim.log()) == 2


# ------------------------------------------------------------------- bad input

LIST_ONLY = ["ListMarkets"]  # resolving a market name needs the market list

BAD_INPUTS = [
    # (lookup, terms, options, texts the one-line message holds, requests sent)
    ("kmi_rankings", [], {}, ["give at least one market as a term"], []),
    ("kmi_rankings", ["DE", "Atlantis"], {}, ["market: 'Atlantis' is not a KMI market"], LIST_ONLY),
    ("kmi_rankings", ["DE"], {"rank_typ": "wholesale"}, ["unknown option 'rank_typ'. Did you mean 'rank_type'?"], []),
    ("kmi_markets", [], {"api_ulr": "http://127.0.0.1:9"}, ["unknown option 'api_ulr'. Did you mean 'api_url'"], []),
    ("kmi_asn_info", [64499], {"market": "DE", "colour": "red"},
     ["unknown option 'colour'. kentik.kmi.kmi_asn_info takes: allow_insecure_http, api_email, api_token", "relationship"], []),
    ("kmi_insights", [], {"lookbak": 7, "magnitud": 3},
     ["unknown option 'lookbak'. Did you mean 'lookback'? unknown option 'magnitud'. Did you mean 'magnitude'?"], []),
    ("kmi_rankings", ["DE"], {"limit": 0}, ["limit: 0 is not allowed"], []),
    ("kmi_rankings", ["DE"], {"limit": 10001}, ["limit: 10001 is not allowed"], []),
    ("kmi_rankings", ["DE"], {"limit": "many"}, ["argument 'limit' is of type", "unable to convert to int"], []),
    ("kmi_rankings", ["DE"], {"rank_type": "bogus"}, ["value of rank_type must be one of: customer_base, ", "peering_base, got: bogus"], []),
    ("kmi_rankings", ["DE"], {"ip": "v5"}, ["value of ip must be one of: v4, v6, got: v5"], []),
    ("kmi_rankings", ["DE"], {"query": "rankings[?"}, ["query: 'rankings[?' is not a valid JMESPath"], []),
    ("kmi_rankings", ["DE"], {"api_url": "ftp://kmi.example.com"}, ["api_url: 'ftp://kmi.example.com'"], []),
    ("kmi_rankings", ["DE"], {"api_url": "http://kmi.example.com"}, ["api_url: plain http://"], []),
    ("kmi_rankings", ["DE"], {"api_url": "http://127.0.0.1:99999"}, ["api_url: 'http://127.0.0.1:99999'"], []),
    ("kmi_rankings", ["DE"], {"api_token": None}, ["api_token: missing", "KTAPI_AUTH_TOKEN"], []),
    ("kmi_rankings", ["DE"], {"api_email": None}, ["api_email: missing", "KTAPI_AUTH_EMAIL"], []),
    ("kmi_rankings", ["DE"], {"cache": True, "cache_plugin": "no_such_cache"}, ["cache_plugin: 'no_such_cache'"], []),
    ("kmi_markets", ["DE", "Atlantis"], {}, ["market: 'Atlantis' is not a KMI market"], LIST_ONLY),
    ("kmi_markets", [], {"query": "[[["}, ["query: '[[['"], []),
    ("kmi_asn_info", ["ASX"], {"market": "DE"}, ["AS number: 'ASX' is not an AS number"], []),
    ("kmi_asn_info", [64499, "AS4294967296"], {"market": "DE"}, ["AS number: 'AS4294967296'"], []),
    ("kmi_asn_info", [], {"market": "DE"}, ["give at least one AS number as a term"], []),
    ("kmi_asn_info", [64499], {}, ["missing required arguments: market"], []),
    ("kmi_asn_info", [64499], {"market": "Atlantis"}, ["market: 'Atlantis' is not a KMI market"], LIST_ONLY),
    ("kmi_asn_info", [64499], {"market": "DE", "workers": 0}, ["workers: 0 is not allowed"], []),
    ("kmi_asn_info", [64499], {"market": "DE", "relationship": "siblings"},
     ["value of relationship must be one of: all, customers, providers, peers", "got: siblings"], []),
    ("kmi_asn_info", [64499], {"market": "DE", "mutual_customer": "some"}, ["value of mutual_customer must be one of: all, only, exclude, got: some"], []),
    ("kmi_insights", ["ASX"], {}, ["AS number: 'ASX' is not an AS number"], []),
    ("kmi_insights", [], {"lookback": 2}, ["value of lookback must be one of: 1, 7, 30, got: 2"], []),
    ("kmi_insights", [], {"magnitude": 9}, ["magnitude: 9"], []),
    ("kmi_insights", [], {"limit": 0}, ["limit: 0"], []),
    ("kmi_insights", [], {"types": ["customer_gain", "nope"]},
     ["value of types must be one or more of: market_entrance", "provider_routing_loss. Got no match for: nope"], []),
    ("kmi_insights", [64499, 64500], {"market": "Atlantis"}, ["market: 'Atlantis'"], LIST_ONLY),
    ("kmi_rankings", ["DE"], {"retries": -1}, ["retries: -1 is not allowed", "an integer from 0 to 20"], []),
    ("kmi_markets", [], {"timeout": 0}, ["timeout: 0.0 is not allowed", "a number of seconds from 0.1 to 3600"], []),
]


@pytest.mark.parametrize(
    "name, terms, options, texts, sent",
    BAD_INPUTS,
    ids=["%s-%s" % (case[0], "-".join(sorted(case[2])) or "terms%d" % len(case[1])) for case in BAD_INPUTS],
)
def test_bad_input_fails_naming_the_option_before_any_data_request(sim, run_lookup, name, terms, options, texts, sent):
    with pytest.raises(AnsibleLookupError) as info:
        run_lookup(name, terms, **options)
    message = str(info.value)
    for text in texts:
        assert text in message
    assert TOKEN not in message
    assert "_terms" not in message  # a term is named by what it is
    assert "ansible_collections." not in message  # no internal plugin path (ansible-core 2.19+ adds one)
    assert _ops(sim) == sent


def test_auth_failure_does_not_show_the_token(sim, run_lookup):
    token = "tok-WRONG-5b7e9c"
    with pytest.raises(AnsibleLookupError) as info:
        run_lookup("kmi_rankings", ["planet$earth"], api_token=token)
    assert "HTTP 401" in str(info.value) and "KTAPI_AUTH_TOKEN" in str(info.value)
    assert token not in str(info.value)
    assert [e["status"] for e in sim.log()] == [401]


def test_api_refusal_is_a_lookup_error_cached_for_the_run(sim, run_lookup):
    for dummy in range(2):
        with pytest.raises(AnsibleLookupError, match="HTTP 404"):
            run_lookup("kmi_asn_info", [64499], market="DE")  # AS64499 is not in the German market
    assert _ops(sim) == ["ListMarkets", "GetASNDetails"]


# -------------------------------------------------------------------- the cache

ONE_OF_EACH = [
    ("kmi_markets", [], {}),
    ("kmi_markets", ["DE"], {}),
    ("kmi_rankings", ["DE", "JP"], {"limit": 5}),
    ("kmi_asn_info", [64499, 64500], {"market": "US"}),
    ("kmi_insights", [], {"lookback": 7}),
    ("kmi_insights", [64499], {"lookback": 30, "market": "Global"}),
]


@pytest.mark.parametrize("name, terms, options", ONE_OF_EACH, ids=["%s-%d" % (c[0], len(c[1])) for c in ONE_OF_EACH])
def test_second_run_of_a_lookup_in_the_same_run_sends_nothing(sim, run_lookup, name, terms, options):
    first = run_lookup(name, terms, **options)
    assert sim.log()
    sim.reset()
    assert run_lookup(name, terms, **options) == first
    assert sim.log() == []


def test_a_new_run_asks_again(sim, run_lookup, monkeypatch, tmp_path):
    run_lookup("kmi_rankings", ["DE"], limit=5)
    monkeypatch.setattr(C, "DEFAULT_LOCAL_TMP", str(tmp_path / "next-run"))
    run_lookup("kmi_rankings", ["DE"], limit=5)
    assert _ops(sim) == ["ListMarkets", "GetRankings"] * 2


def test_cache_option_keeps_answers_across_runs(sim, run_lookup, monkeypatch, tmp_path):
    options = {"cache": True, "cache_connection": str(tmp_path / "persistent"), "limit": 5}
    first = run_lookup("kmi_rankings", ["DE"], **options)
    monkeypatch.setattr(C, "DEFAULT_LOCAL_TMP", str(tmp_path / "next-run"))
    sim.reset()
    assert run_lookup("kmi_rankings", ["DE"], **options) == first
    assert sim.log() == []
    assert os.listdir(tmp_path / "persistent")
