# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call_options doc fragment: a module and the lookup of the same call take the same options of it."""

from __future__ import annotations

import pytest

# module: the lookup of the same call
CALLS = {"kmi_markets_info": "kmi_markets", "kmi_rankings_info": "kmi_rankings", "kmi_asn_info": "kmi_asn_info",
         "kmi_insights_info": "kmi_insights"}
# What a lookup takes as its terms instead: the rankings lookup's terms are markets.
AS_TERMS = {"kmi_rankings": {"kentik.kmi.call_options.market"}}


def _call_options(fragments):
    return {name for name in fragments if name.startswith("kentik.kmi.call_options.")}


@pytest.mark.parametrize("module, lookup", sorted(CALLS.items()))
def test_a_module_and_its_lookup_take_the_same_call_options(documentation, module, lookup):
    of_module = _call_options(documentation("modules", module)["extends_documentation_fragment"])
    assert of_module - AS_TERMS.get(lookup, set()) == _call_options(documentation("lookup", lookup)["extends_documentation_fragment"])


def test_every_section_is_taken_and_documents_options(documentation):
    taken = set()
    for module, lookup in CALLS.items():
        taken |= _call_options(documentation("modules", module)["extends_documentation_fragment"])
    for section in taken:
        options = documentation("doc_fragments", "call_options", section.rsplit(".", 1)[1].upper())["options"]
        assert options and all(option.get("description") and option.get("type") for option in options.values()), section
