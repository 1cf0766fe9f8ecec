# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sliding window that paces the client, on a fake clock."""

from __future__ import annotations

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_pacing import SlidingWindow


def test_sliding_window_paces_requests():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    window = SlidingWindow(3, 60.0, clock=lambda: now[0], sleep=sleep)
    for dummy in range(3):
        assert window.wait() == 0.0
        window.done()
        now[0] += 1.0
    assert window.wait() == pytest.approx(57.0)  # the first request leaves the window at t=60
    assert slept == [pytest.approx(57.0)]
    assert SlidingWindow(0, 60.0).wait() == 0.0


def test_sliding_window_counts_a_request_until_a_period_after_its_answer():
    # The server counts a request from its arrival, which may be well after the send: a request counted from its
    # send alone let the next one reach the server less than a period after it (429 at the hard limit).
    now = [0.0]
    window = SlidingWindow(1, 60.0, clock=lambda: now[0], sleep=lambda seconds: now.__setitem__(0, now[0] + seconds))
    assert window.wait() == 0.0
    now[0] = 5.0  # the answer took 5 s
    window.done()
    assert window.wait() == pytest.approx(60.0)
    assert now[0] == pytest.approx(65.0)


def test_sliding_window_waits_while_every_place_is_in_flight():
    now = [0.0]
    window = SlidingWindow(2, 60.0, clock=lambda: now[0])
    polls = []

    def sleep(seconds):
        polls.append(seconds)
        now[0] += seconds
        if len(polls) == 3:
            window.done()  # one of the two requests in flight answers

    window._sleep = sleep
    assert window.wait() == 0.0
    assert window.wait() == 0.0
    slept = window.wait()  # both places held by requests in flight: poll, then wait out the answer's period
    assert polls[:3] == [0.05] * 3
    assert slept == pytest.approx(0.15 + 60.0)
