# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's pacing: a sliding window of requests per period, kept under Kentik's rate limits."""

from __future__ import annotations

import threading
import time
from collections import deque


class SlidingWindow:
    """At most ``limit`` requests in any ``period`` seconds (0 = no limit).

    A request holds its place from wait() until ``period`` seconds after done(), the moment its answer (or failure)
    came back. The server counts a request from its arrival, somewhere in between: counted from the send alone, a
    request that reached the server late (a new connection, a busy host) let the one ``period`` later arrive less
    than ``period`` after it, and Kentik answered 429 to a client that kept to the limit.
    """

    def __init__(self, limit, period, clock=None, sleep=None):
        self.limit = int(limit or 0)
        self.period = period
        self._done = deque()  # when the answers came back, oldest first
        self._in_flight = 0
        self._lock = threading.Lock()
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep

    def wait(self):
        """Sleep until one more request fits, then hold its place; return the seconds slept."""
        if self.limit <= 0:
            return 0.0
        slept = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._done and now - self._done[0] >= self.period:
                    self._done.popleft()
                pause = None
                if len(self._done) + self._in_flight >= self.limit and self._done:
                    pause = self._done.popleft() + self.period - now  # that place is free once the pause is over
                if pause is not None or len(self._done) + self._in_flight < self.limit:
                    self._in_flight += 1
                    break
            self._sleep(0.05)  # every place is held by a request still in flight
            slept += 0.05
        if pause is not None:
            self._sleep(pause)
            slept += pause
        return slept

    def done(self):
        """The answer to a request paced by wait() came back (or it failed): its ``period`` starts now."""
        if self.limit <= 0:
            return
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            self._done.append(self._clock())
