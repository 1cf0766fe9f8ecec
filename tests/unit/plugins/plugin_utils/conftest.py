# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the cache tests: a run's cache folder, clients that use a cache, a jsonfile persistent cache."""

from __future__ import annotations

import os

import pytest

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache import LookupCache, PersistentCache, RunCache


@pytest.fixture()
def run_dir(tmp_path):
    return str(tmp_path / "run")


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
