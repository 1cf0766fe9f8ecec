# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cache doc fragment says what the option table says, so that ansible-doc and the lookups read the truth."""

from __future__ import annotations


def test_the_fragment_matches_the_option_table(check_against_table):
    assert check_against_table("cache") == 5
