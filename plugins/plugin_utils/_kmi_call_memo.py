# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A finished lookup or controller-path module call, kept in the run cache for the next host that makes it.

Ansible runs each host's task in a new fork, which has loaded nothing of kentik.kmi. Asking the client for an
answer the run cache holds would load the RPC layer, requests, jmespath and the response shaping, build a client
and check and shape each cached request's answer again: many times what the answer itself costs to read. So a
plugin first looks for its whole call here. The key is a digest of the plugin's name and of all its inputs (each
option, credentials included, and the terms), so only the same call with the same options and account finds it;
the entry is the plugin's finished answer, signed like every cache entry (_kmi_cache_entry.py) with the account's
cache secret. Only answers are kept: a call that failed is made again, through the client (an API refusal is in
the run cache, so it costs no request).
"""

from __future__ import annotations

import contextlib
import hashlib
import json

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_account import cache_secret
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache_entry import envelope, problem


class CallMemo:
    """The run cache's entry for one call: ``plugin`` (e.g. "lookup kentik.kmi.kmi_rankings") on ``inputs``.

    ``token`` is the call's API token (None when it has none: nothing is kept then, and the call fails in the client).
    """

    def __init__(self, run_cache, plugin, inputs, token):
        self.run = run_cache
        self._secret = cache_secret(token) if token else None
        call = json.dumps({"call": plugin, "inputs": inputs}, sort_keys=True, default=repr)
        self.key = "call-" + hashlib.sha256(call.encode("utf-8")).hexdigest()

    def get(self):
        """The answer kept for this call, or None (none kept, or an entry that fails its checks)."""
        if self._secret is None:
            return None
        entry = self.run.get(self.key)
        if entry is None or problem(entry, self.key, self._secret) is not None or entry["kind"] != "answer":
            return None
        return entry["value"]["answer"]

    def keep(self, answer):
        """Keep ``answer`` (JSON data) for the rest of the run, if the run cache's folder takes it: the memo only saves time."""
        if self._secret is not None:
            with contextlib.suppress(OSError, TypeError, ValueError):  # a full disk; data that is not JSON: not kept
                self.run.set(self.key, envelope(self.key, "answer", {"answer": answer}, self._secret))
