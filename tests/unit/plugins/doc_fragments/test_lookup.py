# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookup doc fragment: every lookup takes it, with the connection and cache options and where they come from."""

from __future__ import annotations

import pytest

LOOKUPS = ("kmi_markets", "kmi_rankings", "kmi_asn_info", "kmi_insights")


def test_it_documents_the_query_option(documentation):
    assert documentation("doc_fragments", "lookup")["options"]["query"]["type"] == "str"


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_every_lookup_takes_it_and_the_option_sources(documentation, lookup):
    fragments = documentation("lookup", lookup)["extends_documentation_fragment"]
    assert {"kentik.kmi.lookup", "kentik.kmi.connection", "kentik.kmi.connection.plugins", "kentik.kmi.cache",
            "kentik.kmi.cache.plugins"} <= set(fragments)
