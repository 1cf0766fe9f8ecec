# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call memo: the next host's same lookup or module call is read back from the run cache, loading nothing else."""

from __future__ import annotations

import json
import os

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_run_cache import RunCache
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_call_memo import CallMemo

EMAIL, TOKEN = "sim@example.com", "sim-token"
# What a miss loads and a hit must not: the RPC layer, its errors and input checks, the response shaping, requests and jmespath.
MISS_ONLY = (
    "ansible_collections.kentik.kmi.plugins.module_utils._kmi_client",
    "ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors",
    "ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs",
    "ansible_collections.kentik.kmi.plugins.module_utils._kmi_response",
    "ansible_collections.kentik.kmi.plugins.module_utils._kmi_options",
    "ansible_collections.kentik.kmi.plugins.module_utils._kmi_query",
    "ansible_collections.kentik.kmi.plugins.module_utils._kmi_transport",
    "requests",
    "jmespath",
)


@pytest.fixture()
def lookup(sim, collection_loader, ansible_run):
    """lookup(name, terms, **options) in this process, with the simulator's connection."""

    def _run(name, terms, **options):
        loader = DataLoader()
        plugin = lookup_loader.get("kentik.kmi." + name, loader=loader, templar=Templar(loader=loader, variables={}))
        return plugin.run(list(terms), variables={}, **dict({"api_url": sim.url, "api_email": EMAIL, "api_token": TOKEN}, **options))

    return _run


def _memo_files(ansible_run):
    folder = os.path.join(ansible_run, "kentik_kmi_cache")  # the run cache's folder
    return sorted(name for name in os.listdir(folder) if name.startswith("call-"))


def test_the_next_fork_reads_the_answer_back_and_loads_nothing_of_the_client(sim, lookup, fork):
    first = lookup("kmi_rankings", ["US"], limit=20, query="rankings[:3]")
    assert [entry["operation"] for entry in sim.log()] == ["ListMarkets", "GetRankings"]
    sim.reset()
    (answer,), loaded, dummy = fork([("kmi_rankings", ["US"], {"limit": 20, "query": "rankings[:3]"})], watch=MISS_ONLY)
    assert answer == first and len(answer[0]) == 3
    assert loaded == []
    assert sim.log() == []


@pytest.mark.parametrize("name, terms, options", [("kmi_asn_info", [64499], {"market": "US"}), ("kmi_insights", [64499], {"lookback": 7})])
def test_a_lookup_with_as_numbers_for_terms_reads_its_answer_back_alike(sim, lookup, fork, name, terms, options):
    first = lookup(name, terms, **options)
    sim.reset()
    (answer,), loaded, dummy = fork([(name, terms, options)], watch=MISS_ONLY)
    assert answer == first
    assert loaded == []
    assert sim.log() == []


def test_a_fork_that_misses_loads_the_client_and_asks(sim, fork):
    (answer,), loaded, dummy = fork([("kmi_markets", ["DE"], {})], watch=MISS_ONLY)
    assert answer == [{"market_id": "country$de", "name": "Germany"}]
    assert set(loaded) == set(MISS_ONLY)
    assert [entry["operation"] for entry in sim.log()] == ["ListMarkets"]


@pytest.mark.parametrize("change", [{"limit": 21}, {"rank_type": "wholesale"}, {"query": "rankings[0]"}, {"terms": ["DE"]}])
def test_another_option_or_term_is_another_call(sim, lookup, ansible_run, change):
    first = lookup("kmi_rankings", ["US"], limit=20)
    terms = change.pop("terms", ["US"])
    lookup("kmi_rankings", terms, **dict({"limit": 20}, **change))
    assert len(_memo_files(ansible_run)) == 2
    assert lookup("kmi_rankings", ["US"], limit=20) == first


def test_a_failed_call_is_not_kept(sim, lookup, ansible_run):
    for dummy in range(2):
        with pytest.raises(Exception, match="Atlantis"):
            lookup("kmi_rankings", ["Atlantis"])
    assert _memo_files(ansible_run) == []
    assert [entry["operation"] for entry in sim.log()] == ["ListMarkets"]  # the second time from the request's entry


def test_a_changed_entry_is_not_read_back(sim, lookup, ansible_run):
    first = lookup("kmi_markets", ["DE"])
    (name,) = _memo_files(ansible_run)
    path = os.path.join(ansible_run, "kentik_kmi_cache", name)
    with open(path, encoding="utf-8") as handle:
        entry = json.load(handle)
    entry["value"]["answer"] = [{"market_id": "country$de", "name": "FORGED"}]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(entry, handle)
    assert lookup("kmi_markets", ["DE"]) == first


def test_memo_keys_hold_no_secret_and_tokens_do_not_share_entries(tmp_path):
    run = RunCache(str(tmp_path))
    mine = CallMemo(run, "lookup kentik.kmi.kmi_markets", {"options": {"api_token": "tok-mine"}}, "tok-mine")
    mine.keep(["answer"])
    assert "tok-mine" not in mine.key and mine.get() == ["answer"]
    # Another token is another key; and an entry signed with another token's secret is not read.
    assert CallMemo(run, "lookup kentik.kmi.kmi_markets", {"options": {"api_token": "tok-theirs"}}, "tok-theirs").get() is None
    impostor = CallMemo(run, "lookup kentik.kmi.kmi_markets", {"options": {"api_token": "tok-mine"}}, "tok-theirs")
    assert impostor.key == mine.key and impostor.get() is None
    with open(os.path.join(str(tmp_path), mine.key + ".json"), encoding="utf-8") as handle:
        assert "tok-mine" not in handle.read()


def test_without_a_token_nothing_is_kept(tmp_path):
    memo = CallMemo(RunCache(str(tmp_path)), "lookup kentik.kmi.kmi_markets", {}, None)
    memo.keep(["answer"])
    assert memo.get() is None and not [name for name in os.listdir(str(tmp_path)) if name.startswith("call-")]


def test_a_memo_that_cannot_be_written_costs_the_answer_nothing(sim, lookup, ansible_run):
    first = lookup("kmi_markets", ["DE"])
    (name,) = _memo_files(ansible_run)
    path = os.path.join(ansible_run, "kentik_kmi_cache", name)
    os.unlink(path)
    os.mkdir(path)  # what the memo writes cannot replace a folder: its write fails as on a full disk
    assert lookup("kmi_markets", ["DE"]) == first
    assert [entry["operation"] for entry in sim.log()] == ["ListMarkets"]  # the second answer from the request's entry
