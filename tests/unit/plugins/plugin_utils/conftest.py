# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the cache tests: a run's cache folder, clients that use a cache, a jsonfile persistent cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from ansible import constants as C

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache import LookupCache, PersistentCache, RunCache


@pytest.fixture()
def run_dir(tmp_path):
    return str(tmp_path / "run")


@pytest.fixture()
def ansible_run(monkeypatch, tmp_path):
    """This test's ansible-playbook run, as its lookups see it: Ansible's per-run local temp dir (where the run cache
    lives), and no KTAPI_* in the environment."""
    folder = str(tmp_path / "ansible-local")
    monkeypatch.setattr(C, "DEFAULT_LOCAL_TMP", folder, raising=False)
    for name in ("KTAPI_URL", "KTAPI_AUTH_EMAIL", "KTAPI_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return folder


# A fork of ansible-playbook in ansible_run, as far as a lookup can tell: Ansible's collection loader installed, nothing of
# kentik.kmi loaded. It runs each case (lookup name, terms, keyword options, variables), then prints the answers (or
# error messages), which of the modules named in argv[4] were loaded, and how many times the plugin loader parsed
# a plugin's documentation for its options.
_FORK = """
import json, sys
from ansible import constants as C
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[sys.argv[1]], scan_sys_paths=False)._install()
C.DEFAULT_LOCAL_TMP = sys.argv[2]
from ansible.parsing.dataloader import DataLoader
from ansible.plugins import loader as plugin_loader
from ansible.template import Templar
parsed = []
real_add_fragments = plugin_loader.add_fragments
def add_fragments(doc, filename, **kwargs):
    parsed.append(filename)
    return real_add_fragments(doc, filename, **kwargs)
plugin_loader.add_fragments = add_fragments
answers = []
for name, terms, options, variables in json.loads(sys.argv[3]):
    loader = DataLoader()
    plugin = plugin_loader.lookup_loader.get("kentik.kmi." + name, loader=loader, templar=Templar(loader=loader, variables=variables))
    try:
        answers.append(plugin.run(terms, variables=variables, **{k: v for k, v in options.items() if v is not None}))
    except Exception as exc:
        answers.append({"error": str(exc)})
print(json.dumps({"answers": answers, "loaded": [n for n in json.loads(sys.argv[4]) if n in sys.modules], "parsed": len(parsed)}))
"""


@pytest.fixture()
def fork(sim, ansible_run):
    """fork(cases, watch=()): run lookup ``cases`` (name, terms, options[, variables]) in a new Python, as one fork of
    ansible-playbook would, with the simulator's connection unless options say otherwise (an option None: not given);
    return (answers or
    {"error": message}, which modules of ``watch`` it loaded, how many documentations the plugin loader parsed)."""
    import ansible_collections.kentik.kmi as collection

    collections = os.path.dirname(os.path.dirname(os.path.dirname(list(collection.__path__)[0])))
    connection = {"api_url": sim.url, "api_email": "sim@example.com", "api_token": "sim-token"}

    def _run(cases, watch=()):
        cases = [(case[0], list(case[1]), dict(connection, **case[2]), case[3] if len(case) > 3 else {}) for case in cases]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        done = subprocess.run([sys.executable, "-c", _FORK, collections, ansible_run, json.dumps(cases), json.dumps(list(watch))],
                              env=env, capture_output=True, text=True, check=True)
        out = json.loads(done.stdout.strip().splitlines()[-1])
        return out["answers"], out["loaded"], out["parsed"]

    return _run


@pytest.fixture()
def cached_client(make_client, run_dir):
    """A client whose cache is a LookupCache over ``run_dir`` (each call: a new client, as each fork has)."""

    def _make(persistent=None, directory=None, notice=None, **kwargs):
        cache = LookupCache(RunCache(directory or run_dir), persistent, notice=notice)
        return make_client(cache=cache, **kwargs)

    return _make


@pytest.fixture()
def jsonfile(tmp_path, collection_loader):
    """A new PersistentCache over one jsonfile folder (each call: a new plugin instance, as a new run has)."""
    folder = str(tmp_path / "persistent")

    def _make(timeout=3600, warn=None, warn_once=None):
        return PersistentCache(
            "ansible.builtin.jsonfile", connection=folder, prefix="kmi_", timeout=timeout, warn=warn, warn_once=warn_once
        )

    def _file(key):
        """The file of ``key`` (ansible-core 2.19+ puts a schema id before the key)."""
        names = [name for name in os.listdir(folder) if name.endswith(key)]
        assert len(names) == 1, names
        return os.path.join(folder, names[0])

    _make.folder, _make.file = folder, _file
    return _make
