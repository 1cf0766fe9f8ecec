# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client of the simulator's control API (/_sim/, simulator/README.md): bench, tests and scripts use it.

In Python::

    control = Control("http://127.0.0.1:8700")
    control.wait_healthy()               # until the simulator answers (it loads its dataset first)
    control.reset()                      # empty log, no faults, rate limit off
    control.faults([{"kind": "status", "status": 503}], latency_ms=20)   # replaces the fault plan
    control.rate_limit(enabled=True, hard_per_minute=6)
    control.log()                        # {"count", "requests": [...], "open_connections"}

From a shell, with the collection's root as the current folder or on PYTHONPATH::

    python -m simulator.control URL health|wait|reset|log
    python -m simulator.control URL faults|rate_limit JSON-BODY

prints the simulator's answer as JSON; a failure is one line on stderr and exit status 1.

Nothing but the standard library. Never through a proxy of the environment; https without checking the certificate on
loopback only (the simulator's own test certificate).
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit


class ControlError(Exception):
    """The control API failed or refused a request; str() is one line."""


def _is_loopback(host):
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Control:
    """The control API of the simulator at ``url`` (its base URL, e.g. http://127.0.0.1:8700)."""

    def __init__(self, url, timeout=30.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        handlers = [urllib.request.ProxyHandler({})]
        parts = urlsplit(self.url)
        if parts.scheme == "https" and _is_loopback(parts.hostname):
            handlers.append(urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))  # pylint: disable=protected-access
        self._opener = urllib.request.build_opener(*handlers)

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + "/_sim/" + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return json.load(answer)
        except urllib.error.HTTPError as exc:
            try:
                reason = json.load(exc).get("error", exc.reason)
            except (ValueError, AttributeError):
                reason = exc.reason
            raise ControlError("%s %s/_sim/%s: HTTP %d: %s" % (method, self.url, path, exc.code, reason)) from None
        except (OSError, ValueError) as exc:
            raise ControlError("%s %s/_sim/%s: %s" % (method, self.url, path, getattr(exc, "reason", exc))) from None

    def health(self):
        """{"ok": true, "dataset": its file or generator, "markets": how many}."""
        return self._call("GET", "health")

    def wait_healthy(self, seconds=10.0):
        """The health answer, once the simulator gives one; ControlError after ``seconds`` without."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                health = self.health()
                if health.get("ok"):
                    return health
            except ControlError:
                if time.monotonic() >= deadline:
                    raise
            if time.monotonic() >= deadline:
                raise ControlError("the KMI simulator did not become healthy at %s" % self.url)
            time.sleep(0.1)

    def reset(self):
        """Empty the log, clear the fault plan and turn the rate limit off."""
        return self._call("POST", "reset", {})

    def faults(self, faults=(), latency_ms=0):
        """Replace the fault plan: ``faults`` answered in order, one request each (or ``count``), and a latency on every
        answer. Returns the answer, whose ``pending`` lists the queued faults."""
        return self._call("POST", "faults", {"faults": list(faults), "latency_ms": latency_ms})

    def rate_limit(self, **settings):
        """Configure the rate limit: ``enabled`` (default true) and any of soft_per_minute, soft_delay, hard_per_minute,
        hard_per_hour. Returns the settings in force."""
        return self._call("POST", "rate_limit", settings)

    def log(self):
        """{"count", "requests": every request since the last reset, oldest first, "open_connections"}."""
        return self._call("GET", "log")

    def settled_log(self, timeout=30.0, still=0.3):
        """The log once no other connection is being served and its count held still for ``still`` seconds (or after
        ``timeout``): a client killed mid-request may have sent a request that the simulator logs a moment later."""
        deadline = time.monotonic() + timeout
        last = self.log()
        while time.monotonic() < deadline:
            time.sleep(still)
            now = self.log()
            if now["open_connections"] == 0 and now["count"] == last["count"]:
                return now
            last = now
        return last


_COMMANDS = {
    "health": lambda control, body: control.health(),
    "wait": lambda control, body: control.wait_healthy(**body),
    "reset": lambda control, body: control.reset(),
    "log": lambda control, body: control.log(),
    "faults": lambda control, body: control.faults(**body),
    "rate_limit": lambda control, body: control.rate_limit(**body),
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (2, 3) or argv[1] not in _COMMANDS:
        sys.stderr.write("usage: python -m simulator.control URL {%s} [JSON-BODY]\n" % "|".join(_COMMANDS))
        return 2
    try:
        body = json.loads(argv[2]) if len(argv) == 3 else {}
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        answer = _COMMANDS[argv[1]](Control(argv[0]), body)
    except (ControlError, ValueError, TypeError) as exc:
        sys.stderr.write("simulator.control %s: %s\n" % (argv[1], exc))
        return 1
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
