# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kentik.kmi.escape_for filter: one value made safe for the file it lands in. Documented in escape_for.yml."""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_response import one_line

FORMATS = ("config", "csv", "markdown")
# A router configuration comment or quoted name keeps at most this many characters.
CONFIG_LIMIT = 200
# The first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The characters that mean something to Markdown (CommonMark, GFM tables, strikethrough and math) inside a line,
# backslash-escaped. (Those that only matter at the start of a line, such as # - + >, never start one here:
# every value lands after other text.) < and > escaped, no value can open a raw HTML tag.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")


def _config(text):
    # In a "!" (FRR) or "#" (BIRD) comment, or in a BIRD "..." string: one line, no quote, no backslash.
    text = text.replace('"', "'").replace("\\", "/")
    return text if len(text) <= CONFIG_LIMIT else text[:CONFIG_LIMIT - 3] + "..."


def _csv(text):
    # One RFC 4180 field, quoted; a cell a spreadsheet would take for a formula starts with a quote mark instead.
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return '"%s"' % text.replace('"', '""')


def _markdown(text):
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


_ESCAPERS = {"config": _config, "csv": _csv, "markdown": _markdown}


def escape_for(value, file_format):
    """``value`` (any type; None is "") as text safe in a ``file_format`` file."""
    if file_format not in _ESCAPERS:
        raise AnsibleFilterError("kentik.kmi.escape_for: the format must be one of %s, got %r" % (", ".join(FORMATS), file_format))
    return _ESCAPERS[file_format](one_line("" if value is None else str(value)))


class FilterModule:
    """escape_for."""

    def filters(self):
        return {"escape_for": escape_for}
