# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What names a Kentik account in cache keys and signs its cache entries, without holding its secrets in clear."""

from __future__ import annotations

import hashlib
import hmac


def account_id(email, token):
    """A digest that names the account (email and token) in cache keys."""
    return hashlib.sha256(("kentik.kmi\n%s\n%s" % (email, token)).encode("utf-8")).hexdigest()


def cache_secret(token):
    """The key that signs the account's cache entries (plugin_utils/_kmi_cache_entry.py): derived from the token, never stored."""
    return hmac.new(str(token).encode("utf-8"), b"kentik.kmi cache signing key", hashlib.sha256).digest()
