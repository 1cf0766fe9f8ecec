# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The query option of every module and lookup: a JMESPath expression, checked before any request."""

from __future__ import annotations

import traceback

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiInputError

try:
    import jmespath
except ImportError:
    HAS_JMESPATH = False
    JMESPATH_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_JMESPATH = True
    JMESPATH_IMPORT_ERROR = None


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
