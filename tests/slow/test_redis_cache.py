# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookups' persistent cache on Redis, as the jobs of an AWX cluster share it (``make test-redis``).

Each test runs real ``ansible-playbook`` "jobs", each with its own empty local
temp dir (as a container-group pod has), against the KMI simulator and a real
``redis-server`` on loopback, through community.general's redis cache plugin.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

redis = pytest.importorskip("redis")

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if COLLECTION_ROOT not in sys.path:
    sys.path.insert(0, COLLECTION_ROOT)

from simulator.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position

EMAIL = "redis-test@example.com"
TOKEN = "kmi-redis-test-token-5f0c2a9e7d41"
PREFIX = "kentik_kmi_"
SPREE = "SPREE-TRANSIT Spree Transit GmbH"  # AS64501 in the small dataset

PLAYBOOK = """
- name: A job that reads KMI through the lookups
  hosts: sites
  gather_facts: false
  tasks:
    - name: Template the same lookups on every host
      ansible.builtin.set_fact:
        top: "{{ lookup('kentik.kmi.kmi_rankings', 'Germany', limit=5, query='rankings[].asn') }}"
        spree: "{{ lookup('kentik.kmi.kmi_asn_info', 64501, market='DE', query='name') }}"
    - name: Show what host 1 got
      ansible.builtin.debug:
        msg: "RESULT {{ {'top': top, 'spree': spree} | to_json }}"
      run_once: true
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sim():
    server = Simulator(dataset="small", users={EMAIL: (TOKEN, True)}).start()
    yield server
    server.stop()


@pytest.fixture()
def redis_server(tmp_path):
    """A real redis-server on loopback; yields (client, 'host:port:db')."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.fail("redis-server is not installed; `make test-redis` installs it")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, db=0)
    for dummy in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    client.proc = proc
    yield client, "127.0.0.1:%d:0" % port
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture()
def job(sim, tmp_path):
    """Run one job: a playbook over 5 hosts with its own empty local temp dir; returns (output, requests)."""
    (tmp_path / "site.yml").write_text(PLAYBOOK)
    hosts = "\n".join("site%d ansible_connection=local" % n for n in range(5))
    (tmp_path / "hosts.ini").write_text("[sites]\n%s\n" % hosts)
    runs = []

    def _run(cache_connection, *flags, **extra):
        sim.reset()
        local_tmp = tmp_path / ("job%d" % len(runs))
        local_tmp.mkdir()
        extra_vars = {
            "kmi_api_url": sim.url,
            "kmi_api_email": EMAIL,
            "kmi_api_token": TOKEN,
            "kmi_cache": True,
            "kmi_cache_plugin": "community.general.redis",
            "kmi_cache_connection": cache_connection,
        }
        extra_vars.update(extra)
        env = dict(os.environ, ANSIBLE_LOCAL_TEMP=str(local_tmp), ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
        proc = subprocess.run(
            ["ansible-playbook", "-i", str(tmp_path / "hosts.ini"), "-f", "5", "-e", json.dumps(extra_vars), str(tmp_path / "site.yml")]
            + list(flags),
            env=env,
            cwd=str(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, output
        assert TOKEN not in output
        runs.append(output)
        return output, [entry["operation"] for entry in sim.log()]

    return _run


def _result(output):
    line = next(line for line in output.splitlines() if "RESULT " in line)
    return json.loads(json.loads(line.split("msg\": ", 1)[1])[len("RESULT "):])


def _entries(client):
    return {key: client.get(key) for key in client.scan_iter(PREFIX + "*")}


def test_second_job_is_answered_from_redis(redis_server, job):
    client, uri = redis_server
    first, requests_first = job(uri)
    assert sorted(requests_first) == ["GetASNDetails", "GetRankings", "ListMarkets"]
    assert len(_entries(client)) == 3

    second, requests_second = job(uri)
    assert requests_second == []
    assert _result(second) == _result(first)
    assert _result(first)["spree"] == SPREE


def test_redis_holds_no_secret_and_keys_expire(redis_server, job):
    client, uri = redis_server
    job(uri, kmi_cache_timeout=600)
    entries = _entries(client)
    assert entries
    for key, value in entries.items():
        for secret in (TOKEN, EMAIL):
            assert secret.encode() not in key
            assert secret.encode() not in value
        assert 0 < client.ttl(key) <= 600


def test_corrupt_redis_entries_are_refetched(redis_server, job):
    client, uri = redis_server
    first, dummy = job(uri)
    keys = sorted(_entries(client))
    client.set(keys[0], b'{"format": "kentik.kmi-cache/2", "key": "trunc')  # a torn write
    # Still valid JSON (however the plugin wraps it), but its signature no longer matches.
    client.set(keys[1], re.sub(rb"[0-9a-f]{64}", lambda m: m.group(0) if m.group(0) in keys[1] else b"0" * 64, client.get(keys[1])))

    second, requests = job(uri)
    assert len(requests) == 2, (requests, second)
    assert _result(second) == _result(first)
    for key in keys:
        assert b"kentik.kmi-cache/2" in client.get(key) and b"0" * 64 not in client.get(key)


def _forge(raw, change):
    """A Redis value with its entry changed by ``change(entry)`` (ansible-core 2.19+ keeps the entry as JSON text)."""
    data = json.loads(raw)
    wrapped = isinstance(data, dict) and "__payload__" in data
    entry = json.loads(data["__payload__"]) if wrapped else data
    change(entry)
    return json.dumps({"__payload__": json.dumps(entry)} if wrapped else entry)


def _rename(entry):
    """Every name in the answer becomes FORGED ..., and the plain SHA-256 of the answer is recomputed."""
    text = re.sub(r'"name": "', '"name": "FORGED ', json.dumps(entry["value"]))
    entry["value"] = json.loads(text)
    entry["digest"] = hashlib.sha256(json.dumps(entry["value"], sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _ten_years_ahead(entry):
    entry["stored"] += 10 * 365 * 86400


@pytest.mark.parametrize("change", [_rename, _ten_years_ahead], ids=["renamed, digest recomputed", "stored ten years ahead"])
def test_forged_redis_entries_are_never_served(redis_server, job, change):
    client, uri = redis_server
    first, dummy = job(uri)
    for key, raw in _entries(client).items():
        client.set(key, _forge(raw, change), keepttl=True)

    second, requests = job(uri, "-v")
    assert sorted(requests) == ["GetASNDetails", "GetRankings", "ListMarkets"]  # every entry refused, asked again
    assert _result(second) == _result(first) and "FORGED" not in json.dumps(_result(second))
    notices = [line for line in second.splitlines() if "community.general.redis cache entry" in line]
    assert len(notices) == 3 and all("is not used, bad signature" in line for line in notices), notices
    third, requests = job(uri)
    assert requests == [] and _result(third) == _result(first)  # written again, signed


def test_redis_down_costs_a_warning_not_the_job(redis_server, job):
    client, uri = redis_server
    client.proc.terminate()
    client.proc.wait(timeout=10)

    output, requests = job(uri)
    assert "community.general.redis cache could not be" in " ".join(output.split())
    assert sorted(requests) == ["GetASNDetails", "GetRankings", "ListMarkets"]
