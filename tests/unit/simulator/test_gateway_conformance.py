# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator against Kentik's official OpenAPI files (v3 and v2), checked by an independent tool: schemathesis.

Every check, positive and negative data, a fixed seed and a bounded number of examples: no answer that
violates the spec's schema, no schema-violating request accepted, no server error. The intended departures
from the spec's letter (what Kentik's gateway does and the spec does not say) are listed, each with its
reason, in schemathesis.toml and schemathesis_hooks.py beside this file.

schemathesis runs from a venv of its own: ``make unit`` installs tests/requirements-conformance.txt into
.venv/conformance and names its executable in KMI_SCHEMATHESIS (make_settings.py). Without it, or without the spec files
(../shared/kentik-spec/, absent on a user's machine), the test skips and says why.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from ansible_collections.kentik.kmi.tests.unit.make_settings import make_setting

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = ("kmi.v202212.openapiv3.json", "kmi.v202212.openapiv2.swagger.json")
SEED = "20261206"
EXAMPLES = "100"  # a case budget per operation and phase: about 700 requests a spec, a few seconds


@pytest.mark.parametrize("spec_file", SPECS)
def test_schemathesis_finds_the_simulator_true_to_the_spec(sim, spec_path, spec_file, tmp_path):
    spec = spec_path(spec_file)
    tool = make_setting("KMI_SCHEMATHESIS")
    if not tool or not os.access(tool, os.X_OK):
        pytest.skip("schemathesis is not installed: `make unit` installs it in .venv/conformance and names it in KMI_SCHEMATHESIS (make_settings.py)")
    command = [
        tool, "--config-file", os.path.join(HERE, "schemathesis.toml"), "run", spec, "--url", sim.url,
        "--seed", SEED, "--max-examples", EXAMPLES, "--generation-database", "none", "--no-color",
        "--header", "X-CH-Auth-Email: sim@example.com", "--header", "X-CH-Auth-API-Token: sim-token",
    ]
    env = dict(os.environ, SCHEMATHESIS_HOOKS=os.path.join(HERE, "schemathesis_hooks.py"), NO_PROXY="127.0.0.1,localhost")
    run = subprocess.run(command, cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    counts = re.search(r"(\d+) generated, (\d+) passed", output)
    assert counts and counts.group(1) == counts.group(2) and int(counts.group(1)) >= 500, output[-3000:]
    assert re.search(r"Selected: 5/5\s+Tested: 5", output), output[-3000:]  # every operation of the spec
    assert {entry["operation"] for entry in sim.log()} >= {"ListMarkets", "GetRankings", "GetASNDetails", "GetGlobalInsights", "GetASNInsights"}
