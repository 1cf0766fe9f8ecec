# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every kentik.kmi *_info module does around its one client call.

A module file defines ``CALL = InfoCall(argument_spec, result_key, fetch)``;
``main()`` runs it with run_info_module (as a module, on any host), and the
modules' action plugin (plugin_utils/_kmi_action.py) runs the same CALL in the
controller's process with run_info.
"""

from __future__ import annotations

from collections import namedtuple

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import client_from_options
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_http import secret_pattern
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_options import argument_spec
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_query import HAS_JMESPATH, JMESPATH_IMPORT_ERROR, apply_query, compile_query
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR

# argument_spec: the module's own options; result_key: the result key the query option applies to;
# fetch(client, params): the module's result keys.
InfoCall = namedtuple("InfoCall", ["argument_spec", "result_key", "fetch"])


def full_argument_spec(call):
    """The module's whole argument spec: the connection and cache options, its own, and ``query``."""
    spec = argument_spec()
    spec.update(call.argument_spec)
    spec["query"] = {"type": "str"}
    return spec


def run_info(call, params, warn, cache=None, warn_once=None, ledger_folder=None, log=None):
    """The module's work on validated ``params``: its result keys, ``query`` applied. Raises KmiError.

    The keywords after ``warn`` are the controller's (the action plugin's), see KmiClient.
    """
    query = compile_query(params["query"])
    client = client_from_options(params.get, warn=warn, cache=cache, warn_once=warn_once, ledger_folder=ledger_folder, log=log)
    result = call.fetch(client, params)
    result[call.result_key] = apply_query(result[call.result_key], query)
    result["source"] = {"api_url": client.base_url, "simulator": client.simulator}
    return result


def run_info_module(call):
    """Run an info module as a module. It never changes anything, so check mode runs it as usual."""
    module = AnsibleModule(argument_spec=full_argument_spec(call), supports_check_mode=True)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    if module.params["query"] and not HAS_JMESPATH:
        module.fail_json(msg=missing_required_lib("jmespath"), exception=JMESPATH_IMPORT_ERROR)

    def _warn(text):
        module.warn(masked(text, module.no_log_values))

    try:
        result, failure = run_info(call, module.params, _warn), None
    except KmiError as exc:
        result, failure = None, str(exc)
    if failure is not None:
        # outside the except block: at -vvv, ansible-core < 2.19 would add the exception's traceback to the result
        module.fail_json(msg=masked(failure, module.no_log_values))
    module.exit_json(changed=False, **masked(result, module.no_log_values))


def masked(value, no_log_values):
    """``value`` with the no_log values (token, email) masked: a string that is one becomes
    VALUE_SPECIFIED_IN_NO_LOG_PARAMETER, one that holds one gets ******** in its place (in any letter case, and
    percent-encoded); lists and dicts are walked.

    What ansible-core's remove_values did to every module result before 2.22. From 2.22 core masks secrets only in
    what it writes out, so the modules and the action plugin mask their results themselves: a registered result, a
    report or a file written from it never holds the token.
    """
    pattern = secret_pattern(no_log_values)
    if pattern is None:
        return value

    def _walk(item):
        if isinstance(item, str):
            return "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" if item in no_log_values else pattern.sub("********", item)
        if isinstance(item, dict):
            return {key: _walk(member) for key, member in item.items()}
        if isinstance(item, (list, tuple)):
            return [_walk(member) for member in item]
        return item

    return _walk(value)
