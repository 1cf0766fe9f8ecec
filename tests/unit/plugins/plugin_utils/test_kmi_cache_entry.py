# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cache entries: the signed envelope, and the checks an entry and its file pass before it is used."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time

import pytest

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache_entry import (
    CLOCK_SKEW,
    ERROR_FIELDS,
    FORMAT,
    envelope,
    file_problem,
    problem,
)

SECRET = b"the cache secret of a test account"
KEY = "a" * 64
ANSWER = {"markets": [{"marketId": "DE", "name": "Germany"}]}


def _entry(**changes):
    entry = envelope(KEY, "answer", copy.deepcopy(ANSWER), SECRET)
    entry.update(changes)
    return entry


def test_a_fresh_entry_is_used():
    entry = _entry()
    assert entry["format"] == FORMAT and entry["kind"] == "answer" and abs(entry["stored"] - time.time()) < 5
    assert problem(entry, KEY, SECRET) is None
    assert problem(json.loads(json.dumps(entry)), KEY, SECRET) is None  # as a JSON file or Redis gives it back


def test_the_signature_is_an_hmac_not_a_digest_anyone_can_recompute():
    entry = _entry()
    assert len(entry["signature"]) == 64
    message = json.dumps([FORMAT, KEY, "answer", entry["stored"], ANSWER], sort_keys=True, separators=(",", ":")).encode()
    assert entry["signature"] != hashlib.sha256(message).hexdigest()
    assert entry["signature"] != hashlib.sha256(json.dumps(ANSWER, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _renamed(entry):
    entry["value"]["markets"][0]["name"] = "Germany <b>pwned</b>"
    # What defeated the old check: the plain SHA-256 of the changed answer, recomputed.
    entry["digest"] = hashlib.sha256(json.dumps(entry["value"], sort_keys=True).encode()).hexdigest()


FORGERIES = {
    "a market renamed, digest recomputed": _renamed,
    "stored moved ten years ahead": lambda e: e.update(stored=e["stored"] + 10 * 365 * 86400),
    "stored moved back": lambda e: e.update(stored=e["stored"] - 3600),
    "signed with another token": lambda e: e.update(envelope(KEY, "answer", ANSWER, b"another account's secret")),
    "a refusal made an answer": lambda e: e.update(kind="error", value={name: None for name in ERROR_FIELDS}),
    "signature dropped": lambda e: e.update(signature=""),
}


@pytest.mark.parametrize("forge", list(FORGERIES.values()), ids=list(FORGERIES))
def test_a_forged_entry_has_a_bad_signature(forge):
    entry = _entry()
    forge(entry)
    assert problem(entry, KEY, SECRET) == (True, "bad signature (not written with this account's API token, or changed since)")


def test_a_new_token_makes_every_entry_miss():
    assert problem(_entry(), KEY, b"the secret of the rotated token")[0] is True


def test_an_entry_from_the_future_is_refused_beyond_the_clock_skew():
    ahead = envelope(KEY, "answer", ANSWER, SECRET, stored=time.time() + 10 * 365 * 86400)  # signed, by this account
    suspect, reason = problem(ahead, KEY, SECRET)
    assert suspect and reason.startswith("stored 315360000 s in the future (more than 60 s ahead")
    assert problem(envelope(KEY, "answer", ANSWER, SECRET, stored=time.time() + CLOCK_SKEW - 5), KEY, SECRET) is None


def test_an_old_entry_is_expired_when_there_is_a_max_age():
    old = envelope(KEY, "answer", ANSWER, SECRET, stored=time.time() - 7200)
    assert problem(old, KEY, SECRET, max_age=3600) == (False, "expired")
    assert problem(old, KEY, SECRET, max_age=0) is None  # cache_timeout 0: kept until the cache is flushed
    assert problem(old, KEY, SECRET) is None  # the run cache: no age limit


MALFORMED = {
    "another key": {"key": "b" * 64},
    "unknown kind": {"kind": "maybe"},
    "a list for an answer": {"value": [1, 2]},
    "a refusal without its fields": {"kind": "error", "value": {"operation": "GetRankings"}},
    "a refusal that is a list": {"kind": "error", "value": ["GetRankings"]},
    "stored a string": {"stored": "yesterday"},
    "stored true": {"stored": True},
    "stored not a number": {"stored": float("nan")},
    "stored infinite": {"stored": float("inf")},
    "no signature": {"signature": None},
}


@pytest.mark.parametrize("changes", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_entry_is_refused_without_an_exception(changes):
    assert problem(_entry(**changes), KEY, SECRET) == (True, "malformed (not a whole entry for this request)")


@pytest.mark.parametrize("entry", [None, [], "entry", 42, {}, {"format": "kentik.kmi-cache/1"}], ids=repr)
def test_what_is_not_an_entry_of_this_format_is_merely_of_no_use(entry):
    assert problem(entry, KEY, SECRET) == (False, "not a %s entry" % FORMAT)


def test_a_kept_refusal_passes_with_all_its_fields():
    refusal = envelope(KEY, "error", {name: None for name in ERROR_FIELDS}, SECRET)
    assert problem(refusal, KEY, SECRET) is None


# ------------------------------------------------------------------ files and folders


@pytest.fixture()
def own_file(tmp_path):
    path = tmp_path / "entry"
    path.write_text("{}")
    path.chmod(0o600)
    return str(path)


def test_a_private_file_and_folder_are_trusted(own_file, tmp_path):
    assert file_problem(own_file, "file") is None
    os.chmod(own_file, 0o644)  # readable by others, as entries of older versions were: not forgeable by them
    assert file_problem(own_file, "file") is None
    tmp_path.chmod(0o755)
    assert file_problem(str(tmp_path), "folder") is None


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602, 0o777])
def test_a_file_others_can_write_is_refused(own_file, mode):
    os.chmod(own_file, mode)
    assert file_problem(own_file, "file") == "other users can write its file %s (mode %04o)" % (own_file, mode)


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777])
def test_a_folder_others_can_write_is_refused(tmp_path, mode):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(mode)
    assert file_problem(str(folder), "folder") == "other users can write its folder %s (mode %04o)" % (folder, mode)


def test_what_another_user_owns_is_refused(own_file, tmp_path, monkeypatch):
    owner = os.stat(own_file).st_uid
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)
    assert file_problem(own_file, "file") == "its file %s belongs to another user (uid %d)" % (own_file, owner)
    assert file_problem(str(tmp_path), "folder") == "its folder %s belongs to another user (uid %d)" % (tmp_path, owner)


def test_a_link_in_place_of_a_file_is_refused_but_a_linked_folder_is_followed(own_file, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(own_file)
    assert file_problem(str(link), "file") == "its file %s is not a plain file" % link
    folder = tmp_path / "folder"
    folder.mkdir(mode=0o700)
    (tmp_path / "folder-link").symlink_to(folder)
    assert file_problem(str(tmp_path / "folder-link"), "folder") is None
    assert file_problem(str(folder), "file") == "its file %s is not a plain file" % folder


def test_a_missing_file_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        file_problem(str(tmp_path / "none"), "file")
