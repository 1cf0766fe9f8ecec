# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection and cache options, defined once in code for modules and lookups.

Modules merge CONNECTION_ARGSPEC and CACHE_ARGSPEC into their argument_spec; lookups
declare the same options through the kentik.kmi.connection and kentik.kmi.cache doc fragments. Both build their
client with client_from_options(get), where ``get(name)`` reads one option.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import env_fallback

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import DEFAULTS, KmiClient
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiInputError

try:
    import jmespath
except ImportError:
    HAS_JMESPATH = False
    JMESPATH_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_JMESPATH = True
    JMESPATH_IMPORT_ERROR = None

CONNECTION_ARGSPEC = {
    # no_log on the email too: with the token it is the credential (Kentik's X-CH-Auth-Email header), and
    # Ansible then masks it in every result and in the invocation it shows at -vvv.
    "api_email": {"type": "str", "aliases": ["email"], "no_log": True, "fallback": (env_fallback, ["KTAPI_AUTH_EMAIL"])},
    "api_token": {"type": "str", "aliases": ["token"], "no_log": True, "fallback": (env_fallback, ["KTAPI_AUTH_TOKEN"])},
    "region": {"type": "str", "choices": ["us", "eu"], "default": DEFAULTS["region"]},
    "api_url": {"type": "str", "fallback": (env_fallback, ["KTAPI_URL"])},
    "allow_insecure_http": {"type": "bool", "default": DEFAULTS["allow_insecure_http"]},
    "validate_certs": {"type": "bool", "default": DEFAULTS["validate_certs"]},
    "ca_path": {"type": "path"},
    "timeout": {"type": "float", "default": DEFAULTS["timeout"]},
    "connect_timeout": {"type": "float", "default": DEFAULTS["connect_timeout"]},
    "retries": {"type": "int", "default": DEFAULTS["retries"]},
    "retry_backoff": {"type": "float", "default": DEFAULTS["retry_backoff"]},
    "max_retry_wait": {"type": "float", "default": DEFAULTS["max_retry_wait"]},
    "requests_per_minute": {"type": "int", "default": DEFAULTS["requests_per_minute"]},
    "requests_per_hour": {"type": "int", "default": DEFAULTS["requests_per_hour"]},
    "max_response_bytes": {"type": "int", "default": DEFAULTS["max_response_bytes"]},
}

CONNECTION_OPTIONS = tuple(CONNECTION_ARGSPEC)

# The persistent cache's options (doc fragment kentik.kmi.cache). Modules accept them everywhere, and use them when
# their action plugin runs them in the controller's process: Ansible's cache plugins exist only there.
CACHE_ARGSPEC = {
    "cache": {"type": "bool", "default": False},
    "cache_plugin": {"type": "str", "default": "ansible.builtin.jsonfile"},
    "cache_timeout": {"type": "int", "default": 3600},
    "cache_connection": {"type": "str"},
    "cache_prefix": {"type": "str", "default": "kentik_kmi_"},
}


def client_from_options(get, warn=None, cache=None, warn_once=None, ledger_folder=None, log=None):
    """Return a KmiClient from the connection options; ``get(name)`` returns one option's value."""
    options = {name: get(name) for name in CONNECTION_OPTIONS}
    return KmiClient(warn=warn, cache=cache, warn_once=warn_once, ledger_folder=ledger_folder, log=log, **options)


def compile_query(expression, option="query"):
    """Check a JMESPath expression before any request; return it compiled (None when not set)."""
    if not expression:
        return None
    if not HAS_JMESPATH:
        raise KmiInputError("%s: the Python library 'jmespath' is required on this host: pip install jmespath" % option, option=option)
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        # one line: drop the echo and caret lines, and the colon that announced them ("Incomplete expression:")
        detail = str(exc).split(", for expression:", 1)[0].splitlines()[0].rstrip(": ")
        raise KmiInputError("%s: %r is not a valid JMESPath expression: %s" % (option, expression, detail), option=option) from None


def apply_query(value, compiled):
    """Apply a compiled JMESPath expression to ``value`` (None: ``value`` unchanged)."""
    return value if compiled is None else compiled.search(value)
