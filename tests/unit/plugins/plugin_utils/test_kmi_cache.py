# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookups' cache: run cache, persistent cache, single flight, errors; against the live simulator."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError, KmiInputError
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache import LookupCache, PersistentCache, RunCache
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache_entry import FORMAT, envelope, problem

TOKEN = "sim-token"
EMAIL = "sim@example.com"
RANKINGS_PATH = "/market/planet$earth/rankings/customer_base/ip/v4"
RANKINGS_BODY = {"limit": 5}
SECRET = b"the cache secret of a test account"


def _ops(sim):
    return [entry["operation"] for entry in sim.log()]


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def _every_file(*folders):
    """(path, bytes) of every file under ``folders``, hidden ones too."""
    found = []
    for folder in folders:
        for root, dummy, names in os.walk(folder):
            found.extend((os.path.join(root, name), _read(os.path.join(root, name))) for name in names)
    return found


class Counter:
    """A ``send`` for LookupCache.fetch that counts its calls."""

    def __init__(self, value=None, error=None):
        self.calls = 0
        self.value = {"answer": 42} if value is None else value
        self.error = error

    def __call__(self):
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.value


def _rankings_file(client, run_dir):
    return os.path.join(run_dir, client.cache_key("POST", RANKINGS_PATH, None, RANKINGS_BODY) + ".json")


# ------------------------------------------------------------- the run cache


def test_fetch_twice_sends_once(run_dir):
    cache = LookupCache(RunCache(run_dir))
    send = Counter()
    assert cache.fetch("k" * 64, send, SECRET) == {"answer": 42}
    assert cache.fetch("k" * 64, send, SECRET) == {"answer": 42}
    assert send.calls == 1


def test_entry_is_a_sound_envelope(run_dir):
    LookupCache(RunCache(run_dir)).fetch("a" * 64, Counter(), SECRET)
    entry = json.loads(_read(os.path.join(run_dir, "a" * 64 + ".json")))
    assert entry["format"] == FORMAT and entry["key"] == "a" * 64 and entry["kind"] == "answer"
    assert entry["value"] == {"answer": 42}
    assert problem(entry, "a" * 64, SECRET) is None


@pytest.mark.usefixtures("collection_loader")
def test_keys_and_entries_hold_no_secret(run_dir, tmp_path, make_client):
    token, email = "tok-9f3c0aa1-SECRET", "secret.person@corp.example"
    client = make_client(api_token=token, api_email=email)
    key = client.cache_key("POST", RANKINGS_PATH, None, RANKINGS_BODY)
    persistent = PersistentCache("ansible.builtin.jsonfile", connection=str(tmp_path / "persistent"), prefix="kmi_")
    LookupCache(RunCache(run_dir), persistent).fetch(key, Counter(), SECRET)
    assert os.path.isfile(os.path.join(run_dir, key + ".json"))
    files = _every_file(run_dir, str(tmp_path / "persistent"))
    assert len(files) >= 3  # the run-cache entry, its lock file, the jsonfile entry
    for secret in (token, email):
        assert secret not in key
        for path, data in files:
            assert secret not in path and secret.encode() not in data, path


def test_key_names_account_url_and_request(make_client):
    base = make_client()
    key = base.cache_key("POST", RANKINGS_PATH, None, RANKINGS_BODY)
    assert key == make_client().cache_key("POST", RANKINGS_PATH, None, RANKINGS_BODY)
    assert key != make_client(api_token="other-token").cache_key("POST", RANKINGS_PATH, None, RANKINGS_BODY)
    assert key != make_client(api_email="other@example.com").cache_key("POST", RANKINGS_PATH, None, RANKINGS_BODY)
    assert key != make_client(api_url="http://localhost:1").cache_key("POST", RANKINGS_PATH, None, RANKINGS_BODY)
    assert key != base.cache_key("POST", RANKINGS_PATH, None, {"limit": 6})
    assert key != base.cache_key("GET", RANKINGS_PATH, None, RANKINGS_BODY)


def test_two_clients_of_one_run_send_each_request_once(sim, cached_client, run_dir):
    first = cached_client().get_rankings("planet$earth", limit=5)
    second = cached_client().get_rankings("Global", limit=5)
    assert first == second
    assert _ops(sim) == ["ListMarkets", "GetRankings"]
    for path, data in _every_file(run_dir):
        assert TOKEN.encode() not in data and EMAIL.encode() not in data, path


def test_an_answer_from_the_cache_still_says_it_came_from_the_simulator(sim, cached_client):
    first = cached_client()
    assert first.simulator is None
    first.list_markets()
    second = cached_client()
    assert second.get_rankings("Global", limit=3)["rankings"] and _ops(sim) == ["ListMarkets", "GetRankings"]
    assert first.simulator == "small"
    third = cached_client()
    third.get_rankings("Global", limit=3)  # from the run cache: nothing sent
    assert _ops(sim) == ["ListMarkets", "GetRankings"] and third.simulator == "small"


def _fork_child(url, run_dir, barrier, results, index):
    from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient

    client = KmiClient(
        api_email=EMAIL, api_token=TOKEN, api_url=url, requests_per_minute=0, timeout=10, cache=LookupCache(RunCache(run_dir))
    )
    barrier.wait(timeout=20)
    results.put((index, client.get_rankings("planet$earth", limit=5)))


def test_single_flight_across_forks(sim, run_dir):
    sim.faults.set({"latency_ms": 200, "faults": []})
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(5), ctx.Queue()
    children = [ctx.Process(target=_fork_child, args=(sim.url, run_dir, barrier, results, i)) for i in range(5)]
    for child in children:
        child.start()
    answers = dict(results.get(timeout=30) for dummy in children)
    for child in children:
        child.join(timeout=30)
    assert [child.exitcode for child in children] == [0] * 5
    assert sorted(answers) == [0, 1, 2, 3, 4]
    assert all(answer == answers[0] for answer in answers.values())
    assert answers[0]["market"]["market_id"] == "planet$earth" and answers[0]["rankings"]
    assert _ops(sim).count("GetRankings") == 1
    assert _ops(sim).count("ListMarkets") == 1


def test_threads_share_one_request_per_asn(sim, cached_client):
    sim.faults.set({"latency_ms": 100, "faults": []})
    asns = [64499, "AS64499", 64500, "as64499", "64500", 64499]
    details = cached_client().get_asn_details_many("planet$earth", asns, workers=4)
    assert [d["asn"] for d in details] == [64499, 64499, 64500, 64499, 64500, 64499]
    assert details[0] == details[1] == details[3] == details[5]
    assert _ops(sim).count("GetASNDetails") == 2


# ---------------------------------------------------- corrupt or partial entries


def _truncate(path):
    data = _read(path)
    with open(path, "wb") as handle:
        handle.write(data[: len(data) // 2])


def _write(data):
    def _corrupt(path):
        with open(path, "wb") as handle:
            handle.write(data)

    return _corrupt


def _edit(change):
    def _corrupt(path):
        entry = json.loads(_read(path))
        change(entry)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)

    return _corrupt


CORRUPTIONS = {
    "truncated": _truncate,
    "empty": _write(b""),
    "garbage": _write(b"\x00\xffnot json {"),
    "not an object": _write(b"[1, 2]"),
    "null": _write(b"null"),
    "signature changed": _edit(lambda e: e.update(signature="0" * 64)),
    "value changed": _edit(lambda e: e["value"].update(rankings=[])),
    "wrong key": _edit(lambda e: e.update(key="f" * 64)),
    "wrong format": _edit(lambda e: e.update(format="kentik.kmi-cache/0")),
    "unknown kind": _edit(lambda e: e.update(kind="maybe")),
    "no signature": _edit(lambda e: e.pop("signature")),
    "a refusal that is a list": _edit(lambda e: e.update(kind="error", value=[1])),
    "a refusal without its fields": _edit(lambda e: e.update(kind="error", value={})),
}


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS.values()), ids=list(CORRUPTIONS))
def test_unsound_run_entry_is_refetched_and_repaired(sim, cached_client, run_dir, corrupt):
    client = cached_client()
    good = client.get_rankings("planet$earth", limit=5)
    path = _rankings_file(client, run_dir)
    corrupt(path)
    before = len(sim.log())
    assert cached_client().get_rankings("planet$earth", limit=5) == good
    assert _ops(sim)[before:] == ["GetRankings"]
    key = os.path.basename(path)[: -len(".json")]
    repaired = json.loads(_read(path))
    assert problem(repaired, key, client._cache_secret) is None and repaired["kind"] == "answer"
    before = len(sim.log())
    cached_client().get_rankings("planet$earth", limit=5)
    assert len(sim.log()) == before  # the repaired entry answers


def test_write_is_atomic_no_temp_files_left(run_dir):
    cache = LookupCache(RunCache(run_dir))
    for n in range(3):
        cache.fetch("%064d" % n, Counter(), SECRET)
    assert sorted(name for name in os.listdir(run_dir) if name.endswith(".json")) == ["%064d.json" % n for n in range(3)]
    assert not [name for name in os.listdir(run_dir) if name.startswith(".tmp-")]


# ---------------------------------------------------------- persistent cache


def _rankings_key(client):
    return client.cache_key("POST", RANKINGS_PATH, None, RANKINGS_BODY)


def test_persistent_cache_answers_a_new_run(sim, cached_client, jsonfile, tmp_path):
    first = cached_client(persistent=jsonfile()).get_rankings("planet$earth", limit=5)
    assert _ops(sim) == ["ListMarkets", "GetRankings"]
    new_run = str(tmp_path / "run2")
    client = cached_client(persistent=jsonfile(), directory=new_run)
    sim.reset()
    assert client.get_rankings("planet$earth", limit=5) == first
    assert sim.log() == []
    assert os.path.isfile(_rankings_file(client, new_run))  # copied into the new run's cache


def test_persistent_entry_past_its_timeout_is_refetched(sim, cached_client, jsonfile, tmp_path):
    client = cached_client(persistent=jsonfile(timeout=3600))
    client.get_rankings("planet$earth", limit=5)
    key, backend = _rankings_key(client), jsonfile(timeout=3600)
    entry = backend.get(key)
    backend.set(key, envelope(key, "answer", entry["value"], client._cache_secret, stored=time.time() - 7200))  # signed, 2 h old
    sim.reset()
    cached_client(persistent=jsonfile(timeout=3600), directory=str(tmp_path / "run2")).get_rankings("planet$earth", limit=5)
    assert _ops(sim) == ["GetRankings"]  # ListMarkets is still fresh
    assert time.time() - jsonfile().get(key)["stored"] < 60  # stored again


def test_persistent_file_older_than_timeout_is_refetched(sim, cached_client, jsonfile, tmp_path):
    cached_client(persistent=jsonfile(timeout=60)).get_rankings("planet$earth", limit=5)
    for name in os.listdir(jsonfile.folder):
        os.utime(os.path.join(jsonfile.folder, name), (time.time() - 120, time.time() - 120))
    sim.reset()
    cached_client(persistent=jsonfile(timeout=60), directory=str(tmp_path / "run2")).get_rankings("planet$earth", limit=5)
    assert _ops(sim) == ["ListMarkets", "GetRankings"]


def test_runs_that_share_a_jsonfile_folder_send_each_request_once(sim, cached_client, jsonfile, tmp_path):
    # Four runs at once (each its own run cache, as concurrent ansible-playbook runs have) on one jsonfile folder:
    # the first asks the API while the others wait on the request's lock in the folder, then read its answer.
    sim.faults.set({"latency_ms": 200, "faults": []})
    clients = [cached_client(persistent=jsonfile(), directory=str(tmp_path / ("run%d" % n))) for n in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda client: client.get_rankings("planet$earth", limit=5), clients))
    assert all(answer == answers[0] for answer in answers) and answers[0]["rankings"]
    assert sorted(_ops(sim)) == ["GetRankings", "ListMarkets"]
    assert os.path.isdir(os.path.join(jsonfile.folder, ".kentik_kmi"))  # the lock files, out of the plugin's keys


def test_the_ledger_lives_in_the_shared_folder_else_in_the_run_cache(jsonfile, run_dir):
    cache = LookupCache(RunCache(run_dir), jsonfile())
    assert cache.ledger_folder == os.path.join(jsonfile.folder, ".kentik_kmi")
    assert LookupCache(RunCache(run_dir)).ledger_folder == run_dir
    os.rmdir(os.path.join(jsonfile.folder, ".kentik_kmi"))
    with open(os.path.join(jsonfile.folder, ".kentik_kmi"), "w", encoding="utf-8"):
        pass  # a file where the shared folder should be: the forks of the next run still share a ledger
    assert LookupCache(RunCache(run_dir), jsonfile()).ledger_folder == run_dir


def _tamper_signature(jsonfile, key):
    backend = jsonfile()
    entry = backend.get(key)
    entry["signature"] = "0" * 64
    backend.set(key, entry)


PERSISTENT_CORRUPTIONS = {  # (how, warnings): a file the plugin refuses costs one warning
    "garbage": (lambda jsonfile, key: _write(b"{not json")(jsonfile.file(key)), 1),
    "truncated": (lambda jsonfile, key: _truncate(jsonfile.file(key)), 1),
    "signature changed": (_tamper_signature, 0),
}


@pytest.mark.parametrize("corrupt, warned", list(PERSISTENT_CORRUPTIONS.values()), ids=list(PERSISTENT_CORRUPTIONS))
def test_corrupt_persistent_file_is_refetched(sim, cached_client, jsonfile, tmp_path, corrupt, warned):
    client = cached_client(persistent=jsonfile())
    first = client.get_rankings("planet$earth", limit=5)
    key = _rankings_key(client)
    corrupt(jsonfile, key)
    sim.reset()
    warnings = []
    again = cached_client(persistent=jsonfile(warn=warnings.append), directory=str(tmp_path / "run2"))
    assert again.get_rankings("planet$earth", limit=5) == first
    assert _ops(sim) == ["GetRankings"]
    assert len(warnings) == warned and all("could not be read" in w for w in warnings)
    assert problem(jsonfile().get(key), key, client._cache_secret) is None  # written again, whole


@pytest.mark.parametrize("name", ["no_such_cache_plugin", "kentik.kmi.no_such_cache"])
@pytest.mark.usefixtures("collection_loader")
def test_unknown_cache_plugin_is_an_input_error(name):
    with pytest.raises(KmiInputError) as info:
        PersistentCache(name)
    assert info.value.option == "cache_plugin"
    assert str(info.value).startswith("cache_plugin: ") and name in str(info.value)


class _BrokenBackend:
    def __init__(self):
        self.calls = 0

    def get(self, key):
        self.calls += 1
        raise ConnectionError("redis at 127.0.0.1:6390 is down")

    def set(self, key, value):
        self.calls += 1
        raise ConnectionError("redis at 127.0.0.1:6390 is down")


def test_failing_backend_warns_once_and_asks_the_api(sim, cached_client, jsonfile):
    warnings = []
    persistent = jsonfile(warn=warnings.append)
    persistent._plugin, persistent.folder = _BrokenBackend(), None  # a Redis, say: no files to look at
    result = cached_client(persistent=persistent).get_rankings("planet$earth", limit=5)
    assert result["rankings"]
    assert _ops(sim) == ["ListMarkets", "GetRankings"]
    assert persistent._plugin.calls == 4  # get and set, for both requests
    assert len(warnings) == 1
    assert "could not be read" in warnings[0] and "redis at 127.0.0.1:6390 is down" in warnings[0]


def test_errors_are_not_kept_across_runs(sim, cached_client, jsonfile, tmp_path):
    with pytest.raises(KmiApiError):
        cached_client(persistent=jsonfile()).get_asn_details("DE", 64499)
    sim.reset()
    with pytest.raises(KmiApiError):
        cached_client(persistent=jsonfile(), directory=str(tmp_path / "run2")).get_asn_details("DE", 64499)
    assert _ops(sim) == ["GetASNDetails"]


# --------------------------------------------------------------------- errors


def test_404_is_kept_for_the_run(sim, cached_client):
    with pytest.raises(KmiApiError) as first:
        cached_client().get_asn_details("DE", 64499)  # AS64499 is not in the German market
    assert first.value.status == 404
    before = len(sim.log())
    with pytest.raises(KmiApiError) as second:
        cached_client().get_asn_details("Germany", "AS64499")
    assert len(sim.log()) == before == 2
    assert str(second.value) == str(first.value)
    for name in ("operation", "status", "code", "kentik_message", "reason", "hint"):
        assert getattr(second.value, name) == getattr(first.value, name), name


def test_cached_error_holds_no_secret(sim, cached_client, run_dir):
    with pytest.raises(KmiApiError):
        cached_client().get_asn_details("DE", 64499)
    for path, data in _every_file(run_dir):
        assert TOKEN.encode() not in data and EMAIL.encode() not in data, path


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status", "status": 503, "operation": "GetRankings"},
        {"kind": "status", "status": 429, "operation": "GetRankings"},
        {"kind": "reset", "operation": "GetRankings"},
    ],
    ids=["503", "429", "reset"],
)
def test_transient_failure_is_not_kept(sim, cached_client, fault):
    sim.faults.set({"faults": [fault]})
    with pytest.raises(KmiApiError):
        cached_client(retries=0).get_rankings("planet$earth", limit=5)
    assert cached_client(retries=0).get_rankings("planet$earth", limit=5)["rankings"]
    assert _ops(sim) == ["ListMarkets", "GetRankings", "GetRankings"]


def test_a_refused_answer_is_never_cached(sim, cached_client, jsonfile, tmp_path):
    sim.faults.set({"faults": [{"kind": "hostile", "field": "asn", "value": -5, "operation": "GetRankings"}]})
    with pytest.raises(KmiApiError) as caught:
        cached_client(persistent=jsonfile()).get_rankings("planet$earth", limit=5)
    assert "response.rankings[0].asn: -5 is out of range for an AS number" in str(caught.value)
    # neither the run cache nor the persistent cache kept it: the same request is sent again, and answered
    assert cached_client(persistent=jsonfile()).get_rankings("planet$earth", limit=5)["rankings"][0]["asn"] > 0
    assert _ops(sim) == ["ListMarkets", "GetRankings", "GetRankings"]
    assert cached_client(persistent=jsonfile(), directory=str(tmp_path / "run2")).get_rankings("planet$earth", limit=5)
    assert _ops(sim) == ["ListMarkets", "GetRankings", "GetRankings"]  # the good answer is kept, in both


def test_cacheable_error_from_send_is_raised_again(run_dir):
    cache = LookupCache(RunCache(run_dir))
    send = Counter(error=KmiApiError("GetRankings", "Bad Request", status=400, code=3, kentik_message="bad rank type"))
    for dummy in range(2):
        with pytest.raises(KmiApiError) as info:
            cache.fetch("e" * 64, send, SECRET)
        assert info.value.status == 400 and info.value.kentik_message == "bad rank type"
    assert send.calls == 1


def test_unusable_jsonfile_folder_names_cache_connection(tmp_path):
    regular_file = tmp_path / "a_file"
    regular_file.write_text("not a folder\n")
    with pytest.raises(KmiInputError) as info:
        PersistentCache("ansible.builtin.jsonfile", connection=str(regular_file / "cache"))
    message = str(info.value)
    assert info.value.option == "cache_connection"
    assert message.startswith("cache_connection: %r is not a folder the ansible.builtin.jsonfile cache can use (" % str(regular_file / "cache"))
    assert "give a folder that exists or can be created, and that this user can write" in message
    assert "\n" not in message
