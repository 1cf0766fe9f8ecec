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

hostile kinds (what a proxy, a captive portal or a man-in-the-middle may send; answer_hostile()):
  redirect   answer ``status`` (default 302) with ``Location: <location>`` (required)
  endless    answer 200 with a chunked body that never ends (until the client leaves, or ``seconds``, default 120)
  drip       answer 200 with a valid ListMarkets body (padded with spaces to ``size`` bytes) and its full
             Content-Length, ``bytes_per_second`` (default 1) at a time
  deep_json  answer 200 with {"markets": ...} nested ``depth`` (default 200000) arrays deep; ``bare`` true sends the
             arrays alone (a JSON list where an object belongs)
  echo       answer ``status`` (default 401) with a gateway error whose message repeats the request's email and
             token in another letter case, and the email percent-encoded (as a careless proxy or API might)

data faults (answered as usual, then changed; meant with a large ``count``):
  hostile    spec-valid JSON whose values would break what kentik.kmi writes (hostile.py holds the corpus): ``names``
             true puts the corpus into every name, country and message; ``market_id`` (a string) replaces every
             market id; ``field`` and ``value`` set one field of the first object that has it (an AS number of -5, a
             score of 2**32, ...)
  drift      a change a CI's drift gate should catch: in GetASNDetails answers the network ``asn`` loses the first
             ``number`` (default 1) of its ``lose`` list (``providers``, ``peers`` or ``customers``)
"""

from __future__ import annotations

import copy
import threading
import time
from urllib.parse import quote

HOSTILE = ("redirect", "endless", "drip", "deep_json", "echo")
DATA = ("hostile", "drift")
KINDS = ("status", "reset", "stall", "truncated", "html", "empty", "badjson") + DATA + HOSTILE
DRIFT_LISTS = ("providers", "peers", "customers")


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
            if fault["kind"] == "hostile" and not (fault.get("names") or isinstance(fault.get("market_id"), str) or "field" in fault):
                raise FaultPlanError("a hostile fault needs names: true, a market_id (a string) or a field and a value: %r" % (fault,))
            if fault["kind"] == "drift" and not (isinstance(fault.get("asn"), int) and fault.get("lose") in DRIFT_LISTS):
                raise FaultPlanError("a drift fault needs an asn (an integer) and lose: one of %s: %r" % (", ".join(DRIFT_LISTS), fault))
            if fault["kind"] == "redirect" and not isinstance(fault.get("location"), str):
                raise FaultPlanError("a redirect fault needs a location (a URL): %r" % (fault,))
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


def apply_drift(fault, answer):
    """``answer`` (the simulator's, snake_case) with the ``drift`` fault's change; a new object."""
    answer = copy.deepcopy(answer)
    details = answer.get("asn_details")
    if isinstance(details, dict) and details.get("asn") == fault["asn"] and details.get(fault["lose"]):
        del details[fault["lose"]][: int(fault.get("number", 1))]
    return answer


def answer_hostile(handler, fault):
    """Answer one request (the server's _Handler) as a hostile server would. Return the status sent, or None."""
    kind = fault["kind"]
    if kind == "redirect":
        status = int(fault.get("status", 302))
        handler.send_response(status)
        handler.send_header("Location", fault["location"])
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return status
    if kind == "echo":
        email, token = handler.headers.get("X-CH-Auth-Email", ""), handler.headers.get("X-CH-Auth-API-Token", "")
        message = "Unauthorized: token %s is not valid for %s (%s)" % (token.swapcase(), email.upper(), quote(email, safe=""))
        status = int(fault.get("status", 401))
        handler.send_error_body(status, message)
        return status
    if kind == "deep_json":
        depth = int(fault.get("depth", 200000))
        nested = b"[" * depth + b"]" * depth
        handler.send_body(200, nested if fault.get("bare") else b'{"markets": ' + nested + b"}")
        return 200
    stopping = handler.server.simulator.stopping
    if kind == "drip":
        rate = max(1, int(fault.get("bytes_per_second", 1)))
        answer = handler.markets_body().ljust(int(fault.get("size", 0)))  # trailing spaces keep it valid JSON
        handler.send_body(200, b"", length=len(answer))
        step = max(1, rate // 10)
        for start in range(0, len(answer), step):
            if stopping.is_set() or not _write(handler, answer[start:start + step]):
                break
            time.sleep(step / float(rate))
        return 200
    # endless: chunked, so the client cannot know a length to refuse up front
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b'{"marketId": "planet$earth", "name": "Global"}, ' * 1300
    deadline = time.monotonic() + float(fault.get("seconds", 120))
    sent = _write(handler, b"%x\r\n%s\r\n" % (len(b'{"markets": ['), b'{"markets": ['))
    while sent and time.monotonic() < deadline and not stopping.is_set():
        sent = _write(handler, b"%x\r\n%s\r\n" % (len(chunk), chunk))
    handler.close_connection = True
    return 200


def _write(handler, data):
    """Write to the client; False when it has gone."""
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
    except OSError:
        handler.close_connection = True
        return False
    return True
