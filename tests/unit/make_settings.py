# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What `make unit` tells the unit tests: where Kentik's spec files are (KMI_SPEC_DIR) and where schemathesis is
(KMI_SCHEMATHESIS).

From the environment when it has them (plain pytest), else from tests/output/make-settings.json, which `make unit` writes
into the collection's copy: `ansible-test units` hands the tests an environment of its own, without our variables.
"""

from __future__ import annotations

import json
import os

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SETTINGS_FILE = os.path.join(COLLECTION_ROOT, "tests", "output", "make-settings.json")
NAMES = ("KMI_SPEC_DIR", "KMI_SCHEMATHESIS")


def make_setting(name):
    """The value of ``name`` (one of NAMES), or None when neither the environment nor make's file gives one."""
    if name not in NAMES:
        raise ValueError("unknown setting %r (known: %s)" % (name, ", ".join(NAMES)))
    if os.environ.get(name):
        return os.environ[name]
    try:
        with open(SETTINGS_FILE, encoding="utf-8") as handle:
            value = json.load(handle).get(name)
    except FileNotFoundError:
        return None
    return value if isinstance(value, str) and value else None
