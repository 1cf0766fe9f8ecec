# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's rate limit (simulator/ratelimit.py): Kentik's limits per user, on a fake clock and over HTTP."""

from __future__ import annotations

import pytest

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import MARKETS, api_get
from simulator.ratelimit import RateLimiter


# --------------------------------------------------------------- rate limit


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _limiter():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    limiter.configure(True)
    return limiter, clock


def _verdicts(limiter, count, user="a@example.com"):
    return [limiter.check(user)[0] for dummy in range(count)]


def test_rate_limit_is_off_unless_enabled():
    limiter = RateLimiter(clock=FakeClock())
    assert set(_verdicts(limiter, 200)) == {"ok"}


def test_rate_limit_delays_past_20_a_minute():
    limiter, dummy = _limiter()
    assert _verdicts(limiter, 20) == ["ok"] * 20
    assert limiter.check("a@example.com") == ("delay", 1.5)
    assert limiter.check("b@example.com") == ("ok", 0.0)


def test_rate_limit_rejects_past_60_a_minute():
    limiter, clock = _limiter()
    assert _verdicts(limiter, 60) == ["ok"] * 20 + ["delay"] * 40
    assert limiter.check("a@example.com") == ("reject", 60)
    clock.now += 45
    assert limiter.check("a@example.com") == ("reject", 15)
    clock.now += 15
    assert limiter.check("a@example.com")[0] == "ok"


def test_rate_limit_window_slides():
    limiter, clock = _limiter()
    assert _verdicts(limiter, 30) == ["ok"] * 20 + ["delay"] * 10
    clock.now += 30
    assert _verdicts(limiter, 30) == ["delay"] * 30
    clock.now += 15
    assert limiter.check("a@example.com") == ("reject", 15)
    # At 60 s the first 30 leave the minute window; 30 remain, so still past the soft limit.
    clock.now += 15
    assert _verdicts(limiter, 30) == ["delay"] * 30
    assert limiter.check("a@example.com")[0] == "reject"


def test_rate_limit_rejects_past_3750_an_hour():
    limiter, clock = _limiter()
    # Under 60 a minute no hour holds more than 3600 requests: lift the minute limits to reach 3750.
    limiter.configure(True, hard_per_minute=10 ** 6, soft_per_minute=10 ** 6)
    assert limiter.settings["hard_per_hour"] == 3750
    for dummy in range(5):
        assert set(_verdicts(limiter, 750)) == {"ok"}
        clock.now += 60
    assert limiter.check("a@example.com") == ("reject", 3600 - 300)
    assert limiter.check("b@example.com")[0] == "ok"
    clock.now += 3600 - 300
    assert set(_verdicts(limiter, 750)) == {"ok"}
    assert limiter.check("a@example.com")[0] == "reject"


def test_rate_limit_configure_checks_settings_and_forgets_history():
    limiter, dummy = _limiter()
    with pytest.raises(ValueError):
        limiter.configure(True, per_minute=5)
    _verdicts(limiter, 60)
    assert limiter.check("a@example.com")[0] == "reject"
    limiter.configure(True)
    assert limiter.check("a@example.com") == ("ok", 0.0)


def test_rate_limit_over_http_answers_429_with_retry_after(http, sim):
    response = http.post(sim.url + "/_sim/rate_limit", json={"hard_per_minute": 2, "soft_per_minute": 100}, timeout=5)
    assert response.json()["settings"]["hard_per_minute"] == 2
    assert [api_get(http, sim, MARKETS).status_code for dummy in range(2)] == [200, 200]
    response = api_get(http, sim, MARKETS)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["code"] == 8
    assert sim.log()[-1]["fault"] == "rate limit"
    bad = http.post(sim.url + "/_sim/rate_limit", json={"per_second": 2}, timeout=5)
    assert bad.status_code == 400
