# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run cache: what the forks of one ansible-playbook run share, one JSON file per entry.

Its folder is under Ansible's per-run local temp dir (``C.DEFAULT_LOCAL_TMP``): the main ansible-playbook
process makes that dir before it forks, every fork sees the same path, and Ansible deletes it when the run
ends. It holds each request's entry (_kmi_cache.py's LookupCache), each finished call's (_kmi_call_memo.py)
and the lookups' option definitions (_kmi_lookup_options.py). Kept apart from the persistent cache so that a
fork answered from here loads no more than it reads.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile

from ansible import constants as C


class RunCache:
    """One file per request in a folder that every fork of this run shares."""

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, mode=0o700, exist_ok=True)

    def _path(self, key, suffix):
        return os.path.join(self.directory, key + suffix)

    def get(self, key):
        try:
            with open(self._path(key, ".json"), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def set(self, key, entry):
        """Write atomically: a reader sees the old file, the new file, or none; never half of one."""
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle)
            os.replace(tmp, self._path(key, ".json"))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def first(self, name):
        """True for the first caller in this run (any fork) that asks about ``name``, False for every later one."""
        try:
            os.close(os.open(self._path("once-" + hashlib.sha256(name.encode("utf-8")).hexdigest(), ""), os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            return False
        return True

    def warn_once(self, say):
        """A warn_once for KmiClient: ``say(text)`` for the first caller in this run (any fork) with that warning's key."""

        def warn_once(key, text):
            if self.first("warning:" + key):
                say(text)

        return warn_once

    @contextlib.contextmanager
    def lock(self, key):
        """Hold the request's lock: one fork (or thread) at a time asks the API for ``key``."""
        with open(self._path(key, ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def run_cache_dir():
    """This run's cache folder: inside Ansible's per-run local temp dir, removed when the run ends."""
    return os.path.join(C.DEFAULT_LOCAL_TMP, "kentik_kmi_cache")
