# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile answers over real HTTP on loopback: redirects, endless and dripped bodies, deep JSON, echoed secrets; and
the User-Agent's version; TLS settings against the simulator over HTTPS."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import time

import pytest
import yaml

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_http as http
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import TLS_OFF_WARNING
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError

TOKEN = "sim-token"
EMAIL = "sim@example.com"


def _failure(client, call="list_markets"):
    with pytest.raises(KmiApiError) as info:
        getattr(client, call)()
    text = str(info.value)
    assert "\n" not in text and "Traceback" not in text
    return info.value, text


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_listener_is_not_followed(sim, make_client, elsewhere, status):
    sim.faults.set({"faults": [{"kind": "redirect", "status": status, "location": elsewhere.url + "/kmi/v202212/markets?x=1"}]})
    exc, text = _failure(make_client(retries=3))
    assert exc.status == status and exc.attempts == 1  # never retried
    assert "HTTP %d" % status in text and "a redirect to host 127.0.0.1, which is not followed" in text
    assert "/kmi/v202212/markets" not in text.split("failed", 1)[1]  # the host, never the URL
    assert "hint: set api_url to the API itself" in text
    assert len(sim.log()) == 1
    assert elsewhere.log() == []  # nothing at all, so no credential header either


def test_a_redirect_names_only_the_host(sim, make_client):
    sim.faults.set({"faults": [{"kind": "redirect", "location": "https://evil.example:8443/steal?token=sim-token#x"}]})
    exc, text = _failure(make_client())
    assert "a redirect to host evil.example, which is not followed" in text
    assert "steal" not in text and TOKEN not in text
    sim.faults.set({"faults": [{"kind": "redirect", "location": "/elsewhere"}]})
    assert "a redirect to an address on the same host" in _failure(make_client())[1]


def test_the_simulator_logs_credentials_on_each_request(sim, make_client, elsewhere, http):
    make_client().list_markets()
    http.get(elsewhere.url + "/kmi/v202212/markets")
    assert [e["credentials"] for e in sim.log()] == [True]
    assert [e["credentials"] for e in elsewhere.log()] == [False]


def test_an_endless_body_stops_at_max_response_bytes(sim, make_client):
    sim.faults.set({"faults": [{"kind": "endless", "seconds": 30, "count": 5}]})
    started = time.monotonic()
    exc, text = _failure(make_client(max_response_bytes=1024 * 1024, timeout=10, retries=3))
    assert time.monotonic() - started < 10
    assert "the answer is larger than max_response_bytes (1048576 bytes)" in text
    assert exc.attempts == 1 and len(sim.log()) == 1  # not retried


def test_a_declared_length_over_the_cap_is_refused_unread(sim, make_client):
    # the drip declares its full length at once: over the cap, nothing of it is waited for
    sim.faults.set({"faults": [{"kind": "drip", "bytes_per_second": 1, "size": 4096}]})
    started = time.monotonic()
    exc, text = _failure(make_client(max_response_bytes=1024, timeout=30))
    assert time.monotonic() - started < 2 and "max_response_bytes (1024 bytes)" in text and exc.attempts == 1


@pytest.mark.parametrize("retries", [0, 1])
def test_a_drip_ends_at_the_timeout_and_is_retried_like_a_read_timeout(sim, make_client, retries):
    sim.faults.set({"faults": [{"kind": "drip", "bytes_per_second": 20, "count": 2}]})
    started = time.monotonic()
    exc, text = _failure(make_client(timeout=1, retries=retries, retry_backoff=0.01))
    elapsed = time.monotonic() - started
    attempts = retries + 1
    assert attempts * 1.0 <= elapsed < attempts * 1.0 + 2
    assert "the whole answer did not arrive within timeout (1 s)" in text
    assert exc.attempts == attempts and len(sim.log()) == attempts


def test_a_slow_answer_within_the_timeout_is_read(sim, make_client):
    size = len(json.dumps(sim.dataset.markets))  # the small dataset's ListMarkets is about 1 KB
    sim.faults.set({"faults": [{"kind": "drip", "bytes_per_second": size * 4}]})
    assert make_client(timeout=5).list_markets()


def test_deep_json_is_one_line(sim, make_client):
    sim.faults.set({"faults": [{"kind": "deep_json"}]})
    # A garbage collection in the middle of the 200,000-deep parse runs other objects' finalizers at the recursion
    # limit, and pytest fails the test on the unraisable RecursionErrors (seen once in the matrix): collect before it.
    gc.collect()
    gc.disable()
    try:
        exc, text = _failure(make_client())
    finally:
        gc.enable()
    assert "the answer of ListMarkets is not valid KMI JSON: it is nested too deeply" in text
    assert exc.attempts == 1


@pytest.mark.parametrize(
    "fault, problem",
    [
        ({"depth": 3, "bare": True}, "a JSON list, not an object"),
        ({"depth": 2}, "not the spec's shape"),
    ],
)
def test_json_of_the_wrong_type_is_one_line(sim, make_client, fault, problem):
    sim.faults.set({"faults": [dict(fault, kind="deep_json")]})
    exc, text = _failure(make_client())
    assert "KMI ListMarkets failed: the answer of ListMarkets is not valid KMI JSON: %s" % problem in text
    assert exc.attempts == 1


def test_an_echoed_token_is_masked_in_any_case_and_encoding(sim, make_client):
    sim.faults.set({"faults": [{"kind": "echo"}]})
    exc, text = _failure(make_client())
    assert "HTTP 401" in text and "Kentik says: Unauthorized: token ******** is not valid for ******** (********)" in text
    for secret in (TOKEN, EMAIL, "sim%40example.com"):
        assert secret.lower() not in text.lower()
        assert secret.lower() not in exc.kentik_message.lower() and secret.lower() not in exc.reason.lower()


def test_secret_pattern_forms():
    pattern = http.secret_pattern(["Tok/en+1", "a.b@example.com", ""])
    text = "tok/EN+1 Tok%2Fen%2B1 tok%2fen%2b1 Tok%2Fen%2B1 A.B@EXAMPLE.COM a.b%40example.com"
    assert pattern.sub("*", text) == "* * * * * *"
    assert http.secret_pattern(["", None]) is None


# A child process: its peak RSS (KiB) before and after reading an endless body, with the default cap (64 MiB).
_RSS_PROBE = r"""
import json, resource, sys
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError
client = KmiClient(api_email="sim@example.com", api_token="sim-token", api_url=sys.argv[1], retries=0, timeout=20, requests_per_minute=0)
client.list_markets()  # requests imported and a connection made, as in any run
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    client.get_insights()
    error = None
except KmiApiError as exc:
    error = str(exc)
print(json.dumps({"before": before, "after": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "error": error}))
"""


def test_an_endless_body_costs_at_most_the_cap_in_memory(sim):
    sim.faults.set({"faults": [{"kind": "endless", "seconds": 60, "operation": "GetGlobalInsights"}]})
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    started = time.monotonic()
    child = subprocess.run([sys.executable, "-c", _RSS_PROBE, sim.url], capture_output=True, env=env, timeout=120, check=False)
    assert child.returncode == 0, child.stderr.decode()
    probe = json.loads(child.stdout)
    assert "the answer is larger than max_response_bytes (67108864 bytes)" in probe["error"]
    grown_mb = (probe["after"] - probe["before"]) / 1024.0
    assert grown_mb <= 64 * 1.048576 + 50, "peak RSS grew by %.0f MB" % grown_mb
    assert time.monotonic() - started < 22


@pytest.mark.parametrize("modern", [True, False])
def test_shutdown_ends_a_blocked_read(modern):
    import socket
    import threading

    ours, theirs = socket.socketpair()
    got = []
    reader = threading.Thread(target=lambda: got.append(ours.recv(10)))
    reader.start()

    class _Conn:
        sock = ours

    class _Modern:  # urllib3 2.3+
        def shutdown(self):
            ours.shutdown(socket.SHUT_RD)

    class _Older:  # urllib3 before 2.3: no shutdown(), the connection in _connection
        _connection = _Conn()

    time.sleep(0.1)
    http._shutdown(_Modern() if modern else _Older())
    reader.join(5)
    assert got == [b""] and not reader.is_alive()
    ours.close()
    theirs.close()


@pytest.mark.parametrize(
    "headers, name",
    [
        ({}, None),
        ({"X-KMI-Simulator": "routeviews"}, "routeviews"),
        ({"X-KMI-Simulator": "generated:1:75000"}, "generated:1:75000"),
        ({"X-KMI-Simulator": "<script>x</script> \u00e9"}, "?script?x?/script???"),
        ({"X-KMI-Simulator": "a" * 300}, "a" * 100),
        ({"X-KMI-Simulator": "  "}, "unnamed"),
    ],
)
def test_the_simulators_dataset_name_is_read_plain_and_bounded(headers, name):
    assert http.simulator_name(headers) == name


@pytest.fixture()
def fresh_user_agent():
    http.user_agent.cache_clear()
    yield http.user_agent
    http.user_agent.cache_clear()


def test_the_user_agent_carries_the_version_of_galaxy_yml(fresh_user_agent):
    with open(os.path.join(http._COLLECTION_ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    assert fresh_user_agent() == "kentik.kmi/" + version


def test_the_manifest_wins_and_no_version_is_the_bare_name(fresh_user_agent, tmp_path, monkeypatch):
    monkeypatch.setattr(http, "_COLLECTION_ROOT", str(tmp_path))
    assert fresh_user_agent() == "kentik.kmi"  # a module on another host: its module_utils alone
    (tmp_path / "galaxy.yml").write_text("version: 1.2.3\n", encoding="utf-8")
    http.user_agent.cache_clear()
    assert fresh_user_agent() == "kentik.kmi/1.2.3"
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"collection_info": {"version": "2.0.0"}}), encoding="utf-8")
    http.user_agent.cache_clear()
    assert fresh_user_agent() == "kentik.kmi/2.0.0"
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"collection_info": {"version": "2.0\r\nX-Token: 1"}}), encoding="utf-8")
    http.user_agent.cache_clear()
    assert fresh_user_agent() == "kentik.kmi"  # nothing of a version that is no version reaches a header


# ------------------------------------------------------------ TLS settings


@pytest.fixture()
def tls_server(tmp_path):
    """The simulator over HTTPS on loopback, with a self-signed certificate: (url, certificate file)."""
    from simulator.server import Simulator  # pylint: disable=import-outside-toplevel

    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )
    server = Simulator(dataset="small", tls=(cert, key)).start()
    yield server.url, cert
    server.stop()


def test_ca_path_and_validate_certs_win_over_the_ca_bundle_environment(tls_server, make_client, monkeypatch, tmp_path):
    url, cert = tls_server
    bogus = tmp_path / "other-ca.pem"
    bogus.write_text("not a certificate\n")
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(name, str(bogus))
    assert {"market_id": "planet$earth", "name": "Global"} in make_client(api_url=url, ca_path=cert).list_markets()
    assert make_client(api_url=url, validate_certs=False).list_markets()[0]["name"] == "Global"
    with pytest.raises(KmiApiError) as info:
        make_client(api_url=url, retries=0).list_markets()  # the bogus bundle is used: no silent trust
    assert "TLS error" in str(info.value) and "check validate_certs / ca_path" in str(info.value)
    assert "the TLS handshake failed (no certificate or crl found)" in str(info.value) and "Max retries" not in str(info.value)


def test_an_untrusted_certificate_is_named_in_openssl_words(tls_server, make_client, monkeypatch):
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(KmiApiError) as info:
        make_client(api_url=tls_server[0], retries=3).list_markets()
    assert str(info.value) == (
        "KMI ListMarkets failed: TLS error talking to %s: its TLS certificate could not be verified (certificate verify failed: "
        "self-signed certificate) (hint: check validate_certs / ca_path)" % tls_server[0]
    )


def test_validate_certs_false_is_said_once_in_our_words(tls_server, make_client, recwarn):
    url = tls_server[0]
    warnings = []
    client = make_client(api_url=url, validate_certs=False, warn=warnings.append)
    assert client.list_markets() and client.list_markets()
    assert warnings == [TLS_OFF_WARNING]
    assert not [w for w in recwarn if "Unverified HTTPS" in str(w.message)]  # urllib3's own warning is silenced
    said = []
    make_client(api_url=url, validate_certs=False, warn=warnings.append, warn_once=lambda key, text: said.append((key, text)))
    assert said == [("validate_certs", TLS_OFF_WARNING)] and len(warnings) == 1
    make_client(api_url=url, ca_path=tls_server[1], validate_certs=False, warn=warnings.append)  # ca_path verifies
    make_client(validate_certs=False, warn=warnings.append)  # plain http on loopback: no TLS to speak of
    assert len(warnings) == 1
