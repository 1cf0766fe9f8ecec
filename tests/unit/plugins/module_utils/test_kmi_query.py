# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""compile_query: a malformed JMESPath expression is one line that names the query option."""

from __future__ import annotations

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiInputError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_query import compile_query


@pytest.mark.parametrize(
    "expression, message",
    [
        # jmespath ends this error with a colon before its echo and caret lines: the colon goes with them
        ("rankings[0", "query: 'rankings[0' is not a valid JMESPath expression: Invalid jmespath expression: Incomplete expression"),
        ("[?asn==", "query: '[?asn==' is not a valid JMESPath expression: Invalid jmespath expression: Incomplete expression"),
    ],
)
def test_malformed_query_is_one_line(expression, message):
    with pytest.raises(KmiInputError) as info:
        compile_query(expression)
    assert str(info.value) == message
    assert info.value.option == "query"


def test_parse_error_keeps_its_position():
    with pytest.raises(KmiInputError) as info:
        compile_query("[].name | [")
    assert str(info.value).startswith("query: '[].name | [' is not a valid JMESPath expression: ")
    assert "\n" not in str(info.value) and not str(info.value).endswith(":")


def test_no_query():
    assert compile_query(None) is None and compile_query("") is None
