# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ISO 3166-1 table that lets ``market: DE`` find the market named Germany."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_countries import COUNTRY_NAMES

ISO_CODES = "/usr/share/iso-codes/json/iso_3166-1.json"  # Debian iso-codes: what hacking/make_country_table.py reads


def test_every_code_has_clean_names():
    assert len(COUNTRY_NAMES) >= 249
    for code, names in COUNTRY_NAMES.items():
        assert len(code) == 2 and code.isalpha() and code.isupper()
        assert names and len(set(names)) == len(names)
        assert all(name.strip() == name and name.isprintable() for name in names)


def test_the_markets_users_name_by_code():
    assert COUNTRY_NAMES["DE"][0] == "Germany"
    assert "United Kingdom" in COUNTRY_NAMES["GB"]
    assert "United States" in COUNTRY_NAMES["US"]
    assert "Korea, Republic of" in COUNTRY_NAMES["KR"]


@pytest.mark.skipif(not os.path.exists(ISO_CODES), reason="Debian iso-codes is not installed: apt install iso-codes")
def test_the_table_holds_every_country_of_iso_codes():
    with open(ISO_CODES, encoding="utf-8") as handle:
        entries = json.load(handle)["3166-1"]
    assert {entry["alpha_2"] for entry in entries} == set(COUNTRY_NAMES)
    for entry in entries:
        assert COUNTRY_NAMES[entry["alpha_2"]][0] == entry["name"]
