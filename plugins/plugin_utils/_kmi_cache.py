# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookups' cache: one request per distinct KMI call, however many hosts and forks ask.

Ansible templates a lookup once per host, each time in a freshly forked worker,
so an in-memory cache would die with every fork. Two layers instead:

* the **run cache** (_kmi_run_cache.py): one JSON file per request in a folder
  under Ansible's per-run local temp dir, which every fork of the run shares. A
  lock file per request makes it single-flight: while one fork asks the API, the
  others wait, then read its answer.
* the optional **persistent cache**: any Ansible cache plugin (jsonfile by
  default, community.general.redis for AWX clusters), with a TTL, across runs.

Entries are signed envelopes (_kmi_cache_entry.py): one that is torn, changed, not signed with this
account's token or stored in the future is not used, and the request is sent again; so is a jsonfile entry
whose file or folder other users own or can write. jsonfile entries are private files (0600) in a folder
made private (0700). Keys are digests that hold no secret (KmiClient.cache_key). Deterministic API
refusals (HTTP 4xx but 429) are kept for the run only, so 50 hosts asking for a wrong ASN cost 1 request.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shlex
import stat

from ansible.plugins.loader import cache_loader

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError, KmiInputError
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_cache_entry import ERROR_FIELDS, envelope, file_problem, problem
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_run_cache import RunCache, run_cache_dir

__all__ = ["Distrusted", "LookupCache", "PersistentCache", "RunCache", "cache_from_options", "run_cache_dir"]

JSONFILE = ("jsonfile", "ansible.builtin.jsonfile")
DEFAULT_JSONFILE_DIR = "~/.ansible/kentik_kmi_cache"
# In a jsonfile cache's folder, the subfolder of what the runs that share it coordinate with: a lock file per request
# being fetched and each account's request ledger. Its leading dot keeps it out of the jsonfile plugin's keys.
SHARED_FOLDER = ".kentik_kmi"


class Distrusted(Exception):
    """A persistent-cache entry that is not read: its file or folder is not private to this user (the reason)."""


def _is_cacheable_error(exc):
    """API refusals that another identical request would get too (not 429, not 5xx, not network)."""
    return exc.status is not None and 400 <= exc.status < 500 and exc.status != 429


class PersistentCache:
    """Answers kept across runs in an Ansible cache plugin, for ``timeout`` seconds.

    A backend that fails (Redis down, a full disk) costs a warning, not the
    play: the lookup then asks the API as if there were no cache. A jsonfile
    folder is made private (0700) when it is created, and each entry is
    written a private file (0600); ``warn_once(key, text)`` hears, once a run,
    that an existing folder is open to other users.
    """

    def __init__(self, plugin_name, connection=None, prefix=None, timeout=3600, warn=None, warn_once=None):
        self.plugin_name = plugin_name
        self.timeout = int(timeout)
        self._warn = warn or (lambda msg: None)
        self._warned = False
        if connection is None and plugin_name in JSONFILE:
            connection = DEFAULT_JSONFILE_DIR
        # A jsonfile cache's folder, shared by the runs on this machine that use it; None for other plugins.
        self.folder = os.path.abspath(os.path.expanduser(os.path.expandvars(connection))) if plugin_name in JSONFILE else None
        options = {"_timeout": self.timeout}
        if connection is not None:
            options["_uri"] = self.folder or connection
        if prefix is not None:
            options["_prefix"] = prefix
        self._prefix = prefix or ""
        if self.folder is not None:
            with contextlib.suppress(OSError):  # the plugin says what is wrong with the folder
                os.makedirs(self.folder, mode=0o700, exist_ok=True)
        try:
            self._plugin, failure = cache_loader.get(plugin_name, **options), "not found"
        except Exception as exc:  # ansible-core 2.19 raises where older versions return None
            self._plugin, failure = None, " ".join(str(exc).split())
        if self._plugin is None and plugin_name in JSONFILE:  # jsonfile is there: its folder is what failed
            raise KmiInputError(
                "cache_connection: %r is not a folder the ansible.builtin.jsonfile cache can use (%s); give a folder that exists "
                "or can be created, and that this user can write (%s when not set)" % (connection, failure, DEFAULT_JSONFILE_DIR),
                option="cache_connection",
            )
        if self._plugin is None:
            raise KmiInputError(
                "cache_plugin: %r could not be loaded (%s); use an installed Ansible cache plugin such as "
                "ansible.builtin.jsonfile or community.general.redis (list them with: ansible-doc -t cache -l)" % (plugin_name, failure),
                option="cache_plugin",
            )
        # Why no entry of the folder may be used (another user owns it, others can write it), or None.
        self._folder_problem = None
        if self.folder is not None:
            try:
                self._folder_problem = file_problem(self.folder, "folder")
                mode = stat.S_IMODE(os.stat(self.folder).st_mode)
            except OSError as exc:  # gone since the plugin checked it
                self._folder_problem, mode = "its folder %s cannot be read (%s)" % (self.folder, exc.strerror), 0
            self._warn_if_open(mode, warn_once or (lambda key, text: self._warn(text)))
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

    def _warn_if_open(self, mode, warn_once):
        """Warn (once a run) when other users can enter the jsonfile folder (its ``mode``), or write it, or own it."""
        if self._folder_problem:
            text = (
                "kentik.kmi: the jsonfile cache's entries are not used, each answer is asked of the KMI API again: %s. "
                "Give cache_connection a folder of this user's own, or make this one private: chmod 700 %s"
                % (self._folder_problem, shlex.quote(self.folder))
            )
        elif mode & 0o077:
            text = (
                "kentik.kmi: the jsonfile cache folder %s is open to other users (mode %04o): they can see which requests "
                "were cached, though not the answers (private files). Make it private: chmod 700 %s"
                % (self.folder, mode, shlex.quote(self.folder))
            )
        else:
            return
        warn_once("cache_folder:" + self.folder, text)

    def _file(self, key):
        """The jsonfile plugin's file for ``key``. ansible-core 2.19+ wraps cache plugins in an interposer that puts
        a schema prefix before each key (its _get_key); older ones use the key as it is."""
        return os.path.join(self.folder, self._prefix + getattr(self._plugin, "_get_key", str)(key))

    def get(self, key):
        """The entry kept for ``key``, or None. Raises Distrusted for a jsonfile entry whose file or folder another
        user owns or can write: it is not read."""
        if self.folder is not None:
            try:
                reason = file_problem(self._file(key), "file")
            except OSError:  # no file: nothing kept
                return None
            if reason or self._folder_problem:
                raise Distrusted(self._folder_problem or reason)
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
            if self.folder is not None:
                os.chmod(self._file(key), 0o600)  # the plugin writes 0644; the folder (0700) hides it meanwhile
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
    """The run cache, then the persistent cache (if any), then the API: ``fetch(key, send, secret)``.

    ``notice(text)`` hears why an entry was not used when it was forged or damaged (the plugins show it at -v);
    ``log(text)`` hears the rest (-vvv).
    """

    def __init__(self, run_cache, persistent=None, log=None, notice=None):
        self.run = run_cache
        self.persistent = persistent
        self._log = log or (lambda msg: None)
        self._notice = notice or self._log

    @property
    def ledger_folder(self):
        """Where the request budget of each account is kept: a jsonfile cache's folder (shared by the runs that use it),
        else the run cache's (shared by the forks of this run)."""
        if self.persistent is not None and self.persistent.shared_folder is not None:
            return self.persistent.shared_folder
        return self.run.directory  # also when the shared folder cannot be written: the forks of this run still share it

    def fetch(self, key, send, secret):
        """The answer to request ``key``: from a cache entry signed with ``secret`` (the account's cache secret, see
        _kmi_cache_entry.py), else from ``send()``, which is then kept."""
        entry = self.run.get(key)
        if problem(entry, key, secret) is None:
            return self._open(entry, "run cache")
        with self.run.lock(key):
            entry = self.run.get(key)  # another fork may have fetched it while we waited
            found = problem(entry, key, secret)
            if found is None:
                return self._open(entry, "run cache")
            if entry is not None:
                self._refused(key, "run cache", found)
            if self.persistent is None:
                return self._send(key, send, secret)
            with self.persistent.lock(key):  # another run on this machine may be fetching it
                where = "%s cache" % self.persistent.plugin_name
                try:
                    entry = self.persistent.get(key)
                    found = None if entry is None else problem(entry, key, secret, self.persistent.timeout)
                except Distrusted as exc:
                    entry, found = None, (True, str(exc))
                if entry is not None and found is None and entry["kind"] == "answer":  # refusals are kept for a run only
                    self.run.set(key, entry)
                    return self._open(entry, where)
                if found:
                    self._refused(key, where, found)
                return self._send(key, send, secret)

    def _refused(self, key, where, found):
        suspect, reason = found
        (self._notice if suspect else self._log)(
            "kentik.kmi cache: the %s entry %s.. is not used, %s; asking the KMI API" % (where, key[:12], reason)
        )

    def _send(self, key, send, secret):
        """Ask the API (``send()``) and keep the answer, or a deterministic refusal for this run."""
        try:
            value = send()
        except KmiApiError as exc:
            if _is_cacheable_error(exc):
                self.run.set(key, envelope(key, "error", {name: getattr(exc, name) for name in ERROR_FIELDS}, secret))
            raise
        entry = envelope(key, "answer", value, secret)
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


def cache_from_options(get, warn, log=None, notice=None, run=None):
    """This run's LookupCache (over ``run``, else this run's RunCache), with the persistent cache when option ``cache``
    is on; ``get(name)`` reads one option."""
    run = run or RunCache(run_cache_dir())
    persistent = None
    if get("cache"):
        persistent = PersistentCache(
            get("cache_plugin"),
            connection=get("cache_connection"),
            prefix=get("cache_prefix"),
            timeout=get("cache_timeout"),
            warn=warn,
            warn_once=run.warn_once(warn),
        )
    return LookupCache(run, persistent, log=log, notice=notice)
