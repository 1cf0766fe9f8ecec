# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check an ansible-runner job's artifacts after runme.sh's token grep.

Usage: python check_events.py ARTIFACT_DIR, with the test user in KTAPI_AUTH_EMAIL, KTAPI_AUTH_TOKEN, KTAPI_URL.

- The job succeeded, at -vvvv (verbose events exist), and the module took its user from the environment:
  its invocation shows that URL, with the email and the token masked.
- `command`: runner writes the job's command line, cwd and whole environment there. The token may be in the
  environment only under names that AWX masks when it stores a job's environment (build_safe_env: a name
  matching API|TOKEN|KEY|SECRET|PASS), and nowhere else in the file.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys

AWX_MASKED_NAME = re.compile("API|TOKEN|KEY|SECRET|PASS", re.I)  # awx_plugins.interfaces: SENSITIVE_ENV_VAR_NAMES


def check_command(artifacts, token):
    with open(os.path.join(artifacts, "command"), encoding="utf-8") as handle:
        command = json.load(handle)
    problems = []
    if token in json.dumps(command["command"]) or token in str(command.get("cwd")):
        problems.append("the token is in the command line or cwd of the job")
    holders = sorted(name for name, value in command["env"].items() if token in str(value))
    if holders != ["KTAPI_AUTH_TOKEN"]:
        problems.append("the token is in the job's environment under %s, not only KTAPI_AUTH_TOKEN" % holders)
    unmasked = [name for name in holders if not AWX_MASKED_NAME.search(name)]
    if unmasked:
        problems.append("AWX would show the token in the job's environment under %s" % unmasked)
    return problems


def check_events(artifacts, url):
    problems = []
    with open(os.path.join(artifacts, "status"), encoding="utf-8") as handle:
        status = handle.read().strip()
    if status != "successful":
        problems.append("runner status is %r" % status)
    events = []
    for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
        with open(path, encoding="utf-8") as handle:
            events.append(json.load(handle))
    ok = [e["event_data"] for e in events if e.get("event") == "runner_on_ok"]
    module = [d for d in ok if d.get("task_action") in ("kentik.kmi.kmi_markets_info", "kmi_markets_info")]
    if len(module) != 1:
        problems.append("%d runner_on_ok events of kentik.kmi.kmi_markets_info, not 1" % len(module))
    else:
        args = module[0]["res"]["invocation"]["module_args"]
        # Both halves of the credential are masked; api_url shows that the options came from KTAPI_*.
        masked = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
        expected = {"api_email": masked, "api_url": url, "api_token": masked}
        got = {name: args.get(name) for name in expected}
        if got != expected:
            problems.append("the module's invocation has %r, not %r" % (got, expected))
    if not any(e.get("event") == "verbose" for e in events):
        problems.append("no verbose event: the job did not run at -vvvv")
    return problems, len(events)


def main():
    artifacts = sys.argv[1]
    problems, count = check_events(artifacts, os.environ["KTAPI_URL"])
    problems += check_command(artifacts, os.environ["KTAPI_AUTH_TOKEN"])
    if problems:
        sys.exit("check_events: " + "; ".join(problems))
    print(
        "check_events: %d job events; the module took its user from the environment (email and token masked); "
        "in `command` the token is only the value of KTAPI_AUTH_TOKEN, which AWX masks" % count
    )


if __name__ == "__main__":
    main()
