# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookups' option definitions: parsed from the documentation by the first fork of a run, reused by the others."""

from __future__ import annotations

import json
import os

# Options from keywords and from variables, defaults, and options Ansible refuses (a bad choice, a bad type, one missing).
CASES = [
    ("kmi_rankings", ["US"], {"limit": 5, "query": "rankings[].asn"}),
    ("kmi_markets", ["DE"], {"api_url": None, "api_token": None}, {"kmi_api_url": "URL", "kmi_api_token": "sim-token"}),
    ("kmi_rankings", ["DE"], {"rank_type": "bogus"}),
    ("kmi_rankings", ["DE"], {"limit": "many"}),
    ("kmi_asn_info", [64499], {}),
    ("kmi_insights", [], {"lookback": 7, "limit": 2}),
]


def _cases(sim):
    return [case[:3] + ({name: sim.url if value == "URL" else value for name, value in case[3].items()},) if len(case) > 3 else case
            for case in CASES]


def test_later_forks_reuse_the_first_ones_definitions_and_answer_alike(sim, fork, ansible_run):
    first, dummy, parsed_first = fork(_cases(sim))
    later, dummy, parsed_later = fork(_cases(sim))
    assert parsed_first == 4  # each lookup's documentation, once
    assert parsed_later == 0
    assert later == first
    errors = [answer["error"] for answer in first if isinstance(answer, dict) and "error" in answer]
    assert len(errors) == 3 and "customer_base_wholesome" in errors[0] and "'limit'" in errors[1]
    assert errors[2] == "missing required arguments: market"
    assert first[0][0] and first[1] == [{"market_id": "country$de", "name": "Germany"}]


def test_the_definitions_are_kept_once_a_lookup_in_the_run_folder(sim, fork, ansible_run):
    fork(_cases(sim)[:2])
    folder = os.path.join(ansible_run, "kentik_kmi_cache", "lookup_options")
    kept = {}
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            entry = json.load(handle)
        kept[entry["plugin"]] = entry["options"]
    # Under the name Ansible's config manager knows the lookup by (ansible-core 2.19+: its Python module's).
    assert sorted(name.rpartition(".")[2] for name in kept) == ["kmi_markets", "kmi_rankings"]
    rankings, markets = (next(options for name, options in kept.items() if name.endswith(short)) for short in ("kmi_rankings", "kmi_markets"))
    assert rankings["rank_type"]["choices"][0] == "customer_base"
    assert {"name": "kmi_api_url"} in markets["api_url"]["vars"]


def test_a_damaged_definitions_file_leaves_the_parse_to_ansible(sim, fork, ansible_run):
    fork(_cases(sim)[:1])
    folder = os.path.join(ansible_run, "kentik_kmi_cache", "lookup_options")
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
            handle.write('{"plugin": "kentik.kmi.kmi_rank')
    answers, dummy, parsed = fork(_cases(sim)[:1])
    assert parsed == 1 and answers[0][0]


def test_definitions_that_cannot_be_kept_leave_each_fork_to_parse(sim, fork, ansible_run):
    os.makedirs(os.path.join(ansible_run, "kentik_kmi_cache"))
    with open(os.path.join(ansible_run, "kentik_kmi_cache", "lookup_options"), "w", encoding="utf-8") as handle:
        handle.write("a file where the folder goes")
    first, dummy, parsed_first = fork(_cases(sim))
    later, dummy, parsed_later = fork(_cases(sim))
    assert parsed_first == parsed_later == 4
    assert later == first and first[0][0]
