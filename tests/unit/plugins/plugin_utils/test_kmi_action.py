# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' action plugin: a real ansible-playbook (this Python's ansible-core) runs every module both ways.

Each case runs once as a module (kmi_run_on_controller: false) and once in the
controller's process, each after the same fault plan; the registered results,
their warnings and failure messages must be equal, and -vvv must name the path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
EMAIL, TOKEN = "sim@example.com", "sim-token"

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
PATHS = {"module": False, "controller": True}

# name: (module, options, fault plan before each run, task keywords)
CASES = {
    "markets": ("kmi_markets_info", {"name": ["germany", "planet$earth"]}, None, {}),
    "rankings": ("kmi_rankings_info", {"market": "DE", "rank_type": "wholesale", "limit": 3, "query": "[].asn"}, None, {}),
    "asn_info": ("kmi_asn_info", {"market": "US", "asn": [64499, "AS64496"], "type": "customer"}, None, {}),
    "insights": ("kmi_insights_info", {"lookback": 30, "magnitude": 4, "limit": 2}, None, {}),
    "check_mode": ("kmi_rankings_info", {"market": "FR", "limit": 2}, None, {"check_mode": True}),
    "bad_choice": ("kmi_rankings_info", {"market": "DE", "rank_type": "nonsense"}, None, {}),
    "unknown_option": ("kmi_markets_info", {"colour": "blue"}, None, {}),
    "missing_required": ("kmi_asn_info", {"market": "DE"}, None, {}),
    "bad_asn": ("kmi_asn_info", {"market": "DE", "asn": "AS-FOO"}, None, {}),
    "bad_query": ("kmi_markets_info", {"query": "[?"}, None, {}),
    "alias_and_option": ("kmi_markets_info", {"token": TOKEN}, None, {}),
    "unauthorized": ("kmi_rankings_info", {"market": "DE", "limit": 4, "api_token": "not-the-token"}, None, {}),
    "rate_limited_once": ("kmi_rankings_info", {"market": "DE", "limit": 5}, [{"kind": "status", "status": 429, "retry_after": "0"}], {}),
    "unavailable": ("kmi_rankings_info", {"market": "DE", "limit": 6, "retries": 1}, [{"kind": "status", "status": 503, "count": 2}], {}),
    "token_in_message": ("kmi_rankings_info", {"market": TOKEN}, None, {}),
    "task_no_log": ("kmi_rankings_info", {"market": "DE", "limit": 7}, None, {"no_log": True}),
}

# Tasks that must take the module path even when allowed on the controller: name: (task keywords, reason shown at -vvv)
MODULE_PATH_ONLY = {
    "with_environment": ({"environment": {"KMI_PARITY": "1"}}, "the task sets environment"),
    "with_async": ({"async": 60, "poll": 1}, "async"),
}


def _tasks(sim_url):
    tasks = []
    for case, (module, options, faults, keywords) in CASES.items():
        for path, on_controller in PATHS.items():
            tasks.append(
                {
                    "name": "fault plan for %s, %s" % (case, path),
                    "ansible.builtin.uri": {"url": sim_url + "/_sim/faults", "method": "POST", "body_format": "json", "body": {"faults": faults or []}},
                }
            )
            task = {"name": "%s, %s" % (case, path), "kentik.kmi." + module: options, "register": "%s__%s" % (case, path), "ignore_errors": True}
            task.update(keywords, vars={"kmi_run_on_controller": on_controller})
            tasks.append(task)
    for name, (keywords, dummy) in MODULE_PATH_ONLY.items():
        task = {"name": name, "kentik.kmi.kmi_markets_info": {"name": ["Japan"]}, "register": name}
        task.update(keywords)
        tasks.append(task)
    names = ["%s__%s" % (case, path) for case in CASES for path in PATHS] + list(MODULE_PATH_ONLY)
    results = "{{ {%s} | to_json }}" % ", ".join("'%s': %s" % (name, name) for name in names)
    tasks.append({"name": "save the results", "ansible.builtin.copy": {"content": results, "dest": "{{ results_file }}", "mode": "0600"}})
    return tasks


@pytest.fixture(scope="module")
def both_paths(_simulator, tmp_path_factory):
    """Run the playbook once; return (results by case and path, -vvv output)."""
    _simulator.reset()
    folder = tmp_path_factory.mktemp("parity")
    play = {
        "name": "every module, both paths",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {
            "group/kentik.kmi.kmi": {"api_url": _simulator.url, "api_email": EMAIL, "api_token": TOKEN, "retry_backoff": 0.01, "max_retry_wait": 1}
        },
        "vars": {"results_file": str(folder / "results.json"), "ansible_inject_invocation": True},
        "tasks": _tasks(_simulator.url),
    }
    (folder / "play.yml").write_text(yaml.safe_dump([play], sort_keys=False), encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("KTAPI_", "ANSIBLE_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION_ROOT))),
        ANSIBLE_LOCAL_TEMP=str(folder / "tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        NO_PROXY="127.0.0.1,localhost",
    )
    run = subprocess.run(
        [ANSIBLE_PLAYBOOK, "-vvv", "-i", "localhost,", "-c", "local", str(folder / "play.yml")],
        cwd=str(folder), env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(folder / "results.json", encoding="utf-8") as handle:
        results = json.load(handle)
    _simulator.reset()
    return results, run.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_both_paths_return_the_same(both_paths, case):
    results, dummy = both_paths
    module_result, controller_result = (results["%s__%s" % (case, path)] for path in PATHS)
    assert controller_result == module_result


def test_the_cases_cover_success_failure_and_masking(both_paths):
    results, dummy = both_paths
    assert results["rankings__controller"]["rankings"] and all(isinstance(asn, int) for asn in results["rankings__controller"]["rankings"])
    assert results["check_mode__controller"]["rankings"] and results["check_mode__controller"]["changed"] is False
    assert "value of rank_type must be one of" in results["bad_choice__controller"]["msg"]
    assert results["unknown_option__controller"]["msg"].startswith("Unsupported parameters for (kentik.kmi.kmi_markets_info) module: colour.")
    assert "missing required arguments: asn" in results["missing_required__controller"]["msg"]
    assert "AS-FOO" in results["bad_asn__controller"]["msg"]
    assert "query" in results["bad_query__controller"]["msg"]
    assert "Both option api_token and its alias token are set." in results["alias_and_option__controller"]["warnings"]
    assert "401" in results["unauthorized__controller"]["msg"]
    assert results["rate_limited_once__controller"]["rankings"] and results["rate_limited_once__controller"].get("failed") is not True
    assert "503" in results["unavailable__controller"]["msg"]
    assert "'********' is not" in results["token_in_message__controller"]["msg"]
    assert TOKEN not in json.dumps(results)


def test_no_log_tasks_are_hidden_on_both_paths(both_paths):
    dummy, output = both_paths
    assert output.count("the output has been hidden due to the fact that 'no_log: true' was specified") == len(PATHS)


def test_verbose_output_names_the_path(both_paths):
    dummy, output = both_paths
    assert "kentik.kmi.kmi_markets_info runs in the controller's process (connection local)" in output
    assert "kentik.kmi.kmi_markets_info runs as a module (kmi_run_on_controller is false)" in output
    assert TOKEN not in output


@pytest.mark.parametrize("name", list(MODULE_PATH_ONLY))
def test_environment_and_async_take_the_module_path(both_paths, name):
    results, output = both_paths
    assert "kentik.kmi.kmi_markets_info runs as a module (%s)" % MODULE_PATH_ONLY[name][1] in output
    assert results[name]["markets"] == [{"market_id": "country$jp", "name": "Japan"}]
