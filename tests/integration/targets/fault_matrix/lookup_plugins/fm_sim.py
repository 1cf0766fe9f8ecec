# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault matrix's hold on the KMI simulator's control API, from the controller in a few ms.

The uri module takes about half a second a call, and the matrix makes two calls per case and consumer.

  lookup('fm_sim', 'queue', url=URL, faults=[...])  clear the log and the fault plan, queue the faults; returns them
  lookup('fm_sim', 'log', url=URL)                  the requests logged since the last queue, oldest first
"""

from __future__ import annotations

import json
import urllib.request

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

# The simulator is on loopback: never through a proxy of the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _call(url, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="GET" if data is None else "POST")
    with _OPENER.open(request, timeout=10) as answer:
        return json.load(answer)


class LookupModule(LookupBase):
    def run(self, terms, variables=None, url=None, faults=None, **kwargs):
        if not url or len(terms) != 1 or terms[0] not in ("queue", "log"):
            raise AnsibleLookupError("fm_sim: use lookup('fm_sim', 'queue', url=..., faults=[...]) or lookup('fm_sim', 'log', url=...)")
        if terms[0] == "queue":
            _call(url + "/_sim/reset", {})
            plan = json.loads(json.dumps(list(faults or [])))
            return [_call(url + "/_sim/faults", {"faults": plan})["pending"]]
        return [_call(url + "/_sim/log")["requests"]]
