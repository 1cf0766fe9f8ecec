# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An account's id and cache secret: stable, different for each account, and never the secrets themselves."""

from __future__ import annotations

import hashlib
import hmac

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_account import account_id, cache_secret


def test_the_account_id_names_email_and_token_together_without_holding_them():
    mine = account_id("me@example.com", "tok-123456")
    assert mine == account_id("me@example.com", "tok-123456") and len(mine) == 64
    assert mine not in (account_id("me@example.com", "tok-654321"), account_id("you@example.com", "tok-123456"))
    assert "tok-123456" not in mine and "me@example.com" not in mine


def test_the_cache_secret_is_an_hmac_of_a_fixed_label_keyed_by_the_token():
    # Tools outside the collection check entries with it (tests/integration/targets/many_forks/forks_tool.py).
    expected = hmac.new(b"tok-123456", b"kentik.kmi cache signing key", hashlib.sha256).digest()
    assert cache_secret("tok-123456") == expected
    assert cache_secret("tok-654321") != expected
