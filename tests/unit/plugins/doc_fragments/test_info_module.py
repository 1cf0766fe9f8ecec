# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info_module doc fragment: every *_info module takes it, with the connection and cache options."""

from __future__ import annotations

import pytest

MODULES = ("kmi_markets_info", "kmi_rankings_info", "kmi_asn_info", "kmi_insights_info")


def test_it_says_the_modules_only_read_and_have_an_action_plugin(documentation):
    attributes = documentation("doc_fragments", "info_module")["attributes"]
    assert attributes["check_mode"]["support"] == attributes["action"]["support"] == "full"


@pytest.mark.parametrize("module", MODULES)
def test_every_info_module_takes_it(documentation, module):
    fragments = documentation("modules", module)["extends_documentation_fragment"]
    assert {"kentik.kmi.info_module", "kentik.kmi.connection", "kentik.kmi.cache"} <= set(fragments)
