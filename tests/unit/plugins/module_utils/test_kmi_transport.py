# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One request over HTTP (_kmi_transport.py), through a client of the live simulator on loopback: retries and their
waits, failures that are not retried, one-line errors with Kentik's message and a hint, and pacing."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_transport
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError


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
    monkeypatch.setattr(_kmi_transport.time, "sleep", lambda seconds: None)
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
    monkeypatch.setattr(_kmi_transport.time, "sleep", lambda seconds: None)
    port = _closed_port()
    said = []
    client = make_client(api_url="http://127.0.0.1:%d" % port, retries=1, log=said.append)
    client._transport._loopback = False  # as for a remote API, which no test may call
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


# ----------------------------------------------------------------- pacing


def test_client_paces_under_its_limit(sim, make_client):
    now, slept = [1000.0], []
    client = make_client(requests_per_minute=2)
    client._transport._budget._clock = lambda: now[0]  # the budget on a fake clock: its sleeps pass no real time
    client._transport._budget._sleep = lambda seconds: (slept.append(seconds), now.__setitem__(0, now[0] + seconds))
    client.list_markets()
    now[0] += 2.0
    client.list_markets()
    assert slept == []
    client.list_markets()
    assert slept == [pytest.approx(58.0)]
    assert len(sim.log()) == 3
