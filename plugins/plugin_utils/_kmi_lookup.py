# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every kentik.kmi lookup does around its client calls (the lookups' run_info_module)."""

from __future__ import annotations

import os

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.kentik.kmi.plugins.plugin_utils import _kmi_lookup_options
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_call_memo import CallMemo
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_run_cache import RunCache, run_cache_dir

display = Display()

# Before Ansible's plugin loader reads the lookup that imports this (a lookup module imports it first thing): the
# option definitions an earlier fork of this run kept, so that the loader does not parse the documentation again.
_kmi_lookup_options.reuse()

# The option types of plugin documentation that an argument spec knows by the same name; others are checked as raw.
_SPEC_TYPES = ("str", "int", "float", "bool", "path", "list", "dict", "raw")


def flatten_terms(terms):
    """Terms as a flat list: ``query(name, 'a', 'b')`` and ``query(name, ['a', 'b'])`` mean the same."""
    flat = []
    for term in terms:
        if isinstance(term, (list, tuple)):
            flat.extend(flatten_terms(term))
        else:
            flat.append(term)
    return flat


class KmiLookupBase(LookupBase):
    """A kentik.kmi lookup: subclasses define ``_elements(client, terms)`` and nothing else.

    run() reads the options (keyword, then vars, env, ini, default), checks the
    query, builds one cached client, and returns ``_elements(...)`` with the
    query applied to each element. A KmiError becomes a one-line
    AnsibleLookupError with no traceback and no secret.
    """

    def _elements(self, client, terms):
        raise NotImplementedError

    def run(self, terms, variables=None, **kwargs):
        _kmi_lookup_options.keep(self._load_name)
        unknown = sorted(set(kwargs) - self._option_names())
        if unknown:  # Ansible's set_options ignores a keyword that is no option: a typo would pass unseen
            raise AnsibleLookupError(self._unknown_options_message(unknown))
        var_options = self._option_vars(variables)
        try:
            self.set_options(var_options=var_options, direct=kwargs)
        except AnsibleError as exc:  # AnsibleOptionsError; a plain AnsibleError for a missing required option before 2.18
            raise AnsibleLookupError(self._option_error(var_options, kwargs) or str(exc)) from None
        terms = flatten_terms(terms)
        inputs = {"terms": terms, "options": self.get_options()}
        memo = CallMemo(self._run_cache(), "lookup " + self._load_name, inputs, self.get_option("api_token"))
        answer = memo.get()
        if answer is not None:
            display.vvv("kentik.kmi cache: %s.. answered from the run cache (the same lookup as an earlier one's)" % memo.key[:17])
            return answer
        answer = self._call(terms, memo.run)
        memo.keep(answer)
        return answer

    def _call(self, terms, run_cache):
        """The elements for ``terms``, asked of the client (with ``run_cache``), with the query applied to each."""
        # Imported on a miss only: a fork that the call memo answers never loads the client, its errors, requests or jmespath.
        # pylint: disable=import-outside-toplevel
        from ansible.module_utils.basic import missing_required_lib

        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_client import client_from_options
        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiError
        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_query import HAS_JMESPATH, apply_query, compile_query
        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_transport import HAS_REQUESTS
        from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache import cache_from_options

        if not HAS_REQUESTS:
            raise AnsibleLookupError(missing_required_lib("requests"))
        if self.get_option("query") and not HAS_JMESPATH:
            raise AnsibleLookupError(missing_required_lib("jmespath"))
        try:
            query = compile_query(self.get_option("query"))
            cache = cache_from_options(self.get_option, display.warning, log=display.vvv, notice=display.v, run=run_cache)
            client = client_from_options(
                self.get_option,
                warn=display.warning,
                warn_once=cache.run.warn_once(display.warning),
                cache=cache,
                ledger_folder=cache.ledger_folder,
                log=display.v,
            )
            elements = self._elements(client, terms)
        except KmiError as exc:
            raise AnsibleLookupError(str(exc)) from None
        return [apply_query(element, query) for element in elements]

    def _option_error(self, var_options, direct):
        """The first error of the options that a keyword, an Ansible variable or the environment sets, in the modules'
        words (ansible-core's ArgumentSpecValidator on the lookup's option definitions); None when they are all good."""
        # pylint: disable-next=import-outside-toplevel
        from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # on this error only

        spec, values = {}, {}
        for name, definition in self.option_definitions.items():
            if name.startswith("_"):  # _terms: the terms, checked by each lookup itself
                continue
            kind = definition.get("type") or "str"
            spec[name] = {"type": kind if kind in _SPEC_TYPES else "raw", "required": bool(definition.get("required"))}
            for key in ("choices", "aliases"):
                if definition.get(key):
                    spec[name][key] = list(definition[key])
            # lowest precedence first: the environment, then a variable; a keyword (by any of its names) wins
            for source, found in (("env", os.environ), ("vars", var_options)):
                for entry in definition.get(source) or []:
                    if entry["name"] in found:
                        values[name] = found[entry["name"]]
            if set(direct) & {name, *spec[name].get("aliases", ())}:
                values.pop(name, None)
        values.update(direct)
        validation = ArgumentSpecValidator(spec).validate(values)
        return validation.errors.msg if validation.error_messages else None

    def _option_names(self):
        """The option names and their aliases, as keywords of the lookup may give them."""
        return {name for option, spec in self.option_definitions.items() for name in [option] + list(spec.get("aliases") or [])}

    def _unknown_options_message(self, unknown):
        """'unknown option 'x'.' with the close option names, or with all of them when none is close."""
        # pylint: disable-next=import-outside-toplevel
        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs import did_you_mean  # on this error only

        names = sorted(name for name in self.option_definitions if not name.startswith("_"))
        messages = []
        for name in unknown:
            hint = did_you_mean(name, names) or " %s takes: %s." % (self.ansible_name, ", ".join(names))
            messages.append("unknown option %r.%s" % (name, hint))
        return " ".join(messages)

    def _option_vars(self, variables):
        """The Ansible variables that set options (kmi_api_url, ...), templated: lookups get them raw."""
        names = {entry["name"] for option in self.option_definitions.values() for entry in option.get("vars") or []}
        return {name: self._templar.template(variables[name]) for name in names if name in (variables or {})}

    def _run_cache(self):
        """This run's cache, which every fork shares (the bench's no-cache baseline gives each fork its own)."""
        return RunCache(run_cache_dir())
