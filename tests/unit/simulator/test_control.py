# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""simulator/control.py, the one client of the control API, against the live simulator over HTTP on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import AUTH, MARKETS
from simulator.control import Control, ControlError, main
from simulator.server import Simulator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.fixture()
def own_sim():
    """A simulator of this test's own: the session's has keep-alive connections of other tests open."""
    server = Simulator(dataset="small").start()
    yield server
    server.stop()


def test_each_call_does_what_it_says(own_sim, http):
    sim = own_sim
    control = Control(sim.url)
    assert control.wait_healthy(seconds=5)["markets"] == len(sim.dataset.markets)
    headers = dict(AUTH, Connection="close")  # no connection left open: settled_log waits for none
    assert http.get(sim.url + MARKETS, headers=headers, timeout=5).status_code == 200
    assert [entry["operation"] for entry in control.log()["requests"]] == ["ListMarkets"]
    answer = control.faults([{"kind": "status", "status": 503, "count": 2}], latency_ms=5)
    assert [fault["status"] for fault in answer["pending"]] == [503]
    assert sim.faults.latency == 0.005
    assert control.rate_limit(enabled=True, hard_per_minute=7)["settings"]["hard_per_minute"] == 7
    assert sim.rate_limit.enabled
    assert control.reset() == {"ok": True}
    assert control.log() == {"count": 0, "requests": [], "open_connections": 0}
    assert not sim.rate_limit.enabled and sim.faults.pending() == []
    assert control.settled_log(still=0.01)["count"] == 0


def test_a_refused_request_is_one_line_with_the_simulators_reason(sim):
    with pytest.raises(ControlError) as info:
        Control(sim.url).faults([{"kind": "nonsense"}])
    assert str(info.value).startswith("POST %s/_sim/faults: HTTP 400: each fault needs a kind among " % sim.url)
    assert "\n" not in str(info.value)


def test_no_simulator_is_one_line_and_waiting_gives_up():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    control = Control("http://127.0.0.1:%d" % port, timeout=2)
    with pytest.raises(ControlError, match=r"^GET http://127\.0\.0\.1:\d+/_sim/log: .*refused"):
        control.log()
    with pytest.raises(ControlError):
        control.wait_healthy(seconds=0.3)


def test_the_command_line_prints_json_and_fails_in_one_line(sim, capsys):
    assert main([sim.url, "faults", '{"latency_ms": 3}']) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert main([sim.url, "faults", "[1]"]) == 1
    assert capsys.readouterr().err == "simulator.control faults: the body must be a JSON object\n"
    assert main([sim.url, "faults", '{"faults": [{"kind": "status"}]}']) == 1
    assert "HTTP 400: a status fault needs an integer status" in capsys.readouterr().err
    assert main([sim.url, "restart"]) == 2
    assert capsys.readouterr().err.startswith("usage: python -m simulator.control URL {health|wait|reset|log|faults|rate_limit}")


def test_shell_scripts_run_it_as_a_module(sim):
    proc = subprocess.run([sys.executable, "-m", "simulator.control", sim.url, "health"], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
