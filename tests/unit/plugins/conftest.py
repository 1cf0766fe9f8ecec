# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the plugins' tests: run a kentik.kmi lookup as Ansible runs it, and a module as on a target."""

from __future__ import annotations

import contextlib
import json
from unittest import mock

import pytest
from ansible.module_utils import basic

TOKEN = "sim-token"
EMAIL = "sim@example.com"
ENVIRONMENT = ("KTAPI_URL", "KTAPI_AUTH_EMAIL", "KTAPI_AUTH_TOKEN", "KTAPI_REGION", "KENTIK_KMI_CACHE", "KENTIK_KMI_CACHE_PLUGIN",
               "KENTIK_KMI_CACHE_CONNECTION", "KENTIK_KMI_CACHE_PREFIX", "KENTIK_KMI_CACHE_TIMEOUT")


@pytest.fixture()
def run_lookup(sim, collection_loader, monkeypatch, tmp_path):
    """run_lookup(name, terms, variables=None, **options): a new plugin instance (as each fork has) in this test's run.

    The connection options default to the simulator's; an option given as None is left out.
    """
    # Controller code, imported here: `ansible-test units` runs the modules' and module_utils' tests without it.
    from ansible import constants as C  # pylint: disable=import-outside-toplevel
    from ansible.parsing.dataloader import DataLoader  # pylint: disable=import-outside-toplevel
    from ansible.plugins.loader import lookup_loader  # pylint: disable=import-outside-toplevel
    from ansible.template import Templar  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(C, "DEFAULT_LOCAL_TMP", str(tmp_path / "ansible-local"), raising=False)
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)

    def _run(name, terms=(), variables=None, **options):
        options = dict({"api_url": sim.url, "api_email": EMAIL, "api_token": TOKEN}, **options)
        variables = variables or {}
        loader = DataLoader()
        plugin = lookup_loader.get("kentik.kmi." + name, loader=loader, templar=Templar(loader=loader, variables=variables))
        assert plugin is not None, name
        return plugin.run(list(terms), variables=variables, **{k: v for k, v in options.items() if v is not None})

    return _run


try:
    from ansible.module_utils.testing import patch_module_args  # ansible-core >= 2.19
except ImportError:  # ansible-core 2.16-2.18: the older set_module_args pattern, as a context manager

    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")):
            yield


try:
    from ansible.module_utils import _internal as module_internal  # ansible-core >= 2.18
except ImportError:
    module_internal = None
# ansible-core >= 2.19 has is_controller; before, module.warn() always ends up in the result's "warnings".
AS_TARGET = hasattr(module_internal, "is_controller")


# ansible-core 2.22+: a module hands the controller the no_log values it met, for the controller to mask in all
# later output. The controller takes the field out of the result before anything shows it.
NEW_SECRETS = "_ansible_new_secrets"


@pytest.fixture()
def run_module(sim, capsys):
    """run_module(module, **args): run a module's main() with ``args`` (connection options: the simulator's); return
    (exit code, result dict, output) as the controller takes them: without NEW_SECRETS (see module_wire)."""

    def _run(module, **args):
        code, out = _run_module(module, sim, capsys, **args)
        result = json.loads(out)
        result.pop(NEW_SECRETS, None)
        return code, result, json.dumps(result)

    return _run


@pytest.fixture()
def module_wire(sim, capsys):
    """module_wire(module, **args): what a module's main() writes for the controller, as a dict."""
    return lambda module, **args: json.loads(_run_module(module, sim, capsys, **args)[1])


def _run_module(module, sim, capsys, **args):
    args = dict({"api_url": sim.url, "api_email": "sim@example.com", "api_token": TOKEN, "retry_backoff": 0.01}, **args)
    # Run as on a target: once a test imports controller code (the lookup tests do), ansible-core 2.19 sends
    # module.warn() to the controller's display instead of the result's "warnings".
    as_target = mock.patch.object(module_internal, "is_controller", False) if AS_TARGET else contextlib.nullcontext()
    with patch_module_args(args), as_target:
        with pytest.raises(SystemExit) as info:
            module.main()
    return info.value.code, capsys.readouterr().out


@pytest.fixture()
def action_class(collection_loader):
    """action_class(name): the class of kentik.kmi's action plugin ``name``, as Ansible's action_loader finds it."""
    from ansible.plugins.loader import action_loader  # pylint: disable=import-outside-toplevel

    def _get(name):
        found = action_loader.get("kentik.kmi." + name, class_only=True)
        assert found is not None, name
        return found

    return _get
