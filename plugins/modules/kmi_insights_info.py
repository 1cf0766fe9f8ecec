#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kmi_insights_info
short_description: Get KMI insights, globally or for one network
version_added: 0.1.0
description:
  - Returns Kentik Market Intelligence insights (market entrances and exits, ranking gains and losses, customer and
    provider changes, ...) for all networks (the GetGlobalInsights RPC) or for one AS (the GetASNInsights RPC).
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  asn:
    description:
      - The AS number whose insights to return, written V(15169), V(AS15169) or V(as15169). All networks when not set.
    type: raw
  query:
    description:
      - A JMESPath expression applied to RV(insights) before it is returned.
    type: str
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.cache
  - kentik.kmi.info_module
  - kentik.kmi.call_options.ip
  - kentik.kmi.call_options.insights
"""

EXAMPLES = r"""
- name: Severe global insights of the last week
  kentik.kmi.kmi_insights_info:
    lookback: 7
    magnitude: 4
  register: severe

- name: Customer and provider losses of one network in the last 30 days
  kentik.kmi.kmi_insights_info:
    asn: AS22773
    lookback: 30
    types: [customer_loss, provider_loss]
  register: losses
"""

RETURN = r"""
insights:
  description: The insights, newest first (after O(query), if given).
  returned: success
  type: list
  elements: dict
  contains:
    asn:
      description: AS number the insight is about.
      type: int
      sample: 64499
    name:
      description: AS name.
      type: str
      sample: PRAIRIE-FIBER Prairie Fiber Inc.
    type:
      description: Insight type, as the API's number.
      type: int
      sample: 9
    message:
      description: Insight text.
      type: str
      sample: "AS64499 PRAIRIE-FIBER: customer gain (AS65542 CEDAR-WIRELESS)"
    created_at:
      description: When the insight was created.
      type: str
      sample: "2026-11-30T02:37:00Z"
source:
  description: "Where the answer came from: C(api_url), the API's base URL; C(simulator), the kentik.kmi simulator's dataset, or null."
  returned: success
  type: dict
  sample: {api_url: "http://127.0.0.1:8700", simulator: routeviews}
"""

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs import INSIGHT_TYPES
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_module import InfoCall, run_info_module

ARGUMENT_SPEC = {
    "asn": {"type": "raw"},
    "market": {"type": "str"},
    "ip": {"type": "str", "default": "v4", "choices": ["v4", "v6"]},
    "lookback": {"type": "int", "default": 1, "choices": [1, 7, 30]},
    "types": {"type": "list", "elements": "str", "choices": list(INSIGHT_TYPES)},
    "magnitude": {"type": "int", "default": 1},
    "limit": {"type": "int", "default": 100},
}


def _fetch(client, params):
    insights = client.get_insights(
        asn=params["asn"],
        market=params["market"],
        ip=params["ip"],
        lookback=params["lookback"],
        types=params["types"],
        magnitude=params["magnitude"],
        limit=params["limit"],
    )
    return {"insights": insights}


CALL = InfoCall(ARGUMENT_SPEC, "insights", _fetch)


def main():
    run_info_module(CALL)


if __name__ == "__main__":
    main()
