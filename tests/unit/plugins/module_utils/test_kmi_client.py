# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""KmiClient against the live simulator over HTTP on loopback: the five RPCs, inputs checked before any request, no
secret in an error, options from the environment (the transport of its requests: test_kmi_transport.py)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_http
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError, KmiInputError

TOKEN = "sim-token"
EMAIL = "sim@example.com"


def _ops(sim):
    return [entry["operation"] for entry in sim.log()]


# ------------------------------------------------------------------- the RPCs


def test_list_markets(sim, make_client):
    markets = make_client().list_markets()
    assert {"market_id": "planet$earth", "name": "Global"} in markets
    assert all(set(m) == {"market_id", "name"} for m in markets)
    assert _ops(sim) == ["ListMarkets"]
    assert sim.log()[0]["user_agent"] == _kmi_http.user_agent() != "kentik.kmi"


@pytest.mark.parametrize("market", ["country$de", "Germany", "germany", "DE", "de"])
def test_rankings_market_by_id_name_or_country_code(sim, make_client, market):
    result = make_client().get_rankings(market, limit=5)
    assert result["market"] == {"market_id": "country$de", "name": "Germany"}
    assert 0 < len(result["rankings"]) <= 5
    assert sim.log()[-1]["path"] == "/kmi/v202212/market/country$de/rankings/customer_base/ip/v4"
    assert json.loads(sim.log()[-1]["body"]) == {"limit": 5}


def test_rankings_are_typed_and_ordered(make_client):
    result = make_client().get_rankings("planet$earth", rank_type="customer_base", ip="v6")
    rows = result["rankings"]
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    assert all(isinstance(row[key], int) for row in rows for key in ("asn", "rank", "rank_change", "score", "score_change"))
    assert rows == sorted(rows, key=lambda r: -r["score"])
    assert result["invalid_count"] == 0  # omitted by the gateway, defaulted by the client


def test_markets_listed_once_per_client(sim, make_client):
    client = make_client()
    client.get_rankings("Germany")
    client.get_rankings("Japan", rank_type="peering_base")
    assert _ops(sim) == ["ListMarkets", "GetRankings", "GetRankings"]


def test_wholesale_is_the_api_wholesome(sim, make_client):
    make_client().get_rankings("US", rank_type="wholesale")
    assert sim.log()[-1]["path"].endswith("/rankings/customer_base_wholesome/ip/v4")


@pytest.mark.parametrize("asn", [64499, "64499", "AS64499", "as64499", " AS64499 "])
def test_asn_details_accepts_every_asn_form(sim, make_client, asn):
    details = make_client().get_asn_details("planet$earth", asn)
    assert details["asn"] == 64499
    assert details["name"].startswith("PRAIRIE-FIBER")
    assert details["country_name"] == "United States"
    assert {c["asn"] for c in details["customers"]} >= {64505, 64506}
    assert details["providers"] and details["peers"]
    assert sim.log()[-1]["path"] == "/kmi/v202212/market/planet$earth/network/64499/all"


def test_asn_details_relationship_and_filters(sim, make_client):
    details = make_client().get_asn_details(
        "Global", "AS64499", relationship="customer", singlehomed_customer="only", ip="v4"
    )
    assert details["customers"] and all(c["singlehomed_customer"] for c in details["customers"])
    assert details["providers"] == [] and details["peers"] == []
    entry = sim.log()[-1]
    assert entry["path"].endswith("/network/64499/customers")
    assert json.loads(entry["body"]) == {
        "ip": "v4",
        "mutualProvider": "all",
        "mutualCustomer": "all",
        "singlehomedCustomer": "only",
    }
    flags = details["customers"][0]
    assert isinstance(flags["mutual_customer"], bool) and isinstance(flags["score"], int)


def test_global_and_asn_insights(sim, make_client):
    client = make_client()
    everything = client.get_insights(lookback=30, limit=200)
    assert everything and all(isinstance(i["type"], int) and i["message"] for i in everything)
    one = client.get_insights(asn="AS%d" % everything[0]["asn"], lookback=30)
    assert one and {i["asn"] for i in one} == {everything[0]["asn"]}
    chosen = client.get_insights(lookback=30, types=["customer_gain", "customer_loss"], magnitude=2, market="Global")
    log = sim.log()
    assert [e["operation"] for e in log] == ["GetGlobalInsights", "GetASNInsights", "ListMarkets", "GetGlobalInsights"]
    assert log[-1]["query"]["types"] == ["customer_gain", "customer_loss"]
    assert log[-1]["query"]["marketId"] == ["planet$earth"]
    assert len(chosen) <= len(everything)


# ------------------------------------------------------------ secret hygiene


def test_token_and_email_never_in_error_text(sim, make_client):
    secret = "s3cr3t-T0KEN-value"
    sim.users["leak@example.com"] = (secret, True)
    sim.faults.set({"faults": [{"kind": "status", "status": 400, "message": "bad token %s for leak@example.com" % secret}]})
    with pytest.raises(KmiApiError) as info:
        make_client(api_email="leak@example.com", api_token=secret).list_markets()
    for text in (str(info.value), repr(info.value), info.value.kentik_message):
        assert secret not in text and "leak@example.com" not in text
    del sim.users["leak@example.com"]


# ------------------------------------------------------------- bad inputs


BAD_CALLS = [
    ("asn", lambda c: c.get_asn_details("Global", 0)),
    ("asn", lambda c: c.get_asn_details("Global", -1)),
    ("asn", lambda c: c.get_asn_details("Global", 4294967296)),
    ("asn", lambda c: c.get_asn_details("Global", "ASX")),
    ("asn", lambda c: c.get_asn_details("Global", "")),
    ("asn", lambda c: c.get_asn_details("Global", {"asn": 1})),
    ("asn", lambda c: c.get_asn_details("Global", True)),
    ("asn", lambda c: c.get_insights(asn="AS1.5")),
    ("ip", lambda c: c.get_rankings("Global", ip="v5")),
    ("rank_type", lambda c: c.get_rankings("Global", rank_type="customer_bas")),
    ("limit", lambda c: c.get_rankings("Global", limit=0)),
    ("limit", lambda c: c.get_rankings("Global", limit=10 ** 9)),
    ("relationship", lambda c: c.get_asn_details("Global", 64499, relationship="peer_s")),
    ("mutual_provider", lambda c: c.get_asn_details("Global", 64499, mutual_provider="yes")),
    ("singlehomed_customer", lambda c: c.get_asn_details("Global", 64499, singlehomed_customer=None)),
    ("lookback", lambda c: c.get_insights(lookback=3)),
    ("magnitude", lambda c: c.get_insights(magnitude=6)),
    ("types", lambda c: c.get_insights(types=["customer_gains"])),
    ("market", lambda c: c.get_rankings("")),
    ("market", lambda c: c.get_rankings(None)),
]


@pytest.mark.parametrize("option, call", BAD_CALLS)
def test_bad_input_rejected_before_any_request(sim, make_client, option, call):
    client = make_client()
    with pytest.raises(KmiInputError) as info:
        call(client)
    assert info.value.option == option
    assert str(info.value).startswith(option + ":")
    assert sim.log() == []


def test_typos_get_suggestions(make_client):
    with pytest.raises(KmiInputError, match="Did you mean 'customer_base'"):
        make_client().get_rankings("Global", rank_type="customer_bsae")


def test_unknown_market_suggests_close_names_after_listing_markets(sim, make_client):
    with pytest.raises(KmiInputError) as info:
        make_client().get_rankings("Germny")
    assert "Did you mean 'Germany'" in str(info.value)
    assert _ops(sim) == ["ListMarkets"]


@pytest.mark.parametrize(
    "kwargs, option",
    [
        ({"api_url": "ftp://127.0.0.1"}, "api_url"),
        ({"api_url": "http://192.0.2.10:8700"}, "api_url"),
        ({"api_url": "http://kmi.example.com"}, "api_url"),
        ({"api_url": None, "region": "mars"}, "region"),
        ({"api_email": ""}, "api_email"),
        ({"api_token": ""}, "api_token"),
    ],
)
def test_bad_connection_options(make_client, monkeypatch, kwargs, option):
    monkeypatch.delenv("KTAPI_AUTH_EMAIL", raising=False)
    monkeypatch.delenv("KTAPI_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("KTAPI_URL", raising=False)
    with pytest.raises(KmiInputError) as info:
        make_client(**kwargs)
    assert info.value.option == option


def test_missing_credentials_names_the_env_vars(monkeypatch):
    monkeypatch.delenv("KTAPI_AUTH_EMAIL", raising=False)
    monkeypatch.delenv("KTAPI_AUTH_TOKEN", raising=False)
    with pytest.raises(KmiInputError, match="KTAPI_AUTH_EMAIL and KTAPI_AUTH_TOKEN"):
        KmiClient()


def test_credentials_and_url_from_environment(sim, monkeypatch):
    monkeypatch.setenv("KTAPI_AUTH_EMAIL", EMAIL)
    monkeypatch.setenv("KTAPI_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("KTAPI_URL", sim.url)
    assert KmiClient(requests_per_minute=0).list_markets()
    assert len(sim.log()) == 1


@pytest.mark.parametrize(
    "option, value, allowed",
    [
        ("retries", -1, "an integer from 0 to 20"),
        ("retries", "many", "an integer from 0 to 20"),
        ("timeout", 0, "a number of seconds from 0.1 to 3600"),
        ("connect_timeout", "soon", "a number of seconds from 0.1 to 3600"),
        ("retry_backoff", -0.5, "a number of seconds from 0 to 300"),
        ("max_retry_wait", float("nan"), "a number of seconds from 0 to 86400"),
        ("requests_per_minute", -5, "an integer from 0 to 100000"),
        ("requests_per_hour", True, "an integer from 0 to 10000000"),
        ("max_response_bytes", 100, "an integer from 1024 to 2147483647"),
        ("max_response_bytes", "64M", "an integer from 1024 to 2147483647"),
    ],
)
def test_numeric_connection_options_are_checked_before_any_request(sim, make_client, option, value, allowed):
    with pytest.raises(KmiInputError) as info:
        make_client(**{option: value})
    assert str(info.value) == "%s: %r is not allowed; use %s." % (option, value, allowed)
    assert info.value.option == option
    assert sim.log() == []


def test_requests_is_imported_only_when_a_request_is_sent():
    """A lookup answered from the cache never imports requests (each host's fork would pay ~70 ms for it)."""
    import os
    import subprocess
    import sys

    code = "\n".join(
        [
            "import sys",
            "from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient",
            "class Hit:",
            "    def fetch(self, key, send, secret):",
            "        return {'markets': [{'marketId': 'planet$earth', 'name': 'Planet Earth'}]}",
            "client = KmiClient(api_email='e@example.com', api_token='tok-123456', api_url='http://127.0.0.1:9', cache=Hit())",
            "assert client.list_markets() == [{'market_id': 'planet$earth', 'name': 'Planet Earth'}]",
            "print('requests' in sys.modules, 'urllib3' in sys.modules)",
        ]
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
