# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault plan: latency for every request, and faults queued for the next N requests.

A fault is a dict with a ``kind`` and a ``count`` (how many of the next
requests it hits, default 1); optional ``operation`` limits it to one RPC.

kinds:
  status     answer HTTP ``status`` (429, 500, 502, 503, 504, 401, 403, 404, ...)
             with a gateway error body; ``retry_after`` (a string: seconds or an
             HTTP date) adds a Retry-After header; ``retry_after_in`` (seconds) adds
             one that is an HTTP date that long after the answer is sent (the date
             has whole seconds, so the wait may be up to 1 s shorter);
             ``html`` true sends an HTML page
  reset      close the connection without answering
  stall      say nothing for ``seconds`` (default 10), then close
  truncated  answer 200 with the full Content-Length but only half the JSON body
  html       answer 200 with an HTML page (a proxy's login page)
  empty      answer 200 with an empty body
  badjson    answer 200 with a complete body that is not valid JSON
"""

from __future__ import annotations

import threading

KINDS = ("status", "reset", "stall", "truncated", "html", "empty", "badjson")


class FaultPlanError(ValueError):
    """A fault plan is not in the documented form."""


class FaultPlan:
    """Thread-safe queue of faults plus a fixed latency."""

    def __init__(self):
        self._lock = threading.Lock()
        self.latency = 0.0
        self._queue = []

    def set(self, plan):
        """Replace the plan: {"latency_ms": 20, "faults": [{"kind": ..., "count": ...}, ...]}."""
        faults = []
        for fault in plan.get("faults", []):
            if not isinstance(fault, dict) or fault.get("kind") not in KINDS:
                raise FaultPlanError("each fault needs a kind among %s: %r" % (", ".join(KINDS), fault))
            if fault["kind"] == "status" and not isinstance(fault.get("status"), int):
                raise FaultPlanError("a status fault needs an integer status: %r" % (fault,))
            entry = dict(fault)
            entry["count"] = int(fault.get("count", 1))
            if entry["count"] < 1:
                raise FaultPlanError("a fault's count must be 1 or more: %r" % (fault,))
            faults.append(entry)
        with self._lock:
            self.latency = float(plan.get("latency_ms", 0)) / 1000.0
            self._queue = faults

    def clear(self):
        with self._lock:
            self.latency = 0.0
            self._queue = []

    def take(self, operation):
        """Return the fault that hits this request (and use one of its count), or None."""
        with self._lock:
            for fault in self._queue:
                if fault.get("operation") not in (None, operation):
                    continue
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self._queue.remove(fault)
                return dict(fault)
        return None

    def pending(self):
        with self._lock:
            return [dict(f) for f in self._queue]
