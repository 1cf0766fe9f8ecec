# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every kentik.kmi *_info module does around its one client call."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_options import (
    CONNECTION_ARGSPEC,
    HAS_JMESPATH,
    JMESPATH_IMPORT_ERROR,
    apply_query,
    client_from_options,
    compile_query,
)


def run_info_module(argument_spec, result_key, fetch):
    """Run an info module: ``fetch(client, params)`` returns the module's result keys.

    The ``query`` option (JMESPath) applies to ``result[result_key]``. The module
    never changes anything, so check mode runs it as usual.
    """
    spec = dict(CONNECTION_ARGSPEC)
    spec.update(argument_spec)
    spec["query"] = {"type": "str"}
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    if module.params["query"] and not HAS_JMESPATH:
        module.fail_json(msg=missing_required_lib("jmespath"), exception=JMESPATH_IMPORT_ERROR)
    try:
        query = compile_query(module.params["query"])
        client = client_from_options(module.params.get, warn=module.warn)
        result = fetch(client, module.params)
        result[result_key] = apply_query(result[result_key], query)
    except KmiError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)
