# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's request budget: Kentik's rate limits (per user, not per process) kept by every request of an account.

A budget answers two calls: ``take()`` waits until one more request fits the
limits, then holds its place and returns a slot; ``release(slot)`` says its
answer came back. ``pause(seconds)`` records a 429: no request of the account
starts before it is over. Two stores hold the same state:

* ProcessBudget: in memory, for one client (a module that runs on another host);
* FileLedger: a JSON file under a lock file, for every process and thread of
  the controller that opens it: the forks of a run (the file lives in the run
  cache's folder), and runs that share a jsonfile cache folder (it lives there).

A request holds its place from take() until a period after release(), the
moment its answer (or failure) came back. The server counts it from its
arrival, somewhere in between: counted from the send alone, a request that
reached the server late let the one a period later arrive less than a period
after it, and Kentik answered 429 to a client that kept to the limit.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import tempfile
import threading
import time
import uuid

FORMAT = "kentik.kmi-ledger/1"
POLL = 0.05  # seconds between looks while every place is held by a request in flight
_MAX_ENTRIES = 100000  # a ledger file holds at most this many answer times (Kentik's hourly limit is 3,750)
_MAX_PAUSE = 3600.0  # no recorded 429 makes the account wait longer than an hour


class BudgetPaused(Exception):
    """A 429 made the account wait ``seconds`` more, past the taker's max_wait: the request is not sent."""

    def __init__(self, seconds):
        super().__init__("the account is paused for %.1f s more" % seconds)
        self.seconds = seconds


def _empty():
    return {"done": [], "in_flight": [], "paused_until": 0.0}


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


class _Budget:
    """Pacing over a state ``{done: [answer times], in_flight: [[slot, pid, start]], paused_until}``.

    ``limits``: ((requests, period seconds), ...), a limit of 0 is none. A take() that would wait past
    ``max_wait`` seconds for a 429's pause raises BudgetPaused at once, as the client does with a Retry-After
    past max_retry_wait; a wait for the limits goes on, and ``say(text)`` hears once when it passes ``max_wait``.
    """

    def __init__(self, limits, max_wait=None, say=None, clock=time.time, sleep=time.sleep):
        self.limits = tuple((int(limit), float(period)) for limit, period in limits if int(limit or 0) > 0)
        self._horizon = max([period for dummy, period in self.limits] + [60.0])
        self.max_wait = max_wait
        self._say = say
        self._clock = clock
        self._sleep = sleep

    def _state(self):
        """A context manager that yields the state, kept to itself while the block runs, and saves what it changed."""
        raise NotImplementedError

    def take(self):
        """Sleep until one more request fits, then hold its place; return its slot (for release())."""
        slot = "%d-%s" % (os.getpid(), uuid.uuid4().hex[:12])
        waited, said = 0.0, False
        while True:
            with self._state() as state:
                now = self._clock()
                self._prune(state, now)
                wait = self._wait(state, now)
                if wait <= 0:
                    state["in_flight"].append([slot, os.getpid(), now])
                    return slot
                paused = state["paused_until"] - now
            if paused > 0 and self.max_wait is not None and waited + paused > self.max_wait:
                raise BudgetPaused(paused)
            if not said and self._say and self.max_wait is not None and waited + wait > self.max_wait:
                said = True
                self._say(
                    "kentik.kmi: waiting %.1f s more (%.1f s so far) for a request slot of this Kentik account, past max_retry_wait "
                    "%g s: %s" % (wait, waited, self.max_wait, self._describe())
                )
            self._sleep(wait)
            waited += wait

    def release(self, slot):
        """The request of ``slot`` has its answer (or failed): its place is held for a period from now."""
        with self._state() as state:
            state["in_flight"] = [entry for entry in state["in_flight"] if entry[0] != slot]
            state["done"].append(self._clock())

    def pause(self, seconds):
        """Kentik answered 429: no request of the account starts in the next ``seconds``."""
        with self._state() as state:
            state["paused_until"] = max(state["paused_until"], self._clock() + min(float(seconds), _MAX_PAUSE))

    def _prune(self, state, now):
        """Forget answers older than the longest period; a request of a process that died counts as answered now."""
        state["done"] = [t for t in state["done"] if 0 <= now - t < self._horizon]
        alive = []
        for entry in state["in_flight"]:
            if _pid_alive(entry[1]) and now - entry[2] < self._horizon:
                alive.append(entry)
            else:
                state["done"].append(now)
        state["in_flight"] = alive
        if state["paused_until"] > now + _MAX_PAUSE:
            state["paused_until"] = now + _MAX_PAUSE

    def _wait(self, state, now):
        """Seconds until one more request fits (0 or less: now); POLL while the places are held by requests in flight."""
        wait = state["paused_until"] - now
        held = len(state["in_flight"])
        for limit, period in self.limits:
            recent = sorted(t for t in state["done"] if now - t < period)
            excess = len(recent) + held - limit  # this many places must free up before one more fits, plus one
            if excess >= 0:
                wait = max(wait, recent[excess] + period - now if excess < len(recent) else POLL)
        return wait

    def _describe(self):
        return ", ".join("%d requests in %g s" % (limit, period) for limit, period in self.limits) + " are taken"


class ProcessBudget(_Budget):
    """The budget of one client, in memory: the threads of this process share it (time.monotonic)."""

    def __init__(self, limits, max_wait=None, say=None, clock=time.monotonic, sleep=time.sleep):
        super().__init__(limits, max_wait, say, clock, sleep)
        self._data = _empty()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _state(self):
        with self._lock:
            yield self._data


class FileLedger(_Budget):
    """The budget of one account in the file ``path``, under the lock file ``path.lock`` (wall-clock times).

    The lock is an flock, which dies with its process: a killed run leaves no lock behind, and its requests
    in flight count as answered when the next taker sees that their process is gone. The file is replaced
    whole (a reader never sees half of it), and a file that is not a sound ledger counts as empty.
    """

    def __init__(self, path, limits, max_wait=None, say=None, clock=time.time, sleep=time.sleep):
        super().__init__(limits, max_wait, say, clock, sleep)
        self.path = path
        self._memory = None  # the in-process store this ledger falls back to when its file cannot be used
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        except OSError as exc:
            self._fall_back(exc, _empty())

    def _fall_back(self, exc, state):
        """The file cannot be used (no such folder, no space, no permission): from now on, pace this process alone."""
        self._memory = ProcessBudget(())
        self._memory._data = state  # pylint: disable=protected-access
        if self._say:
            self._say("kentik.kmi: the request ledger %s cannot be used (%s); this process paces only itself" % (self.path, exc))

    @contextlib.contextmanager
    def _state(self):
        fd = None
        if self._memory is None:
            try:
                fd = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                self._fall_back(exc, _empty())
        if fd is None:
            with self._memory._state() as state:  # pylint: disable=protected-access
                yield state
            return
        with os.fdopen(fd, "r+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when this process dies
            state = self._read()
            before = json.dumps(state)
            yield state
            if json.dumps(state) != before:
                try:
                    self._write(state)
                except OSError as exc:
                    self._fall_back(exc, state)

    def _read(self):
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            if data["format"] != FORMAT:
                return _empty()
            state = {
                "done": [float(t) for t in data["done"][-_MAX_ENTRIES:]],
                "in_flight": [[str(slot), int(pid), float(start)] for slot, pid, start in data["in_flight"][:_MAX_ENTRIES]],
                "paused_until": float(data["paused_until"]),
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return _empty()
        numbers = state["done"] + [entry[2] for entry in state["in_flight"]] + [state["paused_until"]]
        return state if all(math.isfinite(number) for number in numbers) else _empty()

    def _write(self, state):
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(self.path), prefix=".tmp-ledger-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(dict(state, format=FORMAT), handle, separators=(",", ":"))
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
