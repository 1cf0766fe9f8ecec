# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kentik.kmi decision filters: thin wrappers around plugin_utils/_kmi_decisions.py.

Each filter is documented in the YAML file of its name next to this one (peering_candidates.yml, ...).
"""

from __future__ import annotations

import difflib
import functools
import inspect

from ansible.errors import AnsibleFilterError

from ansible_collections.kentik.kmi.plugins.plugin_utils import _kmi_decisions

FILTERS = ("peering_candidates", "transit_options", "single_homed", "mutual", "kmi_diff")


def _arguments(signature, kwargs):
    """The arguments the filter takes, and the one an unknown keyword argument may have meant."""
    piped, *names = signature.parameters
    if not names:
        return "it takes no argument but the value piped in (%s)." % piped
    text = "its arguments are: %s (the value piped in), %s." % (piped, ", ".join(names))
    for key in kwargs:
        close = [] if key in names else difflib.get_close_matches(str(key), names, n=1)
        if close:
            text += " Did you mean '%s' for '%s'?" % (close[0], key)
    return text


def _filter(name):
    """The decision function of that name, raising AnsibleFilterError (one line, naming the filter) for bad input."""
    func = getattr(_kmi_decisions, name)
    signature = inspect.signature(func)

    @functools.wraps(func)
    def run(*args, **kwargs):
        try:
            signature.bind(*args, **kwargs)
        except TypeError as exc:  # a missing argument, an unknown keyword: name the arguments there are
            raise AnsibleFilterError("%s%s: %s; %s" % (_kmi_decisions.PREFIX, name, exc, _arguments(signature, kwargs))) from None
        try:
            return func(*args, **kwargs)
        except _kmi_decisions.KmiDecisionError as exc:
            raise AnsibleFilterError(str(exc)) from None

    return run


class FilterModule:
    """peering_candidates, transit_options, single_homed, mutual, kmi_diff."""

    def filters(self):
        return {name: _filter(name) for name in FILTERS}
