# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the doc fragment tests: plugin documentation read from its file, as ansible-doc reads it."""

from __future__ import annotations

import ast
import os

import pytest
import yaml

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_options
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_options import INI_SECTION, OPTIONS

PLUGINS = os.path.join(os.path.dirname(_kmi_options.__file__), os.pardir)


def _texts(path):
    """{name: text} of the string constants of the file at ``path`` and of its class ModuleDocFragment, if any."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    nodes = list(tree.body)
    nodes += [node for cls in tree.body if isinstance(cls, ast.ClassDef) and cls.name == "ModuleDocFragment" for node in cls.body]
    return {target.id: node.value.value for node in nodes if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets if isinstance(target, ast.Name)}


@pytest.fixture(scope="session")
def documentation():
    """documentation(folder, name, section="DOCUMENTATION"): section of plugins/<folder>/<name>.py as YAML, read from the
    file's text (imported from sys.path, the doc_fragments package would hide from Ansible's loader in later tests)."""

    def _read(folder, name, section="DOCUMENTATION"):
        return yaml.safe_load(_texts(os.path.join(PLUGINS, folder, name + ".py"))[section])

    return _read


@pytest.fixture(scope="session")
def check_against_table(documentation):
    """check_against_table(group): doc fragment ``group`` says what the option table (_kmi_options.OPTIONS) says of
    that group, field by field; its PLUGINS section has the table's env, vars and ini entries."""

    def _check(group):
        documented = documentation("doc_fragments", group)["options"]
        sources = documentation("doc_fragments", group, "PLUGINS")["options"]
        rows = {name: row for name, row in OPTIONS.items() if row["group"] == group}
        assert set(documented) == set(rows) == set(sources)
        for name, row in rows.items():
            doc = documented[name]
            assert doc["type"] == row["type"], name
            assert doc.get("default") == row.get("default"), name
            assert type(doc.get("default")) is type(row.get("default")) or row["type"] == "float", name
            assert doc.get("choices") == row.get("choices"), name
            assert doc.get("aliases", []) == row.get("aliases", []), name
            for variable in row.get("env", ()):  # modules read it too, and their documentation has no env key
                assert "E(%s)" % variable in " ".join(doc["description"]), name
            assert sources[name].get("env", []) == [{"name": variable} for variable in row.get("env", ())], name
            assert sources[name].get("vars", []) == [{"name": variable} for variable in row.get("vars", ())], name
            assert sources[name].get("ini", []) == ([{"section": INI_SECTION, "key": row["ini"]}] if row.get("ini") else []), name
            assert set(sources[name]) <= {"env", "vars", "ini"}, name
        return len(rows)

    return _check
