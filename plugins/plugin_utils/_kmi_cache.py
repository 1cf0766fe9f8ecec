# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookups' cache: one request per distinct KMI call, however many hosts and forks ask.

Ansible templates a lookup once per host, each time in a freshly forked worker,
so an in-memory cache would die with every fork. Two layers instead:

* the **run cache**: one JSON file per request in a folder under Ansible's
  per-run local temp dir (``C.DEFAULT_LOCAL_TMP``). The main ansible-playbook
  process makes that dir before it forks, every fork sees the same path, and
  Ansible deletes it when the run ends. A lock file per request (``flock``)
  makes it single-flight: while one fork asks the API, the others wait, then
  read its answer.
* the optional **persistent cache**: any Ansible cache plugin (jsonfile by
  default, community.general.redis for AWX clusters), with a TTL, across runs.

Entries are envelopes with the request key and a SHA-256 of the answer, so a
torn or tampered entry is detected and fetched again. Keys are digests that
hold no secret (KmiClient.cache_key). Deterministic API refusals (HTTP 4xx but
429) are kept for the run only, so 50 hosts asking for a wrong ASN cost 1 request.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import time

from ansible import constants as C
from ansible.plugins.loader import cache_loader

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError, KmiInputError

FORMAT = "kentik.kmi-cache/1"
JSONFILE = ("jsonfile", "ansible.builtin.jsonfile")
DEFAULT_JSONFILE_DIR = "~/.ansible/kentik_kmi_cache"
# In a jsonfile cache's folder, the subfolder of what the runs that share it coordinate with: a lock file per request
# being fetched and each account's request ledger. Its leading dot keeps it out of the jsonfile plugin's keys.
SHARED_FOLDER = ".kentik_kmi"
_ERROR_FIELDS = ("operation", "reason", "status", "code", "kentik_message", "attempts", "hint")


def _digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def _envelope(key, kind, value):
    return {"format": FORMAT, "key": key, "kind": kind, "stored": time.time(), "digest": _digest(value), "value": value}


def _is_sound(entry, key, max_age=None):
    """True when ``entry`` is a whole, untampered envelope for ``key`` (and not older than ``max_age`` s)."""
    try:
        return (
            entry["format"] == FORMAT
            and entry["key"] == key
            and entry["kind"] in ("answer", "error")
            and entry["digest"] == _digest(entry["value"])
            and (not max_age or time.time() - float(entry["stored"]) <= max_age)
        )
    except (TypeError, KeyError, ValueError):
        return False


def _is_cacheable_error(exc):
    """API refusals that another identical request would get too (not 429, not 5xx, not network)."""
    return exc.status is not None and 400 <= exc.status < 500 and exc.status != 429


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


class PersistentCache:
    """Answers kept across runs in an Ansible cache plugin, for ``timeout`` seconds.

    A backend that fails (Redis down, a full disk) costs a warning, not the
    play: the lookup then asks the API as if there were no cache.
    """

    def __init__(self, plugin_name, connection=None, prefix=None, timeout=3600, warn=None):
        self.plugin_name = plugin_name
        self.timeout = int(timeout)
        self._warn = warn or (lambda msg: None)
        self._warned = False
        if connection is None and plugin_name in JSONFILE:
            connection = os.path.expanduser(DEFAULT_JSONFILE_DIR)
        # A jsonfile cache's folder, shared by the runs on this machine that use it; None for other plugins.
        self.folder = os.path.abspath(os.path.expanduser(connection)) if plugin_name in JSONFILE else None
        options = {"_timeout": self.timeout}
        if connection is not None:
            options["_uri"] = connection
        if prefix is not None:
            options["_prefix"] = prefix
        try:
            self._plugin, problem = cache_loader.get(plugin_name, **options), "not found"
        except Exception as exc:  # ansible-core 2.19 raises where older versions return None
            self._plugin, problem = None, " ".join(str(exc).split())
        if self._plugin is None and plugin_name in JSONFILE:  # jsonfile is there: its folder is what failed
            raise KmiInputError(
                "cache_connection: %r is not a folder the ansible.builtin.jsonfile cache can use (%s); give a folder that exists "
                "or can be created, and that this user can write (%s when not set)" % (connection, problem, DEFAULT_JSONFILE_DIR),
                option="cache_connection",
            )
        if self._plugin is None:
            raise KmiInputError(
                "cache_plugin: %r could not be loaded (%s); use an installed Ansible cache plugin such as "
                "ansible.builtin.jsonfile or community.general.redis (list them with: ansible-doc -t cache -l)" % (plugin_name, problem),
                option="cache_plugin",
            )
        # Its SHARED_FOLDER, where the runs that use the folder coordinate; None for other plugins, or if it cannot be written.
        self.shared_folder = None
        if self.folder is not None:
            shared = os.path.join(self.folder, SHARED_FOLDER)
            with contextlib.suppress(OSError):
                os.makedirs(shared, mode=0o700, exist_ok=True)
            if os.path.isdir(shared) and os.access(shared, os.W_OK | os.X_OK):
                self.shared_folder = shared

    def _failed(self, action, exc):
        if not self._warned:
            self._warned = True
            self._warn(
                "kentik.kmi: the %s cache could not %s (%s); asking the KMI API instead."
                % (self.plugin_name, action, " ".join(str(exc).split())[:300])
            )

    def get(self, key):
        try:
            return self._plugin.get(key)
        except KeyError:
            return None
        except Exception as exc:  # any backend failure, including a corrupt file the plugin refuses
            self._failed("be read", exc)
            return None

    def set(self, key, entry):
        try:
            self._plugin.set(key, entry)
        except Exception as exc:
            self._failed("be written", exc)

    @contextlib.contextmanager
    def lock(self, key):
        """Hold the request's lock across the runs that share this jsonfile folder (other plugins: no lock)."""
        if self.shared_folder is None:
            yield
            return
        try:
            handle = open(os.path.join(self.shared_folder, "lock-" + key), "a")  # pylint: disable=consider-using-with
        except OSError:  # the folder is no longer writable: the cache's own warning says so
            yield
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield


class LookupCache:
    """The run cache, then the persistent cache (if any), then the API: ``fetch(key, send)``."""

    def __init__(self, run_cache, persistent=None, log=None):
        self.run = run_cache
        self.persistent = persistent
        self._log = log or (lambda msg: None)

    @property
    def ledger_folder(self):
        """Where the request budget of each account is kept: a jsonfile cache's folder (shared by the runs that use it),
        else the run cache's (shared by the forks of this run)."""
        if self.persistent is not None and self.persistent.shared_folder is not None:
            return self.persistent.shared_folder
        return self.run.directory  # also when the shared folder cannot be written: the forks of this run still share it

    def fetch(self, key, send):
        entry = self.run.get(key)
        if _is_sound(entry, key):
            return self._open(entry, "run cache")
        with self.run.lock(key):
            entry = self.run.get(key)  # another fork may have fetched it while we waited
            if _is_sound(entry, key):
                return self._open(entry, "run cache")
            if entry is not None:
                self._log("kentik.kmi cache: unsound run-cache entry %s.. dropped" % key[:12])
            if self.persistent is None:
                return self._send(key, send)
            with self.persistent.lock(key):  # another run on this machine may be fetching it
                entry = self.persistent.get(key)
                if _is_sound(entry, key, self.persistent.timeout) and entry["kind"] == "answer":
                    self.run.set(key, entry)
                    return self._open(entry, "%s cache" % self.persistent.plugin_name)
                if entry is not None:
                    self._log("kentik.kmi cache: stale or unsound %s entry %s.. refetched" % (self.persistent.plugin_name, key[:12]))
                return self._send(key, send)

    def _send(self, key, send):
        """Ask the API (``send()``) and keep the answer, or a deterministic refusal for this run."""
        try:
            value = send()
        except KmiApiError as exc:
            if _is_cacheable_error(exc):
                self.run.set(key, _envelope(key, "error", {name: getattr(exc, name) for name in _ERROR_FIELDS}))
            raise
        entry = _envelope(key, "answer", value)
        self.run.set(key, entry)
        if self.persistent is not None:
            self.persistent.set(key, entry)
        self._log("kentik.kmi cache: %s.. fetched from the API" % key[:12])
        return value

    def _open(self, entry, where):
        self._log("kentik.kmi cache: %s.. answered from the %s" % (entry["key"][:12], where))
        if entry["kind"] == "error":
            raise KmiApiError(**entry["value"])
        return entry["value"]


def run_cache_dir():
    """This run's cache folder: inside Ansible's per-run local temp dir, removed when the run ends."""
    return os.path.join(C.DEFAULT_LOCAL_TMP, "kentik_kmi_cache")


def cache_from_options(get, warn, log=None):
    """This run's LookupCache, with the persistent cache when option ``cache`` is on; ``get(name)`` reads one option."""
    persistent = None
    if get("cache"):
        persistent = PersistentCache(
            get("cache_plugin"), connection=get("cache_connection"), prefix=get("cache_prefix"), timeout=get("cache_timeout"), warn=warn
        )
    return LookupCache(RunCache(run_cache_dir()), persistent, log=log)
