# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every connection and cache option of kentik.kmi, in one table (OPTIONS).

A row holds the option's argument-spec keys (type, default, choices, aliases, no_log) and where it is read besides
a task's or a lookup's own keywords: ``env`` (environment variable names), ``vars`` (Ansible variable names) and
``ini`` (its key in the [kentik_kmi] section of ansible.cfg). ``group`` says who uses it: ``connection`` the client
(_kmi_client.py), ``cache`` the persistent cache (plugin_utils/_kmi_cache.py).

Everything else is made from the table: the modules' argument spec (argument_spec), the action plugin's option
sources (plugin_utils/_kmi_action.py), the client's environment and defaults (env_value, default) and the error
hints (_kmi_errors.py). ansible-doc and the lookups read the doc fragments kentik.kmi.connection and
kentik.kmi.cache, which must be literal YAML; tests/unit/plugins/doc_fragments/ holds them to this table, field by field.
"""

from __future__ import annotations

import os

from ansible.module_utils.common.parameters import env_fallback

INI_SECTION = "kentik_kmi"

# The API of each region (the region option's choices).
REGION_URLS = {"us": "https://grpc.api.kentik.com", "eu": "https://grpc.api.kentik.eu"}

OPTIONS = {
    # no_log on the email too: with the token it is the credential (Kentik's X-CH-Auth-Email header), and
    # Ansible then masks it in every result and in the invocation it shows at -vvv.
    "api_email": {
        "group": "connection", "type": "str", "aliases": ["email"], "no_log": True,
        "env": ["KTAPI_AUTH_EMAIL"], "vars": ["kmi_api_email"], "ini": "api_email",
    },
    # no ini key: a token does not belong in ansible.cfg
    "api_token": {
        "group": "connection", "type": "str", "aliases": ["token"], "no_log": True,
        "env": ["KTAPI_AUTH_TOKEN"], "vars": ["kmi_api_token"],
    },
    "region": {
        "group": "connection", "type": "str", "choices": list(REGION_URLS), "default": "us",
        "env": ["KTAPI_REGION"], "vars": ["kmi_region"], "ini": "region",
    },
    "api_url": {"group": "connection", "type": "str", "env": ["KTAPI_URL"], "vars": ["kmi_api_url"], "ini": "api_url"},
    "allow_insecure_http": {
        "group": "connection", "type": "bool", "default": False, "vars": ["kmi_allow_insecure_http"], "ini": "allow_insecure_http",
    },
    "validate_certs": {"group": "connection", "type": "bool", "default": True, "vars": ["kmi_validate_certs"], "ini": "validate_certs"},
    "ca_path": {"group": "connection", "type": "path", "vars": ["kmi_ca_path"], "ini": "ca_path"},
    "timeout": {"group": "connection", "type": "float", "default": 30.0, "vars": ["kmi_timeout"], "ini": "timeout"},
    "connect_timeout": {"group": "connection", "type": "float", "default": 10.0, "vars": ["kmi_connect_timeout"], "ini": "connect_timeout"},
    "retries": {"group": "connection", "type": "int", "default": 5, "vars": ["kmi_retries"], "ini": "retries"},
    "retry_backoff": {"group": "connection", "type": "float", "default": 1.0, "vars": ["kmi_retry_backoff"], "ini": "retry_backoff"},
    "max_retry_wait": {"group": "connection", "type": "float", "default": 120.0, "vars": ["kmi_max_retry_wait"], "ini": "max_retry_wait"},
    "requests_per_minute": {
        "group": "connection", "type": "int", "default": 60, "vars": ["kmi_requests_per_minute"], "ini": "requests_per_minute",
    },
    "requests_per_hour": {
        "group": "connection", "type": "int", "default": 3750, "vars": ["kmi_requests_per_hour"], "ini": "requests_per_hour",
    },
    "max_response_bytes": {
        "group": "connection", "type": "int", "default": 64 * 1024 * 1024, "vars": ["kmi_max_response_bytes"], "ini": "max_response_bytes",
    },
    "cache": {"group": "cache", "type": "bool", "default": False, "env": ["KENTIK_KMI_CACHE"], "vars": ["kmi_cache"], "ini": "cache"},
    "cache_plugin": {
        "group": "cache", "type": "str", "default": "ansible.builtin.jsonfile",
        "env": ["KENTIK_KMI_CACHE_PLUGIN"], "vars": ["kmi_cache_plugin"], "ini": "cache_plugin",
    },
    "cache_timeout": {
        "group": "cache", "type": "int", "default": 3600, "env": ["KENTIK_KMI_CACHE_TIMEOUT"], "vars": ["kmi_cache_timeout"], "ini": "cache_timeout",
    },
    "cache_connection": {
        "group": "cache", "type": "str", "env": ["KENTIK_KMI_CACHE_CONNECTION"], "vars": ["kmi_cache_connection"], "ini": "cache_connection",
    },
    "cache_prefix": {
        "group": "cache", "type": "str", "default": "kentik_kmi_",
        "env": ["KENTIK_KMI_CACHE_PREFIX"], "vars": ["kmi_cache_prefix"], "ini": "cache_prefix",
    },
}

# The keys of a row that are argument-spec keys; the others say where else the option is read.
_SPEC_KEYS = ("type", "default", "choices", "aliases", "no_log")

CONNECTION_OPTIONS = tuple(name for name, row in OPTIONS.items() if row["group"] == "connection")


def argument_spec():
    """The modules' argument spec of the connection and cache options; an unset option falls back to its env variables."""
    spec = {}
    for name, row in OPTIONS.items():
        spec[name] = {key: row[key] for key in _SPEC_KEYS if key in row}
        if row.get("env"):
            spec[name]["fallback"] = (env_fallback, list(row["env"]))
    return spec


def default(name):
    """The default of option ``name`` (None when it has none)."""
    return OPTIONS[name].get("default")


def env_names(name):
    """The environment variables option ``name`` is read from, in order."""
    return tuple(OPTIONS[name].get("env", ()))


def env_value(name):
    """Option ``name``'s value from the first of its environment variables that is set; None when none is."""
    for variable in env_names(name):
        if variable in os.environ:
            return os.environ[variable]
    return None


def names_with_aliases(name):
    """Option ``name`` and its aliases."""
    return (name, *OPTIONS[name].get("aliases", ()))
