#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kmi_markets_info
short_description: List the geographic markets of Kentik Market Intelligence
version_added: 0.1.0
description:
  - Lists the KMI markets (the global market C(planet$earth), regions and countries) with their ids and names
    (the ListMarkets RPC).
  - Use a market's id, its name or an ISO country code as the O(kentik.kmi.kmi_rankings_info#module:market) of the other modules.
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  name:
    description:
      - Only return the markets with these names or ids (case-insensitive). All markets when not set.
    type: list
    elements: str
  query:
    description:
      - A JMESPath expression applied to RV(markets) before it is returned.
    type: str
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.cache
  - kentik.kmi.info_module
notes:
  - "Runs where the task runs: use C(delegate_to: localhost) or a play on C(localhost)."
"""

EXAMPLES = r"""
- name: List every KMI market
  kentik.kmi.kmi_markets_info:
  register: kmi

- name: Look up two markets by name
  kentik.kmi.kmi_markets_info:
    name: [Germany, Global]
  register: two

- name: Only the ids
  kentik.kmi.kmi_markets_info:
    query: "[].market_id"
  register: ids
"""

RETURN = r"""
markets:
  description: The markets (after O(query), if given).
  returned: success
  type: list
  elements: dict
  contains:
    market_id:
      description: Unique market id, used by the other RPCs.
      type: str
      sample: planet$earth
    name:
      description: Market name.
      type: str
      sample: Global
  sample: [{"market_id": "planet$earth", "name": "Global"}]
source:
  description: "Where the answer came from: C(api_url), the API's base URL; C(simulator), the kentik.kmi simulator's dataset, or null."
  returned: success
  type: dict
  sample: {api_url: "http://127.0.0.1:8700", simulator: routeviews}
"""

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_module import InfoCall, run_info_module


def _fetch(client, params):
    markets = client.list_markets()
    wanted = {n.strip().lower() for n in params["name"] or []}
    if wanted:
        markets = [m for m in markets if m["name"].lower() in wanted or m["market_id"].lower() in wanted]
    return {"markets": markets}


CALL = InfoCall({"name": {"type": "list", "elements": "str"}}, "markets", _fetch)


def main():
    run_info_module(CALL)


if __name__ == "__main__":
    main()
