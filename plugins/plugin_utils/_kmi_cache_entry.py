# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One entry of the kentik.kmi cache: its signed envelope, and why an entry (or its file) is not to be used.

An entry is ``{"format", "key", "kind", "stored", "value", "signature"}``. The signature is an HMAC-SHA256 of
all the rest, keyed by the account's cache secret, which KmiClient derives from the API token (the token is
never stored). Whoever can write the cache but does not hold the token cannot make an entry that passes: a
changed answer, key, kind or time stored breaks the signature, and a new token makes every older entry miss.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import stat
import time

FORMAT = "kentik.kmi-cache/2"
# Seconds an entry's time stored may be ahead of this machine's clock (the clocks of machines that share a Redis).
CLOCK_SKEW = 60
# What a kept API refusal (kind "error") holds: the arguments of KmiApiError.
ERROR_FIELDS = ("operation", "reason", "status", "code", "kentik_message", "attempts", "hint")


def _signature(secret, key, kind, stored, value):
    message = json.dumps([FORMAT, key, kind, stored, value], sort_keys=True, separators=(",", ":"))
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def envelope(key, kind, value, secret, stored=None):
    """The entry that keeps ``value`` (an answer, or a refusal's ERROR_FIELDS) for request ``key``, stored now
    (or at ``stored``, seconds since the epoch)."""
    stored = time.time() if stored is None else stored
    return {"format": FORMAT, "key": key, "kind": kind, "stored": stored, "value": value, "signature": _signature(secret, key, kind, stored, value)}


def problem(entry, key, secret, max_age=0):
    """None when ``entry`` may answer request ``key``; else ``(suspect, reason)``.

    ``suspect`` is True when the entry was forged or damaged (worth a warning), False when it is merely
    of no use (another format, or older than ``max_age`` seconds; 0: no limit).
    """
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return False, "not a %s entry" % FORMAT
    stored, value, kind, signature = entry.get("stored"), entry.get("value"), entry.get("kind"), entry.get("signature")
    if (
        entry.get("key") != key
        or kind not in ("answer", "error")
        or not isinstance(value, dict)
        or (kind == "error" and set(value) != set(ERROR_FIELDS))
        or not isinstance(stored, (int, float))
        or isinstance(stored, bool)
        or not math.isfinite(stored)
        or not isinstance(signature, str)
    ):
        return True, "malformed (not a whole entry for this request)"
    if not hmac.compare_digest(signature, _signature(secret, key, kind, stored, value)):
        return True, "bad signature (not written with this account's API token, or changed since)"
    now = time.time()
    if stored > now + CLOCK_SKEW:
        return True, "stored %.0f s in the future (more than %d s ahead of this machine's clock)" % (stored - now, CLOCK_SKEW)
    if max_age and now - stored > max_age:
        return False, "expired"
    return None


def file_problem(path, what):
    """Why the ``what`` ("file", "folder") at ``path`` may not be trusted, or None: another user owns it, others (its
    group, or everyone) can write it, or it is not a plain file or folder. Raises OSError when ``path`` cannot be read.
    A folder's path is followed through symbolic links; a file's is not."""
    info = os.stat(path) if what == "folder" else os.lstat(path)
    if not (stat.S_ISDIR if what == "folder" else stat.S_ISREG)(info.st_mode):
        return "its %s %s is not a plain %s" % (what, path, what)
    if info.st_uid != os.geteuid():
        return "its %s %s belongs to another user (uid %d)" % (what, path, info.st_uid)
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "other users can write its %s %s (mode %04o)" % (what, path, stat.S_IMODE(info.st_mode))
    return None
