# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of the four *_info modules: run them in the controller's process when they would run there anyway.

A kentik.kmi module task whose connection is ``local`` (``delegate_to: localhost``,
implicit localhost) runs its module's CALL right here, in the worker that
Ansible forked for the task: no AnsiballZ payload, no new Python, and the
lookups' run cache (one request per distinct call in the whole run, whatever
fork asks; plugin_utils/_kmi_cache.py) and, with ``cache: true``, the lookups' persistent cache.
Anything else (become, async, a task ``environment:``,
another connection, no requests on the controller, ``kmi_run_on_controller:
false``) runs the module as usual. Both paths validate with the module's own
argument spec and return the same keys, warnings, masked values and messages.
"""

from __future__ import annotations

import os

from ansible import constants as C
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_module import full_argument_spec, masked, run_info
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_options import INI_SECTION, OPTIONS, env_names, names_with_aliases
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_query import HAS_JMESPATH
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_transport import HAS_REQUESTS
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache import cache_from_options
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_call_memo import CallMemo
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_run_cache import RunCache, run_cache_dir

try:  # ansible-core >= 2.22: a secret registered in a task is masked wherever Ansible writes output
    from ansible.module_utils.secrets import register_secrets
except ImportError:
    register_secrets = None

display = Display()

RUN_ON_CONTROLLER_VAR = "kmi_run_on_controller"
# A module on a local connection reads each connection and cache option the task leaves out where the lookups read it
# (kmi_* variables, KTAPI_* and KENTIK_KMI_* env, [kentik_kmi] in ansible.cfg): module_utils/_kmi_options.OPTIONS.
_INI_PLUGIN = "kentik.kmi._kmi_action"  # the name our ini entries are registered under in Ansible's config manager


class KmiInfoAction(ActionBase):
    call = None  # the module's InfoCall: each module's action plugin (plugins/action/) sets it
    _supports_check_mode = True  # the modules only read
    _supports_async = True  # async tasks take the module path

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp
        name = self._task.resolved_action or self._task.action
        environment = {}
        self._compute_environment_string(environment)
        args = self._task.args
        if self._connection.transport == "local":
            args = self._args_with_option_sources(task_vars, environment)
        reason = self._module_path_reason(task_vars, environment)
        if reason:
            display.vvv("kentik.kmi: %s runs as a module (%s)" % (name, reason), host=self._host_name(task_vars))
            wrap_async = self._task.async_val and not self._connection.has_native_async
            result.update(self._execute_module(module_name=self._task.action, module_args=args, task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            if boolean(args.get("cache", False), strict=False):
                result.setdefault("warnings", []).append(
                    "kentik.kmi: cache is on, but %s ran as a module (%s), where Ansible's cache plugins do not exist: it asked "
                    "the KMI API. Only a task that runs in the controller's process (connection local) uses the persistent cache."
                    % (name, reason)
                )
            return result
        display.vvv("kentik.kmi: %s runs in the controller's process (connection local)" % name, host=self._host_name(task_vars))
        result.update(self._run_here(name.rpartition(".")[2], args, task_vars))
        return result

    @staticmethod
    def _host_name(task_vars):
        return task_vars.get("inventory_hostname")

    def _module_path_reason(self, task_vars, environment):
        """Why this task runs as a module; None when it runs in the controller's process."""
        forced = task_vars.get(RUN_ON_CONTROLLER_VAR, True)
        if not boolean(self._templar.template(forced), strict=False):
            return "%s is false" % RUN_ON_CONTROLLER_VAR
        if self._connection.transport != "local":
            return "connection %s" % self._connection.transport
        if self._play_context.become:
            return "become"
        if self._task.async_val:
            return "async"
        if environment:
            return "the task sets environment"
        if not (HAS_REQUESTS and HAS_JMESPATH):
            return "requests or jmespath is missing in the controller's Python"
        return None

    def _args_with_option_sources(self, task_vars, environment):
        """The task's arguments plus each connection option they leave out, from a variable, the environment or ansible.cfg.

        The task's arguments already hold module_defaults, so the precedence is: task option > module_defaults >
        variable > environment (the controller's, with the task's ``environment:``) > ini.
        """
        args = dict(self._task.args)
        environ = dict(os.environ, **environment)
        for option in OPTIONS:
            if set(names_with_aliases(option)) & set(args):
                continue
            found = self._option_source(option, task_vars, environ)
            if found:
                args[option] = found[0]
                display.vvv("kentik.kmi: %s from %s" % (option, found[1]), host=self._host_name(task_vars))
        return args

    def _option_source(self, option, task_vars, environ):
        """(value, where) of ``option`` from its first source that is set, or None; values stay raw for the argument spec."""
        row = OPTIONS[option]
        for name in row.get("vars", ()):
            if name in task_vars:
                return self._templar.template(task_vars[name]), "variable " + name
        for name in env_names(option):
            if name in environ:
                return environ[name], "environment variable " + name
        if row.get("ini"):
            if not C.config.get_configuration_definitions("action", _INI_PLUGIN):
                ini_entries = {name: {"ini": [{"section": INI_SECTION, "key": entry["ini"]}]} for name, entry in OPTIONS.items() if entry.get("ini")}
                C.config.initialize_plugin_configuration_definitions("action", _INI_PLUGIN, ini_entries)
            value, origin = C.config.get_config_value_and_origin(option, plugin_type="action", plugin_name=_INI_PLUGIN)
            if value is not None:
                return value, origin
        return None

    def _run_here(self, module_name, args, task_vars):
        """The module's CALL on ``args``, in this process: what the module would return, as a dict.

        A host whose task has the same arguments as an earlier host's reads the earlier one's outcome back from the
        call memo: no validation, no client.
        """
        memo = CallMemo(RunCache(run_cache_dir()), "module kentik.kmi." + module_name, args, _api_token(args))
        outcome = memo.get()
        if outcome is not None:
            display.vvv("kentik.kmi cache: %s.. answered from the run cache (the same task as an earlier one's)" % memo.key[:17],
                        host=self._host_name(task_vars))
        else:
            outcome = self._outcome(args, memo.run)
            if outcome["failure"] is None:
                memo.keep(outcome)
        result = {"failed": True, "msg": outcome["failure"]} if outcome["failure"] is not None else dict(outcome["answer"], changed=False)
        if self._inject_invocation(task_vars):
            result["invocation"] = {"module_args": outcome["params"]}
        if outcome["warnings"]:
            result["warnings"] = outcome["warnings"]
        return result

    def _outcome(self, args, run_cache):
        """{answer, failure, params, warnings} of the module's CALL on ``args``, masked as the module masks them."""
        validation = ArgumentSpecValidator(full_argument_spec(self.call)).validate(args)
        params = validation.validated_parameters
        warnings = ["Both option %s and its alias %s are set." % (w["option"], w["alias"]) for w in validation._warnings]
        answer, failure = None, None
        if validation.error_messages:
            failure = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                failure = "Unsupported parameters for (%s) module: %s" % (self._task.action, failure)
        else:
            try:
                answer = self._call(params, run_cache, warnings)
            except KmiError as exc:
                failure = str(exc)
        if register_secrets is not None:  # as a module does from 2.22 on: the controller masks them in later output too
            register_secrets(sorted(validation._no_log_values))
        return masked({"answer": answer, "failure": failure, "params": params, "warnings": warnings}, validation._no_log_values)

    def _call(self, params, run_cache, warnings):
        """The module's result keys for ``params``, asked of the client (with this run's cache). Raises KmiError."""
        cache = cache_from_options(params.get, warnings.append, log=display.vvv, notice=display.v, run=run_cache)
        return run_info(
            self.call,
            params,
            warnings.append,
            cache=cache,
            warn_once=cache.run.warn_once(warnings.append),
            ledger_folder=cache.ledger_folder,
            log=display.v,
        )

    @staticmethod
    def _inject_invocation(task_vars):
        """Whether a module's result carries ``invocation``: always before ansible-core 2.21, then INJECT_INVOCATION."""
        if "INJECT_INVOCATION" not in C.config.get_configuration_definitions():
            return True
        return C.config.get_config_value("INJECT_INVOCATION", variables=task_vars)


def _api_token(args):
    """The API token among the task's arguments (under its name or an alias), or None."""
    for name in names_with_aliases("api_token"):
        if isinstance(args.get(name), str) and args[name]:
            return args[name]
    return None
