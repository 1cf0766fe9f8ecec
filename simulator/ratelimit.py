# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kentik's documented API rate limits, per user (off unless enabled).

Soft limit: past ``soft_per_minute`` requests in a minute, each answer is
delayed ``soft_delay`` seconds. Hard limits: past ``hard_per_minute`` in a
minute or ``hard_per_hour`` in an hour, the answer is 429 with Retry-After.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque

DEFAULTS = {"soft_per_minute": 20, "soft_delay": 1.5, "hard_per_minute": 60, "hard_per_hour": 3750}


class RateLimiter:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self.enabled = False
        self.settings = dict(DEFAULTS)
        self._accepted = defaultdict(deque)

    def configure(self, enabled, **settings):
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise ValueError("unknown rate-limit settings: %s" % ", ".join(sorted(unknown)))
        with self._lock:
            self.enabled = bool(enabled)
            self.settings = dict(DEFAULTS, **settings)
            self._accepted.clear()

    def check(self, user):
        """Return ("ok", 0), ("delay", seconds) or ("reject", retry_after_seconds) for one request."""
        if not self.enabled:
            return "ok", 0.0
        with self._lock:
            now = self._clock()
            sent = self._accepted[user]
            while sent and now - sent[0] >= 3600:
                sent.popleft()
            last_minute = [t for t in sent if now - t < 60]
            if len(last_minute) >= self.settings["hard_per_minute"]:
                return "reject", max(1, math.ceil(last_minute[0] + 60 - now))
            if len(sent) >= self.settings["hard_per_hour"]:
                return "reject", max(1, math.ceil(sent[0] + 3600 - now))
            sent.append(now)
            if len(last_minute) >= self.settings["soft_per_minute"]:
                return "delay", float(self.settings["soft_delay"])
            return "ok", 0.0
