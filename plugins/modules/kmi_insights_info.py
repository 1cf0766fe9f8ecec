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
  market:
    description:
      - The market, as its id, its name or an ISO 3166 country code. The API's default (the global market) when not set.
    type: str
  lookback:
    description:
      - How many days back to look.
    type: int
    default: 1
    choices: [1, 7, 30]
  types:
    description:
      - Only these insight types. All types when not set.
    type: list
    elements: str
    choices:
      - market_entrance
      - market_exit
      - ranking_gain
      - ranking_loss
      - start_prefix_origination
      - stop_prefix_origination
      - increase_prefix_origination
      - decrease_prefix_origination
      - customer_gain
      - customer_loss
      - customer_routing_gain
      - customer_routing_loss
      - provider_gain
      - provider_loss
      - provider_routing_gain
      - provider_routing_loss
  magnitude:
    description:
      - Minimum magnitude (severity), 1 to 5.
    type: int
    default: 1
  limit:
    description:
      - How many insights to return at most (1 to 10000).
    type: int
    default: 100
  query:
    description:
      - A JMESPath expression applied to RV(insights) before it is returned.
    type: str
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.info_module
  - kentik.kmi.info_module.ip
"""

EXAMPLES = r"""
- name: Severe global insights of the last week
  kentik.kmi.kmi_insights_info:
    lookback: 7
    magnitude: 4
  register: severe

- name: Customer and provider losses of one network in the last 30 days
  kentik.kmi.kmi_insights_info:
    asn: AS64499
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
"""

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs import INSIGHT_TYPES
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_module import run_info_module

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


def main():
    run_info_module(ARGUMENT_SPEC, "insights", _fetch)


if __name__ == "__main__":
    main()
