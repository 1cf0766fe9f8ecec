# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test playbooks' hold on the KMI simulator's control API, through its one client (simulator/control.py).

On the controller, in a few ms a call (the uri module takes about half a second). kmi_sim.sh puts this folder on
ANSIBLE_LOOKUP_PLUGINS.

  lookup('kmi_sim', 'reset', url=URL)                          empty log, no faults, rate limit off: {ok: true}
  lookup('kmi_sim', 'log', url=URL)                            {count, requests (oldest first), open_connections}
  lookup('kmi_sim', 'faults', url=URL, faults=[...], latency_ms=0)   replace the fault plan: {ok, pending}
  lookup('kmi_sim', 'rate_limit', url=URL, enabled=true, ...)  configure the rate limit: {ok, settings, enabled}
  lookup('kmi_sim', 'queue', url=URL, faults=[...])            reset, then queue the faults: the pending faults
"""

from __future__ import annotations

import json

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.kentik.kmi.simulator.control import Control, ControlError

_COMMANDS = ("reset", "log", "faults", "rate_limit", "queue")


class LookupModule(LookupBase):
    def run(self, terms, variables=None, url=None, **body):
        if not url or len(terms) != 1 or terms[0] not in _COMMANDS:
            raise AnsibleLookupError("kmi_sim: use lookup('kmi_sim', one of %s, url=..., ...)" % ", ".join(_COMMANDS))
        body = json.loads(json.dumps(body))  # plain data: Ansible's templated values are not all JSON types
        control = Control(url)
        try:
            if terms[0] == "queue":
                control.reset()
                return [control.faults(**body)["pending"]]
            return [getattr(control, terms[0])(**body)]
        except (ControlError, TypeError) as exc:
            raise AnsibleLookupError("kmi_sim %s: %s" % (terms[0], exc)) from None
