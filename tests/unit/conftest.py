# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures: one KMI simulator on loopback for the session, reset before each test."""

from __future__ import annotations

import os
import sys

import pytest
import requests
import yaml

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if COLLECTION_ROOT not in sys.path:
    sys.path.insert(0, COLLECTION_ROOT)

from simulator.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position

EMAIL = "sim@example.com"
TOKEN = "sim-token"


@pytest.fixture(scope="session")
def _simulator():
    sim = Simulator(dataset="small").start()
    yield sim
    sim.stop()


@pytest.fixture()
def sim(_simulator):
    """The running simulator, with an empty log, no faults and no rate limit."""
    _simulator.reset()
    yield _simulator
    _simulator.reset()


@pytest.fixture(scope="session")
def _second_simulator():
    other = Simulator(dataset="small").start()
    yield other
    other.stop()


@pytest.fixture()
def elsewhere(_second_simulator):
    """A second simulator on another port, with an empty log: where a redirect points, or another api_url."""
    _second_simulator.reset()
    return _second_simulator


@pytest.fixture()
def http():
    """A requests session for raw HTTP to the simulator (loopback only: never through an env proxy)."""
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()


@pytest.fixture()
def make_client(sim):
    """Build a KmiClient pointed at the simulator; keyword arguments override the defaults."""
    from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient

    def _make(**kwargs):
        options = {
            "api_email": EMAIL,
            "api_token": TOKEN,
            "api_url": sim.url,
            "retry_backoff": 0.01,
            "timeout": 2,
            "connect_timeout": 2,
            "requests_per_minute": 0,
        }
        options.update(kwargs)
        return KmiClient(**options)

    return _make


@pytest.fixture(scope="module")
def collection_loader():
    """Ansible's collection loader, as ansible-playbook installs it: plugin loaders find kentik.kmi.* through it."""
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    import ansible_collections.kentik.kmi as collection

    folder = list(collection.__path__)[0]
    installed = AnsibleCollectionConfig.collection_finder is None
    if installed:
        _AnsibleCollectionFinder(paths=[os.path.dirname(os.path.dirname(os.path.dirname(folder)))], scan_sys_paths=False)._install()
    if getattr(collection, "_collection_meta", None) is None:  # imported from sys.path before the loader was installed
        with open(os.path.join(folder, "meta", "runtime.yml"), encoding="utf-8") as handle:
            collection._collection_meta = yaml.safe_load(handle)
    yield
    if installed:
        _AnsibleCollectionFinder._remove()


@pytest.fixture()
def ansible_loads_filters(collection_loader, monkeypatch):
    """As in ansible-playbook: kentik.kmi's filter package imported through Ansible's collection loader, not sys.path."""
    package = "ansible_collections.kentik.kmi.plugins.filter"
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            monkeypatch.delitem(sys.modules, name)
