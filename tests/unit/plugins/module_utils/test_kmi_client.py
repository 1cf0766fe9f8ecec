# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""KmiClient against the live simulator over HTTP on loopback."""

from __future__ import annotations

import json
from email.utils import formatdate

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_client, _kmi_http
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


# ---------------------------------------------------------------- retries


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retryable_status_recovers(sim, make_client, status):
    sim.faults.set({"faults": [{"kind": "status", "status": status, "count": 2}]})
    warnings = []
    markets = make_client(warn=warnings.append).list_markets()
    assert markets
    assert [e["status"] for e in sim.log()] == [status, status, 200]
    assert len(warnings) == 1 and "succeeded after 2 retries" in warnings[0] and "HTTP %d" % status in warnings[0]


@pytest.mark.parametrize("kind", ["reset", "truncated", "stall"])
def test_network_failures_recover(sim, make_client, kind):
    sim.faults.set({"faults": [{"kind": kind, "seconds": 0.6}]})
    client = make_client(timeout=0.3)
    assert client.list_markets()
    assert len(sim.log()) == 2
    assert len(client.warnings) == 1


def test_retry_after_seconds_is_honoured(sim, make_client):
    sim.faults.set({"faults": [{"kind": "status", "status": 429, "retry_after": "1"}]})
    make_client().list_markets()
    first, second = sim.log()
    assert second["time"] - first["time"] >= 1.0  # backoff alone would be ~0.01 s


def test_retry_after_http_date_is_honoured(sim, make_client):
    import time

    when = formatdate(time.time() + 2, usegmt=True)
    sim.faults.set({"faults": [{"kind": "status", "status": 503, "retry_after": when}]})
    make_client().list_markets()
    first, second = sim.log()
    assert second["time"] - first["time"] >= 0.9  # the date has 1 s resolution


def test_gives_up_after_retries(sim, make_client):
    sim.faults.set({"faults": [{"kind": "status", "status": 503, "count": 10, "message": "busy"}]})
    with pytest.raises(KmiApiError) as info:
        make_client(retries=2).list_markets()
    assert len(sim.log()) == 3
    text = str(info.value)
    assert "gave up after 3 attempts" in text and "HTTP 503" in text and "busy" in text
    assert info.value.status == 503 and info.value.attempts == 3


def test_retry_after_beyond_max_wait_fails_at_once(sim, make_client):
    sim.faults.set({"faults": [{"kind": "status", "status": 429, "retry_after": "600"}]})
    with pytest.raises(KmiApiError) as info:
        make_client(max_retry_wait=5).list_markets()
    assert len(sim.log()) == 1
    assert "max_retry_wait" in str(info.value) and "HTTP 429" in str(info.value)
    assert "(the next wait of 600.0 s would pass max_retry_wait 5 s)" in str(info.value)


@pytest.mark.parametrize(
    "status, hint",
    [(400, "options"), (401, "KTAPI_AUTH_EMAIL"), (403, "permission"), (404, "api_url is the API's base URL"), (500, None)],
)
def test_non_retryable_status_fails_at_once(sim, make_client, status, hint):
    sim.faults.set({"faults": [{"kind": "status", "status": status, "message": "kentik says no", "count": 5}]})
    with pytest.raises(KmiApiError) as info:
        make_client().list_markets()
    assert len(sim.log()) == 1
    text = str(info.value)
    assert "HTTP %d" % status in text and "kentik says no" in text and "ListMarkets" in text
    assert "\n" not in text
    if hint:
        assert hint in text
    assert info.value.kentik_message == "kentik says no"


def test_real_401_and_403_from_the_simulator(sim, make_client):
    with pytest.raises(KmiApiError) as info:
        make_client(api_token="wrong-token").list_markets()
    assert info.value.status == 401 and "Unauthorized" in str(info.value)
    with pytest.raises(KmiApiError) as info:
        make_client(api_email="nokmi@example.com", api_token="nokmi-token").list_markets()
    assert info.value.status == 403 and info.value.code == 7


def test_unknown_asn_is_404_with_kentiks_message(sim, make_client):
    with pytest.raises(KmiApiError) as info:
        make_client().get_asn_details("Japan", 64499)
    assert info.value.status == 404 and "not found" in info.value.kentik_message


@pytest.mark.parametrize(
    "kind, words",
    [
        ("html", "malformed JSON (non-JSON text/html body titled 'Proxy Authentication Required')"),
        ("empty", "empty body"),
        ("badjson", "malformed JSON"),
    ],
)
def test_malformed_bodies_give_clear_errors(sim, make_client, kind, words):
    sim.faults.set({"faults": [{"kind": kind}]})
    with pytest.raises(KmiApiError) as info:
        make_client().list_markets()
    assert words in str(info.value)
    assert len(sim.log()) == 1


def test_html_error_page_from_a_proxy(sim, make_client):
    sim.faults.set({"faults": [{"kind": "status", "status": 502, "html": True, "count": 9}]})
    with pytest.raises(KmiApiError) as info:
        make_client(retries=1).list_markets()
    assert "Proxy Authentication Required" in str(info.value) and "HTTP 502" in str(info.value)
    assert "Kentik says" not in str(info.value) and info.value.kentik_message is None  # a proxy said it, not Kentik


def test_html_error_page_with_a_permanent_status_is_not_kentiks_message(sim, make_client):
    sim.faults.set({"faults": [{"kind": "status", "status": 500, "html": True}]})
    with pytest.raises(KmiApiError) as info:
        make_client().list_markets()
    assert str(info.value) == (
        "KMI ListMarkets failed: HTTP 500: Internal Server Error (non-JSON text/html body titled 'Proxy Authentication Required')"
        " (hint: a proxy or load balancer may have answered instead of Kentik)"
    )
    assert info.value.kentik_message is None


def test_max_retry_wait_message_says_what_was_waited(sim, make_client, monkeypatch):
    monkeypatch.setattr(_kmi_client.time, "sleep", lambda seconds: None)
    sim.faults.set({"faults": [{"kind": "status", "status": 429, "retry_after": "1", "count": 5}]})
    with pytest.raises(KmiApiError) as info:
        make_client(retries=5, max_retry_wait=2.5).list_markets()
    assert "gave up after 3 attempts" in str(info.value)
    assert "(waited 2.0 s; the next wait of 1.0 s would pass max_retry_wait 2.5 s)" in str(info.value)


def _closed_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_on_loopback_fails_at_once_and_says_what_to_start(make_client):
    port = _closed_port()
    with pytest.raises(KmiApiError) as info:
        make_client(api_url="http://127.0.0.1:%d" % port, retries=5, retry_backoff=5).list_markets()
    assert str(info.value) == (
        "KMI ListMarkets failed: connection refused (http://127.0.0.1:%d) (hint: nothing listens on that port of this host; "
        "start the simulator (python -m simulator --port 8700) or correct api_url)" % port
    )
    assert info.value.attempts == 1 and info.value.status is None


def test_connection_refused_elsewhere_is_retried_and_each_retry_is_logged(make_client, monkeypatch):
    monkeypatch.setattr(_kmi_client.time, "sleep", lambda seconds: None)
    port = _closed_port()
    said = []
    client = make_client(api_url="http://127.0.0.1:%d" % port, retries=1, log=said.append)
    client._loopback = False  # as for a remote API, which no test may call
    with pytest.raises(KmiApiError) as info:
        client.list_markets()
    # a network give-up names the URL it tried and says what to check
    assert "gave up after 2 attempts: connection refused (http://127.0.0.1:%d)" % port in str(info.value)
    assert "(hint: check that api_url / region is reachable" in str(info.value)
    assert len(said) == 1 and said[0].startswith("KMI ListMarkets: attempt 1 of 2 failed (connection refused); the next in ")


def test_each_retry_is_logged(sim, make_client):
    sim.faults.set({"faults": [{"kind": "status", "status": 503, "count": 2}]})
    said = []
    assert make_client(retries=3, log=said.append).list_markets()
    assert [text.split(";")[0] for text in said] == [
        "KMI ListMarkets: attempt 1 of 4 failed (HTTP 503)", "KMI ListMarkets: attempt 2 of 4 failed (HTTP 503)"]


def test_a_path_in_api_url_that_is_wrong_gets_a_hint_about_api_url_on_a_market_listing(sim, make_client):
    with pytest.raises(KmiApiError) as info:
        make_client(api_url=sim.url + "/api", retries=0).list_markets()
    assert "HTTP 404" in str(info.value)
    assert "(hint: the API path was not found; check that api_url is the API's base URL alone" in str(info.value)
    assert "check the market" not in str(info.value)


def test_https_to_a_plain_http_server_says_so(sim, make_client):
    with pytest.raises(KmiApiError) as info:
        make_client(api_url=sim.url.replace("http://", "https://"), retries=3).list_markets()
    assert str(info.value) == (
        "KMI ListMarkets failed: TLS error talking to %s: the server answered in plain HTTP, not TLS (hint: api_url says "
        "https:// but the server speaks plain http; use http:// for the simulator on loopback, or the server's TLS port)"
        % sim.url.replace("http://", "https://")
    )
    assert "urllib3" not in str(info.value) and "Max retries" not in str(info.value)


def test_exhausted_retries_on_5xx_give_a_hint(sim, make_client):
    sim.faults.set({"faults": [{"kind": "status", "status": 503, "count": 9}]})
    with pytest.raises(KmiApiError) as info:
        make_client(retries=1, retry_backoff=0.01).list_markets()
    assert str(info.value).startswith("KMI ListMarkets failed: gave up after 2 attempts: HTTP 503")
    assert str(info.value).endswith("(hint: the API or a proxy in between is unavailable; try again later, or raise retries / max_retry_wait)")


def test_unresolvable_host_fails_at_once_without_retries(make_client, monkeypatch):
    import socket

    def _no_such_host(host, *args, **kwargs):  # no test may ask a real resolver
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", _no_such_host)
    with pytest.raises(KmiApiError) as info:
        make_client(api_url="https://kmi.example.invalid", retries=5, retry_backoff=1).list_markets()
    assert "could not be resolved (https://kmi.example.invalid)" in str(info.value)
    assert info.value.attempts == 1 and "check api_url / region" in str(info.value)


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


# ----------------------------------------------------------------- pacing


def test_client_paces_under_its_limit(sim, make_client):
    now, slept = [1000.0], []
    client = make_client(requests_per_minute=2)
    client._budget._clock = lambda: now[0]  # the budget on a fake clock: its sleeps pass no real time
    client._budget._sleep = lambda seconds: (slept.append(seconds), now.__setitem__(0, now[0] + seconds))
    client.list_markets()
    now[0] += 2.0
    client.list_markets()
    assert slept == []
    client.list_markets()
    assert slept == [pytest.approx(58.0)]
    assert len(sim.log()) == 3


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
