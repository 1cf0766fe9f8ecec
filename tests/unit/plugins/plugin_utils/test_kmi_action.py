# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' action plugin: a real ansible-playbook (this Python's ansible-core) runs every module both ways.

Each case runs once as a module (kmi_run_on_controller: false) and once in the
controller's process (where the run cache answers the ListMarkets that earlier
cases asked), each after the same fault plan; the registered results,
their warnings and failure messages must be equal, and -vvv must name the path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
EMAIL, TOKEN = "sim@example.com", "sim-token"

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
PATHS = {"module": False, "controller": True}

RATE_LIMITED = [{"kind": "status", "status": 429, "retry_after": "0", "operation": "GetRankings"}]
UNAVAILABLE = [{"kind": "status", "status": 503, "count": 2, "operation": "GetRankings"}]
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
    "rate_limited_once": ("kmi_rankings_info", {"market": "DE", "limit": 5}, RATE_LIMITED, {}),
    "unavailable": ("kmi_rankings_info", {"market": "DE", "limit": 6, "retries": 1}, UNAVAILABLE, {}),
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
                    # the simulator's control client (simulator/control.py)
                    "ansible.builtin.command": {
                        "argv": [sys.executable, "-m", "simulator.control", sim_url, "faults", json.dumps({"faults": faults or []})],
                        "chdir": COLLECTION_ROOT,
                    },
                    "changed_when": False,
                }
            )
            task = {"name": "%s, %s" % (case, path), "kentik.kmi." + module: options, "register": "%s__%s" % (case, path), "ignore_errors": True}
            task.update(keywords, vars={"kmi_run_on_controller": on_controller})
            tasks.append(task)
    for name, (keywords, dummy) in MODULE_PATH_ONLY.items():
        task = {"name": name, "kentik.kmi.kmi_markets_info": {"name": ["Japan"]}, "register": name}
        task.update(keywords)
        tasks.append(task)
    return tasks


def _playbook(folder, play, inventory, env=None):
    """Run ``play`` at -vvv with this Python's ansible-playbook; return (the variables it registered by host, output).

    ``inventory`` is the text of an ini inventory; ``env`` adds to a clean environment (no KTAPI_*, no ANSIBLE_*).
    """
    names = [task["register"] for task in play["tasks"] if "register" in task]
    results = "{{ {%s} | to_json }}" % ", ".join("'%s': %s" % (name, name) for name in names)
    dest = str(folder / "results-{{ inventory_hostname }}.json")
    play["tasks"].append({"name": "save the results", "ansible.builtin.copy": {"content": results, "dest": dest, "mode": "0600"}})
    (folder / "play.yml").write_text(yaml.safe_dump([play], sort_keys=False), encoding="utf-8")
    (folder / "inventory.ini").write_text(inventory, encoding="utf-8")
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("KTAPI_", "ANSIBLE_"))}
    clean.update(
        ANSIBLE_COLLECTIONS_PATH=os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION_ROOT))),
        ANSIBLE_LOCAL_TEMP=str(folder / "tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        NO_PROXY="127.0.0.1,localhost",
    )
    clean.update(env or {})
    run = subprocess.run(
        [ANSIBLE_PLAYBOOK, "-vvv", "-i", str(folder / "inventory.ini"), str(folder / "play.yml")],
        cwd=str(folder), env=clean, capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = {}
    for path in folder.glob("results-*.json"):
        with open(path, encoding="utf-8") as handle:
            results[path.stem[len("results-"):]] = json.load(handle)
    return results, run.stdout


try:
    from ansible.module_utils import secrets as _core_secrets  # pylint: disable=unused-import  # noqa: F401
except ImportError:
    CORE_MASKS_ON_OUTPUT = False
else:
    CORE_MASKS_ON_OUTPUT = True  # ansible-core >= 2.22


def _comparable(result):
    """A registered result without what only the module path can have on ansible-core 2.22+: the mark that core parsed
    the module's output (ansible_parsed), and no_log values in invocation.module_args, which a module no longer masks
    there (core masks them in what it writes out; the controller path still masks them in the result): only the
    invocation's option names are kept."""
    result = dict(result)
    result.pop("ansible_parsed", None)
    if CORE_MASKS_ON_OUTPUT and "invocation" in result:
        result["invocation"] = sorted(result["invocation"]["module_args"])
    return result


def _run_both_paths(simulator, folder):
    """Run the parity playbook once; return (results by case and path, -vvv output)."""
    play = {
        "name": "every module, both paths",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {
            "group/kentik.kmi.kmi": {"api_url": simulator.url, "api_email": EMAIL, "api_token": TOKEN, "retry_backoff": 0.01, "max_retry_wait": 1}
        },
        "vars": {"ansible_inject_invocation": True},
        "tasks": _tasks(simulator.url),
    }
    results, output = _playbook(folder, play, "localhost ansible_connection=local\n")
    return results["localhost"], output


# One test for the one playbook run (tens of seconds): `ansible-test units` runs each test in a fork of its own,
# where a module-scoped fixture would run the playbook again for every test.
def test_every_module_returns_the_same_on_both_paths(sim, tmp_path):
    results, output = _run_both_paths(sim, tmp_path)

    differ = {}
    for case in CASES:
        module_result, controller_result = (_comparable(results["%s__%s" % (case, path)]) for path in PATHS)
        if controller_result != module_result:
            differ[case] = {"module": module_result, "controller": controller_result}
    assert not differ

    # The cases cover success, failure and masking.
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
    # The controller path masks the token in its results on every core; the module path, on 2.22+, not in invocation.
    assert TOKEN not in json.dumps({name: result for name, result in results.items() if name.endswith("__controller")})
    assert TOKEN not in json.dumps({name: _comparable(result) for name, result in results.items()})

    # no_log tasks are hidden on both paths.
    assert output.count("the output has been hidden due to the fact that 'no_log: true' was specified") == len(PATHS)

    # -vvv names the path, and tasks that set environment or run async take the module path.
    assert "kentik.kmi.kmi_markets_info runs in the controller's process (connection local)" in output
    assert "kentik.kmi.kmi_markets_info runs as a module (kmi_run_on_controller is false)" in output
    for name, (dummy, reason) in MODULE_PATH_ONLY.items():
        assert "kentik.kmi.kmi_markets_info runs as a module (%s)" % reason in output
        assert results[name]["markets"] == [{"market_id": "country$jp", "name": "Japan"}]
    assert TOKEN not in output


# Option sources on a local connection: a kmi_* variable, KTAPI_* in the environment and [kentik_kmi] in ansible.cfg
# reach the modules on both paths, with task option > module_defaults > variable > environment > ini. The requests
# that the second simulator (conftest's elsewhere) logs show which source an option came from.


def _markets_tasks(prefix, **keywords):
    """kmi_markets_info asked for Germany on both paths; each task registers <prefix>__<path>."""
    tasks = []
    for path, on_controller in PATHS.items():
        task = {"name": "%s, %s" % (prefix, path), "kentik.kmi.kmi_markets_info": {"name": "Germany"}, "register": "%s__%s" % (prefix, path)}
        task.update(keywords, vars=dict(keywords.get("vars", {}), kmi_run_on_controller=on_controller), ignore_errors=True)
        tasks.append(task)
    return tasks


def _source_play(hosts, tasks, **defaults):
    defaults.update(api_email=EMAIL, api_token=TOKEN, retries=0)
    return {"name": "option sources", "hosts": hosts, "gather_facts": False, "module_defaults": {"group/kentik.kmi.kmi": defaults}, "tasks": tasks}


def _germany(result):
    return result.get("markets") == [{"market_id": "country$de", "name": "Germany"}]


def _list_markets(simulator):
    return [entry["operation"] for entry in simulator.log()].count("ListMarkets")


def test_variables_and_ini_reach_the_modules(sim, elsewhere, tmp_path):
    (tmp_path / "ansible.cfg").write_text("[kentik_kmi]\napi_url = %s\n" % sim.url, encoding="utf-8")
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "routers.yml").write_text("kmi_api_url: %s\n" % elsewhere.url, encoding="utf-8")
    inventory = "[plain]\nplain ansible_connection=local\n[routers]\nrouter ansible_connection=local\n"
    results, output = _playbook(tmp_path, _source_play("all", _markets_tasks("germany")), inventory, env={"ANSIBLE_CONFIG": str(tmp_path / "ansible.cfg")})
    assert all(_germany(results[host]["germany__%s" % path]) for host in ("plain", "router") for path in PATHS), results
    assert _list_markets(sim) == len(PATHS)  # the plain host's, through ansible.cfg
    assert _list_markets(elsewhere) == len(PATHS)  # the router's, through group_vars
    assert "kentik.kmi: api_url from variable kmi_api_url" in output
    assert "kentik.kmi: api_url from %s" % (tmp_path / "ansible.cfg") in output


def test_module_defaults_beat_variables(sim, elsewhere, tmp_path):
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "routers.yml").write_text("kmi_api_url: %s\n" % elsewhere.url, encoding="utf-8")
    results, dummy = _playbook(tmp_path, _source_play("routers", _markets_tasks("defaults"), api_url=sim.url), "[routers]\nrouter ansible_connection=local\n")
    assert all(_germany(results["router"]["defaults__%s" % path]) for path in PATHS)
    assert (_list_markets(sim), _list_markets(elsewhere)) == (len(PATHS), 0)


def test_environment_reaches_the_modules(sim, elsewhere, tmp_path):
    (tmp_path / "ansible.cfg").write_text("[kentik_kmi]\napi_url = %s\n" % sim.url, encoding="utf-8")
    tasks = (
        _markets_tasks("bad_region")  # KTAPI_REGION=mars
        + _markets_tasks("variable_over_env", vars={"kmi_region": "us"})  # and KTAPI_URL over the ini's api_url
        + _markets_tasks("task_environment", vars={"kmi_region": "us"}, environment={"KTAPI_URL": sim.url})
    )
    env = {"ANSIBLE_CONFIG": str(tmp_path / "ansible.cfg"), "KTAPI_REGION": "mars", "KTAPI_URL": elsewhere.url}
    results, output = _playbook(tmp_path, _source_play("all", tasks), "localhost ansible_connection=local\n", env=env)
    results = results["localhost"]
    for path in PATHS:
        assert results["bad_region__%s" % path]["msg"] == "value of region must be one of: us, eu, got: mars"
        assert _germany(results["variable_over_env__%s" % path]) and _germany(results["task_environment__%s" % path])
    assert _list_markets(elsewhere) == len(PATHS)  # variable_over_env, both paths
    assert _list_markets(sim) == len(PATHS)  # task_environment: the module path both times, as the task sets environment
    assert "kentik.kmi: region from environment variable KTAPI_REGION" in output


# The persistent cache: modules on the controller read the lookups' cache options (here from KENTIK_KMI_CACHE*), and a
# warm rerun sends nothing, for modules and lookups alike. A module that runs as a module cannot use it, and says so.


def _cached_play(sim_url):
    ranking_lookup = "{{ lookup('kentik.kmi.kmi_rankings', 'FR', rank_type='customer_base_retail', limit=4, query='rankings[].asn') }}"
    tasks = [
        {"name": "ranking, module", "kentik.kmi.kmi_rankings_info": {"market": "DE", "limit": 5}, "register": "ranking"},
        {"name": "upstreams, module", "kentik.kmi.kmi_asn_info": {"market": "US", "asn": [64496, 64499], "type": "provider"}, "register": "upstreams"},
        {"name": "ranking, lookup", "ansible.builtin.set_fact": {"fr": ranking_lookup}},
        {"name": "lookup result", "ansible.builtin.set_fact": {"fr_asns": {"asns": "{{ fr }}"}}, "register": "fr_asns"},
        {
            "name": "as a module, with cache: true",
            "kentik.kmi.kmi_markets_info": {"name": "Japan", "cache": True},
            "vars": {"kmi_run_on_controller": False},
            "register": "as_module",
        },
    ]
    return {"name": "warm rerun", "hosts": "localhost", "gather_facts": False, "vars": {"kmi_api_url": sim_url}, "tasks": tasks}


def test_a_warm_rerun_sends_nothing_but_the_module_paths_requests(sim, tmp_path):
    env = {"KTAPI_AUTH_EMAIL": EMAIL, "KTAPI_AUTH_TOKEN": TOKEN, "KENTIK_KMI_CACHE": "true", "KENTIK_KMI_CACHE_CONNECTION": "kmi-cache"}
    runs = []
    for dummy in range(2):
        sim.reset()
        results, output = _playbook(tmp_path, _cached_play(sim.url), "localhost ansible_connection=local\n", env=env)
        runs.append((results["localhost"], sorted(entry["operation"] for entry in sim.log())))
    (cold, cold_requests), (warm, warm_requests) = runs
    module_path_requests = ["ListMarkets"]
    assert cold_requests == sorted(["ListMarkets", "GetRankings", "GetASNDetails", "GetASNDetails", "GetRankings"] + module_path_requests)
    assert warm_requests == module_path_requests
    for name in ("ranking", "upstreams", "fr_asns", "as_module"):
        assert warm[name] == cold[name], name
    assert warm["ranking"]["rankings"] and warm["fr_asns"]["ansible_facts"]["fr_asns"]["asns"]
    assert any(" ran as a module (kmi_run_on_controller is false)" in text for text in warm["as_module"]["warnings"])
    assert len(list((tmp_path / "kmi-cache").glob("kentik_kmi_*"))) == 5  # relative to the folder ansible-playbook ran in
    assert len(list((tmp_path / "kmi-cache" / ".kentik_kmi").glob("ledger-*.json"))) == 1  # the account's request ledger
    assert "kentik.kmi: cache from environment variable KENTIK_KMI_CACHE" in output
    assert "answered from the ansible.builtin.jsonfile cache" in output


def test_the_next_hosts_same_task_is_read_back_whole(sim, tmp_path):
    """Hosts after the first read the first one's result from the run cache (the call memo): the same keys and masking,
    the warnings of their own arguments, and no request."""
    task = {
        "name": "ranking, module",
        "kentik.kmi.kmi_rankings_info": {"market": "DE", "limit": 3, "api_token": TOKEN, "token": TOKEN},
        "register": "ranking",
        "throttle": 1,  # one host after the other: each later one finds the first one's answer
    }
    play = {"name": "memo", "hosts": "all", "gather_facts": False, "vars": {"kmi_api_url": sim.url, "kmi_api_email": EMAIL}, "tasks": [task]}
    inventory = "".join("site%d ansible_connection=local\n" % number for number in range(3))
    results, output = _playbook(tmp_path, play, inventory)
    first = results["site0"]["ranking"]
    assert first["rankings"] and not first.get("failed")
    assert "Both option api_token and its alias token are set." in first["warnings"]
    assert TOKEN not in json.dumps(first)
    for host in ("site1", "site2"):
        assert results[host]["ranking"] == first, host
    assert sorted(entry["operation"] for entry in sim.log()) == ["GetRankings", "ListMarkets"]
    assert output.count("answered from the run cache (the same task as an earlier one's)") == 2


def test_hosts_whose_arguments_differ_get_their_own_answers(sim, tmp_path):
    """The memo is keyed by the task's arguments as each host's variables make them: another market is another call."""
    task = {"name": "ranking", "kentik.kmi.kmi_rankings_info": {"market": "{{ site_market }}", "limit": 2}, "register": "ranking", "throttle": 1}
    play = {"name": "memo", "hosts": "all", "gather_facts": False,
            "vars": {"kmi_api_url": sim.url, "kmi_api_email": EMAIL, "kmi_api_token": TOKEN}, "tasks": [task]}
    inventory = "".join("site%d ansible_connection=local site_market=%s\n" % (number, market) for number, market in enumerate(["DE", "US", "DE"]))
    results, output = _playbook(tmp_path, play, inventory)
    de, us, de_again = (results["site%d" % number]["ranking"] for number in range(3))
    assert de["market"]["name"] == "Germany" and us["market"]["name"] == "United States"
    assert de["rankings"] != us["rankings"] and de_again == de
    assert [entry["operation"] for entry in sim.log()].count("GetRankings") == 2
    assert output.count("answered from the run cache (the same task as an earlier one's)") == 1
