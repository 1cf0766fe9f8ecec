# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request budget: its window on a fake clock (ProcessBudget), the ledger file shared by processes (FileLedger),
and clients that share a ledger folder."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import signal
import time

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_pacing import POLL, BudgetPaused, FileLedger, ProcessBudget


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept = []
        self.on_sleep = None

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds
        if self.on_sleep:
            self.on_sleep()


def _budget(fake, limit, period=60.0, **kwargs):
    return ProcessBudget([(limit, period)], clock=fake.clock, sleep=fake.sleep, **kwargs)


def test_the_budget_paces_requests():
    fake = FakeTime()
    budget = _budget(fake, 3)
    for dummy in range(3):
        budget.release(budget.take())
        fake.now += 1.0
    budget.take()
    assert fake.slept == [pytest.approx(57.0)]  # the first answer (t=0) leaves the window at t=60
    fake.slept.clear()
    unlimited = ProcessBudget([(0, 60.0), (0, 3600.0)], clock=fake.clock, sleep=fake.sleep)
    for dummy in range(100):
        unlimited.release(unlimited.take())
    assert fake.slept == []


def test_a_request_holds_its_place_until_a_period_after_its_answer():
    # The server counts a request from its arrival, which may be well after the send: a request counted from its
    # send alone let the next one reach the server less than a period after it (429 at the hard limit).
    fake = FakeTime()
    budget = _budget(fake, 1)
    slot = budget.take()
    fake.now = 5.0  # the answer took 5 s
    budget.release(slot)
    budget.take()
    assert fake.now == pytest.approx(65.0)


def test_the_budget_polls_while_every_place_is_in_flight():
    fake = FakeTime()
    budget = _budget(fake, 2)
    first = budget.take()
    budget.take()

    def answer_after_three_polls():
        if len(fake.slept) == 3:
            budget.release(first)

    fake.on_sleep = answer_after_three_polls
    budget.take()
    assert fake.slept[:3] == [POLL] * 3
    assert sum(fake.slept) == pytest.approx(3 * POLL + 60.0)


def test_an_hourly_limit_counts_beside_the_minute():
    fake = FakeTime()
    budget = ProcessBudget([(60, 60.0), (3, 3600.0)], clock=fake.clock, sleep=fake.sleep)
    for dummy in range(3):
        budget.release(budget.take())
    budget.take()
    assert fake.now == pytest.approx(3600.0)


def test_a_429_pauses_every_request():
    fake = FakeTime()
    budget = _budget(fake, 10, max_wait=60.0)
    budget.release(budget.take())
    budget.pause(30)
    budget.pause(5)  # a shorter pause does not shorten the first
    budget.take()
    assert fake.now == pytest.approx(30.0)


def test_a_pause_past_max_wait_fails_at_once_and_a_long_wait_for_the_limits_is_said():
    fake = FakeTime()
    said = []
    budget = _budget(fake, 1, max_wait=20.0, say=said.append)
    budget.release(budget.take())
    budget.take()  # 60 s for the limit: waited, and said once
    assert fake.now == pytest.approx(60.0)
    assert len(said) == 1 and "past max_retry_wait 20 s" in said[0] and "1 requests in 60 s are taken" in said[0]
    budget.pause(30)
    with pytest.raises(BudgetPaused) as raised:
        budget.take()
    assert raised.value.seconds == pytest.approx(30.0) and fake.now == pytest.approx(60.0)  # no wait before it


# ------------------------------------------------------------------ the ledger file


def _ledger(tmp_path, limit, period, **kwargs):
    return FileLedger(str(tmp_path / "ledger.json"), [(limit, period)], **kwargs)


def _take_and_record(path, limit, period, count, hold, queue):
    ledger = FileLedger(path, [(limit, period)])
    for dummy in range(count):
        slot = ledger.take()
        taken = time.time()
        time.sleep(hold)
        answered = time.time()  # before release() notes its own time: what the check below counts from is no later
        ledger.release(slot)
        queue.put((taken, answered))


def test_processes_that_share_a_ledger_keep_one_limit(tmp_path):
    limit, period, processes, each = 4, 0.5, 3, 4
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_take_and_record, args=(str(tmp_path / "ledger.json"), limit, period, each, 0.02, queue)) for dummy in range(processes)
    ]
    for worker in workers:
        worker.start()
    requests = [queue.get(timeout=30) for dummy in range(processes * each)]
    for worker in workers:
        worker.join(10)
    # The server may count a request at any moment between its take and its release: so no take may fall within a
    # period after the release of `limit` others.
    for taken, dummy in requests:
        holding = [1 for other_taken, other_released in requests if other_taken <= taken < other_released + period]
        assert len(holding) <= limit
    assert max(released for dummy, released in requests) - min(taken for taken, dummy in requests) >= period * (processes * each // limit - 1)


def _die_holding_the_lock(path, ready):
    ledger = FileLedger(path, [(2, 60.0)])
    ledger.take()  # a request in flight when the run is killed
    with open(path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ready.set()
        time.sleep(60)


def test_a_killed_process_leaves_the_ledger_usable(tmp_path):
    path = str(tmp_path / "ledger.json")
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    victim = context.Process(target=_die_holding_the_lock, args=(path, ready))
    victim.start()
    assert ready.wait(10)
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(10)
    ledger = FileLedger(path, [(2, 60.0)])
    ledger.take()  # no stale lock: the flock died with its process; the dead request counts as answered
    with open(path, encoding="utf-8") as handle:
        state = json.load(handle)
    assert [entry[1] for entry in state["in_flight"]] == [os.getpid()]
    assert len(state["done"]) == 1


def test_a_pause_reaches_every_holder_of_the_ledger(tmp_path):
    first = _ledger(tmp_path, 10, 60.0)
    second = _ledger(tmp_path, 10, 60.0, max_wait=5.0)
    first.pause(0.3)
    started = time.time()
    second.release(second.take())
    assert time.time() - started >= 0.3
    first.pause(30)
    with pytest.raises(BudgetPaused):
        second.take()


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"format": "kentik.kmi-ledger/1", "done": [Infinity], "in_flight": [], "paused_until": 0}',
        '{"format": "kentik.kmi-ledger/1", "done": "x", "in_flight": [], "paused_until": 0}',
        '{"format": "other", "done": [], "in_flight": [], "paused_until": 1e300}',
        '{"format": "kentik.kmi-ledger/1", "done": [], "in_flight": [[1]], "paused_until": 0}',
    ],
)
def test_a_damaged_ledger_counts_as_empty(tmp_path, content):
    (tmp_path / "ledger.json").write_text(content, encoding="utf-8")
    ledger = _ledger(tmp_path, 1, 60.0, sleep=lambda seconds: pytest.fail("slept %s s" % seconds))
    ledger.take()
    with open(str(tmp_path / "ledger.json"), encoding="utf-8") as handle:
        assert len(json.load(handle)["in_flight"]) == 1


def test_a_pause_past_an_hour_is_cut_to_an_hour(tmp_path):
    (tmp_path / "ledger.json").write_text('{"format": "kentik.kmi-ledger/1", "done": [], "in_flight": [], "paused_until": 1e300}', encoding="utf-8")
    slept = []
    ledger = _ledger(tmp_path, 1, 60.0, sleep=slept.append, clock=lambda: 1000.0 + sum(slept))
    ledger.take()
    assert slept == [pytest.approx(3600.0)]


def test_a_ledger_that_cannot_be_written_paces_this_process_alone(tmp_path):
    said = []
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    ledger = FileLedger(str(blocked / "ledger.json"), [(1, 0.2)], say=said.append)  # its folder is a file
    ledger.release(ledger.take())
    started = time.time()
    ledger.release(ledger.take())
    assert time.time() - started >= 0.2  # still paced, in memory
    assert len(said) == 1 and "cannot be used" in said[0] and "paces only itself" in said[0]


# ------------------------------------------------------------------ clients on one ledger


def test_clients_that_share_a_ledger_folder_share_the_budget_and_its_pauses(sim, make_client, tmp_path):
    said = []
    first = make_client(ledger_folder=str(tmp_path), requests_per_minute=10, log=said.append)
    second = make_client(ledger_folder=str(tmp_path), requests_per_minute=10, max_retry_wait=0.5, log=said.append)
    other_user = make_client(ledger_folder=str(tmp_path), requests_per_minute=10, api_email="other@example.com", api_token="x")
    assert first._transport._budget.path == second._transport._budget.path != other_user._transport._budget.path
    sim.faults.set({"faults": [{"kind": "status", "status": 429, "retry_after": "1", "operation": "ListMarkets"}]})
    first.list_markets()  # 429, then a retry after 1 s
    assert said == ["KMI ListMarkets: attempt 1 of 6 failed (HTTP 429); the next in 1.0 s"]
    del said[:]
    second.get_insights()  # the account's pause is over: no wait
    with open(first._transport._budget.path, encoding="utf-8") as handle:
        ledger = json.load(handle)
    assert len(ledger["done"]) == 3 and ledger["in_flight"] == []  # the 429, the retry and the insights
    first._transport._budget.pause(1)
    sim.reset()
    with pytest.raises(KmiApiError) as raised:
        second.get_insights(limit=3)  # a pause past its max_retry_wait: fails at once, and sends nothing
    assert str(raised.value).startswith("KMI GetGlobalInsights failed: not sent: Kentik answered 429 to another request of this account")
    assert "max_retry_wait 0.5 s (hint: Kentik's rate limit was hit" in str(raised.value)
    assert sim.log() == [] and said == []
