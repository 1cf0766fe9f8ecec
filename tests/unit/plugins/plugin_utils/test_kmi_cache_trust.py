# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The persistent cache trusts no one else: forged entries are never served, its files are private.

Each test fills a jsonfile cache through a client of the live simulator, changes it as another local user
(or a careless one) could, and runs again with a new run cache, as the next ansible-playbook run would.
"""

from __future__ import annotations

import hashlib
import json
import os
import time

import pytest

from ansible_collections.kentik.kmi.plugins.plugin_utils import _kmi_cache
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache import RunCache
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache_entry import envelope, problem

RANKINGS_PATH = "/market/planet$earth/rankings/customer_base/ip/v4"
FORGED_NAME = "FORGED <script>alert(1)</script>"


def _ops(sim):
    return [entry["operation"] for entry in sim.log()]


def _load(path):
    """The entry in a jsonfile file, and a function that writes a changed entry back the same way."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    wrapped = isinstance(data, dict) and "__payload__" in data  # ansible-core 2.19+ keeps the entry as JSON text

    def save(entry):
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"__payload__": json.dumps(entry)} if wrapped else entry, handle)

    return (json.loads(data["__payload__"]) if wrapped else data), save


def _rename_and_redigest(jsonfile, key, secret):
    entry, save = _load(jsonfile.file(key))
    entry["value"]["rankings"][0]["name"] = FORGED_NAME
    entry["digest"] = hashlib.sha256(json.dumps(entry["value"], sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    save(entry)


def _ten_years_ahead(jsonfile, key, secret):
    entry, save = _load(jsonfile.file(key))
    entry["stored"] += 10 * 365 * 86400
    save(entry)
    os.utime(jsonfile.file(key), (time.time() + 3e8, time.time() + 3e8))  # the plugin's own age check keeps it too


def _signed_in_the_future(jsonfile, key, secret):
    # Signed with the account's secret: written by a machine (sharing the cache) whose clock is a day ahead.
    entry, save = _load(jsonfile.file(key))
    save(envelope(key, "answer", entry["value"], secret, stored=time.time() + 86400))


def _file_mode(mode):
    def _change(jsonfile, key, secret):
        os.chmod(jsonfile.file(key), mode)

    return _change


def _file_a_link(jsonfile, key, secret):
    path = jsonfile.file(key)
    os.rename(path, path + ".real")
    os.symlink(path + ".real", path)


FORGED = {  # how, what the -v notice says
    "renamed, digest recomputed": (_rename_and_redigest, "bad signature (not written with this account's API token"),
    "stored ten years ahead": (_ten_years_ahead, "bad signature"),
    "signed a day in the future": (_signed_in_the_future, "s in the future (more than 60 s ahead of this machine's clock)"),
    "a world-writable file": (_file_mode(0o666), "other users can write its file"),
    "a group-writable file": (_file_mode(0o660), "other users can write its file"),
    "a link in place of the file": (_file_a_link, "is not a plain file"),
}


@pytest.mark.parametrize("forge, reason", list(FORGED.values()), ids=list(FORGED))
def test_a_forged_entry_is_refetched_with_a_notice_then_repaired(sim, cached_client, jsonfile, tmp_path, forge, reason):
    first = cached_client(persistent=jsonfile())
    good = first.get_rankings("planet$earth", limit=5)
    key = first.cache_key("POST", RANKINGS_PATH, None, {"limit": 5})
    forge(jsonfile, key, first._cache_secret)
    sim.reset()
    notices = []
    again = cached_client(persistent=jsonfile(), directory=str(tmp_path / "run2"), notice=notices.append)
    assert again.get_rankings("planet$earth", limit=5) == good  # never the forged answer
    assert _ops(sim) == ["GetRankings"]  # the one forged entry is asked again; ListMarkets' entry is sound
    assert len(notices) == 1 and notices[0].startswith("kentik.kmi cache: the ansible.builtin.jsonfile cache entry %s.. is not used, " % key[:12])
    assert reason in notices[0] and notices[0].endswith("; asking the KMI API")
    path = jsonfile.file(key)  # written again: a private file, signed
    assert not os.path.islink(path) and os.stat(path).st_mode & 0o777 == 0o600
    entry, dummy = _load(path)
    assert problem(entry, key, first._cache_secret) is None
    sim.reset()
    assert cached_client(persistent=jsonfile(), directory=str(tmp_path / "run3")).get_rankings("planet$earth", limit=5) == good
    assert _ops(sim) == []


def test_entries_are_private_files_in_a_private_folder(sim, cached_client, jsonfile):
    assert not os.path.exists(jsonfile.folder)
    cached_client(persistent=jsonfile()).get_rankings("planet$earth", limit=5)
    assert os.stat(jsonfile.folder).st_mode & 0o777 == 0o700
    names = [name for name in os.listdir(jsonfile.folder) if name.startswith("kmi_")]
    assert len(names) == 2  # ListMarkets, GetRankings
    assert {os.stat(os.path.join(jsonfile.folder, name)).st_mode & 0o777 for name in names} == {0o600}


def test_an_open_folder_is_used_with_one_warning_a_run(sim, cached_client, jsonfile, run_dir):
    os.makedirs(jsonfile.folder, mode=0o755)
    os.chmod(jsonfile.folder, 0o755)
    warnings = []
    say_once = RunCache(run_dir).warn_once(warnings.append)
    cached_client(persistent=jsonfile(warn_once=say_once)).get_rankings("planet$earth", limit=5)
    sim.reset()
    cached_client(persistent=jsonfile(warn_once=say_once)).get_rankings("Global", limit=5)
    assert _ops(sim) == []  # its entries are used
    assert warnings == [
        "kentik.kmi: the jsonfile cache folder %s is open to other users (mode 0755): they can see which requests were "
        "cached, though not the answers (private files). Make it private: chmod 700 %s" % (jsonfile.folder, jsonfile.folder)
    ]


def _folder_open_to_writes(jsonfile, monkeypatch):
    os.chmod(jsonfile.folder, 0o777)
    return "other users can write its folder %s (mode 0777)" % jsonfile.folder


def _folder_of_another_user(jsonfile, monkeypatch):
    owner = os.stat(jsonfile.folder).st_uid
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)
    return "its folder %s belongs to another user (uid %d)" % (jsonfile.folder, owner)


@pytest.mark.parametrize("spoil", [_folder_open_to_writes, _folder_of_another_user], ids=["writable by others", "another user's"])
def test_no_entry_of_a_folder_others_control_is_used(sim, cached_client, jsonfile, tmp_path, monkeypatch, spoil):
    good = cached_client(persistent=jsonfile()).get_rankings("planet$earth", limit=5)
    reason = spoil(jsonfile, monkeypatch)
    sim.reset()
    warnings, notices = [], []
    client = cached_client(persistent=jsonfile(warn=warnings.append), directory=str(tmp_path / "run2"), notice=notices.append)
    assert client.get_rankings("planet$earth", limit=5) == good
    assert _ops(sim) == ["ListMarkets", "GetRankings"]
    assert [notice.split(" is not used, ")[1] for notice in notices] == [reason + "; asking the KMI API"] * 2
    assert warnings == [
        "kentik.kmi: the jsonfile cache's entries are not used, each answer is asked of the KMI API again: %s. "
        "Give cache_connection a folder of this user's own, or make this one private: chmod 700 %s" % (reason, jsonfile.folder)
    ]


def test_a_folder_that_vanishes_costs_its_entries_not_a_traceback(sim, cached_client, jsonfile, tmp_path, monkeypatch):
    good = cached_client(persistent=jsonfile()).get_rankings("planet$earth", limit=5)

    def _gone(path, what):
        raise FileNotFoundError(2, "No such file or directory", path)

    warnings = []
    monkeypatch.setattr(_kmi_cache, "file_problem", _gone)  # the plugin found its folder, gone right after
    persistent = jsonfile(warn=warnings.append)
    monkeypatch.undo()
    sim.reset()
    assert cached_client(persistent=persistent, directory=str(tmp_path / "run2")).get_rankings("planet$earth", limit=5) == good
    assert _ops(sim) == ["ListMarkets", "GetRankings"]
    assert len(warnings) == 1 and "its folder %s cannot be read (No such file or directory)" % jsonfile.folder in warnings[0]
