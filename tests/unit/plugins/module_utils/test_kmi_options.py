# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option table: the doc fragments say what it says, field by field, and every reader of options follows it."""

from __future__ import annotations

import ast
import os

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_options
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError, KmiInputError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_options import INI_SECTION, OPTIONS, argument_spec

# The doc fragment of each group of the table (plugins/doc_fragments/<group>.py)
FRAGMENTS = ("connection", "cache")
ROWS = list(OPTIONS.items())


def _documented(group, section):
    """The options of section DOCUMENTATION or PLUGINS of doc fragment ``group``, read from its file as ansible-doc reads
    it: as text. (Imported from sys.path, the doc_fragments package would hide from Ansible's loader in later tests.)"""
    path = os.path.join(os.path.dirname(_kmi_options.__file__), os.pardir, "doc_fragments", group + ".py")
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    fragment = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "ModuleDocFragment")
    texts = {target.id: node.value.value for node in fragment.body if isinstance(node, ast.Assign) for target in node.targets}
    return yaml.safe_load(texts[section])["options"]


@pytest.mark.parametrize("group", FRAGMENTS)
def test_each_fragment_documents_its_group_and_nothing_else(group):
    in_table = {name for name, row in OPTIONS.items() if row["group"] == group}
    assert set(_documented(group, "DOCUMENTATION")) == in_table
    assert set(_documented(group, "PLUGINS")) == in_table


@pytest.mark.parametrize("name, row", ROWS, ids=list(OPTIONS))
def test_documentation_matches_the_table(name, row):
    doc = _documented(row["group"], "DOCUMENTATION")[name]
    assert doc["type"] == row["type"]
    assert doc.get("default") == row.get("default")
    assert type(doc.get("default")) is type(row.get("default")) or row["type"] == "float"
    assert doc.get("choices") == row.get("choices")
    assert doc.get("aliases", []) == row.get("aliases", [])
    text = " ".join(doc["description"])
    for variable in row.get("env", ()):  # modules take the environment too, and their documentation has no env key
        assert "E(%s)" % variable in text


@pytest.mark.parametrize("name, row", ROWS, ids=list(OPTIONS))
def test_plugin_sources_match_the_table(name, row):
    sources = _documented(row["group"], "PLUGINS")[name]
    assert sources.get("env", []) == [{"name": variable} for variable in row.get("env", ())]
    assert sources.get("vars", []) == [{"name": variable} for variable in row.get("vars", ())]
    assert sources.get("ini", []) == ([{"section": INI_SECTION, "key": row["ini"]}] if row.get("ini") else [])
    assert set(sources) <= {"env", "vars", "ini"}


def test_the_token_is_never_read_from_ansible_cfg():
    assert "ini" not in OPTIONS["api_token"]
    assert all(OPTIONS[name].get("no_log") for name in ("api_email", "api_token"))


def test_modules_fall_back_on_every_environment_variable(monkeypatch):
    monkeypatch.setenv("KTAPI_REGION", "eu")
    monkeypatch.setenv("KENTIK_KMI_CACHE_TIMEOUT", "60")
    params = ArgumentSpecValidator(argument_spec()).validate({}).validated_parameters
    assert params["region"] == "eu"
    assert params["cache_timeout"] == 60
    assert params["retries"] == 5
    monkeypatch.setenv("KTAPI_REGION", "mars")
    result = ArgumentSpecValidator(argument_spec()).validate({})
    assert "value of region must be one of: us, eu, got: mars" in result.errors.msg


def test_the_client_reads_the_environment_the_table_names(monkeypatch):
    monkeypatch.setenv("KTAPI_AUTH_EMAIL", "sim@example.com")
    monkeypatch.setenv("KTAPI_AUTH_TOKEN", "sim-token")
    monkeypatch.setenv("KTAPI_REGION", "eu")
    client = KmiClient()
    assert client.base_url == "https://grpc.api.kentik.eu"
    assert client.retries == 5
    monkeypatch.setenv("KTAPI_URL", "http://127.0.0.1:9")
    assert KmiClient().base_url == "http://127.0.0.1:9"


def test_messages_name_the_variables_of_the_table(monkeypatch):
    for variable in ("KTAPI_AUTH_EMAIL", "KTAPI_AUTH_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(KmiInputError, match=r"api_email and api_token: missing; .* KTAPI_AUTH_EMAIL and KTAPI_AUTH_TOKEN\.$"):
        KmiClient()
    assert "(hint: check KTAPI_AUTH_EMAIL / KTAPI_AUTH_TOKEN (api_email / api_token))" in str(KmiApiError("ListMarkets", "Unauthorized", status=401))
