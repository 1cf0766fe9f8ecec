# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the simulator's tests: where Kentik's official spec files are, and the OpenAPI v3 spec read."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.kentik.kmi.tests.unit.make_settings import make_setting
from ansible_collections.kentik.kmi.tests.unit.simulator.spec_schema import SPEC_FILE, Spec

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def _spec_dirs():
    """KMI_SPEC_DIR (make sets it to ../shared/kentik-spec beside the repository), else the usual places."""
    given = make_setting("KMI_SPEC_DIR")
    if given:
        return [given]
    return [os.path.join(COLLECTION_ROOT, "..", "shared", "kentik-spec"), "/work/shared/kentik-spec"]


@pytest.fixture(scope="session")
def spec_path():
    """spec_path(name): the path of Kentik's spec file ``name``; the test skips, saying where it looked, when absent
    (as on a user's machine: the spec files are the project's, not the collection's)."""

    def _find(name):
        tried = [os.path.join(folder, name) for folder in _spec_dirs()]
        for path in tried:
            if os.path.isfile(path):
                return path
        pytest.skip("Kentik's spec file %s is not available (set KMI_SPEC_DIR: make_settings.py); looked for: %s" % (name, ", ".join(tried)))
        return None

    return _find


@pytest.fixture(scope="module")
def spec(spec_path):
    """Kentik's OpenAPI v3 spec of KMI v202212 (spec_schema.Spec); the test skips when the file is not available."""
    with open(spec_path(SPEC_FILE), encoding="utf-8") as handle:
        return Spec(json.load(handle))
