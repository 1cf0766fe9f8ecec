#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kmi_rankings_info
short_description: Get the KMI ranking of networks in one market
version_added: 0.1.0
description:
  - Returns the Kentik Market Intelligence ranking of Autonomous Systems in one geographic market, for one rank type
    and IP family (the GetRankings RPC).
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  query:
    description:
      - A JMESPath expression applied to RV(rankings) before it is returned.
    type: str
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.cache
  - kentik.kmi.info_module
  - kentik.kmi.call_options.market
  - kentik.kmi.call_options.ip
  - kentik.kmi.call_options.rankings
"""

EXAMPLES = r"""
- name: Top 20 networks by customer base in Germany (IPv4)
  kentik.kmi.kmi_rankings_info:
    market: DE
    limit: 20
  register: de

- name: Wholesale ranking in the global market, IPv6, only the AS numbers
  kentik.kmi.kmi_rankings_info:
    market: planet$earth
    rank_type: wholesale
    ip: v6
    query: "[].asn"
  register: wholesale_asns
"""

RETURN = r"""
market:
  description: The market the ranking is for.
  returned: success
  type: dict
  contains:
    market_id:
      description: Market id.
      type: str
      sample: country$de
    name:
      description: Market name.
      type: str
      sample: Germany
rankings:
  description: Ranked networks, best first (after O(query), if given).
  returned: success
  type: list
  elements: dict
  contains:
    asn:
      description: AS number.
      type: int
      sample: 64497
    name:
      description: AS name.
      type: str
      sample: RHEINNETZ Rheinnetz Carrier AG
    rank:
      description: Rank in the market (1 is first).
      type: int
      sample: 1
    rank_change:
      description: Change of rank since the previous ranking.
      type: int
      sample: -2
    score:
      description: KMI score.
      type: int
      sample: 1697
    score_change:
      description: Change of score since the previous ranking.
      type: int
      sample: 48
invalid_count:
  description: Number of invalid entries the API met while collecting the ranking.
  returned: success
  type: int
  sample: 0
source:
  description: "Where the answer came from: C(api_url), the API's base URL; C(simulator), the kentik.kmi simulator's dataset, or null."
  returned: success
  type: dict
  sample: {api_url: "http://127.0.0.1:8700", simulator: routeviews}
"""

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs import RANK_TYPES
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_module import InfoCall, run_info_module

_RANK_TYPE_CHOICES = list(RANK_TYPES)
_RANK_TYPE_CHOICES.insert(_RANK_TYPE_CHOICES.index("customer_base_wholesome") + 1, "wholesale")  # next to what it stands for, as in the docs
ARGUMENT_SPEC = {
    "market": {"type": "str", "required": True},
    "rank_type": {"type": "str", "default": "customer_base", "choices": _RANK_TYPE_CHOICES},
    "ip": {"type": "str", "default": "v4", "choices": ["v4", "v6"]},
    "limit": {"type": "int", "default": 600},
}


def _fetch(client, params):
    return client.get_rankings(params["market"], rank_type=params["rank_type"], ip=params["ip"], limit=params["limit"])


CALL = InfoCall(ARGUMENT_SPEC, "rankings", _fetch)


def main():
    run_info_module(CALL)


if __name__ == "__main__":
    main()
