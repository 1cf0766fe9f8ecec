# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option table: every reader of options follows it (the doc fragments: tests/unit/plugins/doc_fragments/)."""

from __future__ import annotations

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import KmiClient
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError, KmiInputError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_options import OPTIONS, argument_spec


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
    assert client._transport.retries == 5
    monkeypatch.setenv("KTAPI_URL", "http://127.0.0.1:9")
    assert KmiClient().base_url == "http://127.0.0.1:9"


def test_messages_name_the_variables_of_the_table(monkeypatch):
    for variable in ("KTAPI_AUTH_EMAIL", "KTAPI_AUTH_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(KmiInputError, match=r"api_email and api_token: missing; .* KTAPI_AUTH_EMAIL and KTAPI_AUTH_TOKEN\.$"):
        KmiClient()
    assert "(hint: check KTAPI_AUTH_EMAIL / KTAPI_AUTH_TOKEN (api_email / api_token))" in str(KmiApiError("ListMarkets", "Unauthorized", status=401))
