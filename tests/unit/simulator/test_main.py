# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's command line (simulator/__main__.py): serves, stops on SIGTERM, refuses a host that is not loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import COLLECTION_ROOT


# ------------------------------------------------------------ command line


def _environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (COLLECTION_ROOT, env.get("PYTHONPATH")) if p)
    return env


def test_command_line_serves_and_stops_on_sigterm(tmp_path):
    port_file = tmp_path / "port"
    command = [sys.executable, "-m", "simulator", "--port", "0", "--port-file", str(port_file)]
    with subprocess.Popen(command, cwd=COLLECTION_ROOT, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        try:
            deadline = time.monotonic() + 10
            while not (port_file.exists() and port_file.read_text().endswith("\n")):
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline, "no port file after 10 s"
                time.sleep(0.02)
            port = int(port_file.read_text())
            session = requests.Session()
            session.trust_env = False
            health = session.get("http://127.0.0.1:%d/_sim/health" % port, timeout=5).json()
            session.close()
            assert health["ok"] is True
            assert health["markets"] > 0
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
        assert b"KMI simulator on http://127.0.0.1:%d" % port in process.stdout.read()


@pytest.mark.parametrize("host", ["10.0.0.1", "0.0.0.0", "::", "kmi.example.com"])
def test_command_line_refuses_a_host_that_is_not_loopback(tmp_path, host):
    port_file = tmp_path / "port"
    command = [sys.executable, "-m", "simulator", "--host", host, "--port", "0", "--port-file", str(port_file)]
    result = subprocess.run(command, cwd=COLLECTION_ROOT, env=_environment(), capture_output=True, timeout=20, check=False)
    assert result.returncode == 2
    assert b"loopback" in result.stderr
    assert b"Traceback" not in result.stderr
    assert not port_file.exists()
