#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kmi_asn_info
short_description: Get the customers, providers and peers of networks in a KMI market
version_added: 0.1.0
description:
  - Returns, for each requested Autonomous System, its name and country and its customers, providers and peers
    in one market as Kentik Market Intelligence infers them (the GetASNDetails RPC).
  - Several AS numbers are fetched in parallel (O(workers)) under the client's pacing.
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  asn:
    description:
      - One AS number or a list of them, each written V(15169), V(AS15169) or V(as15169).
    type: list
    elements: raw
    required: true
  query:
    description:
      - A JMESPath expression applied to RV(asn_details) before it is returned.
    type: str
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.cache
  - kentik.kmi.info_module
  - kentik.kmi.call_options.market
  - kentik.kmi.call_options.ip
  - kentik.kmi.call_options.asn_details
"""

EXAMPLES = r"""
- name: Customers, providers and peers of one network in Germany
  kentik.kmi.kmi_asn_info:
    market: Germany
    asn: AS3257
  register: gtt

- name: Single-homed customers of two networks, globally
  kentik.kmi.kmi_asn_info:
    market: planet$earth
    asn: [3356, 6939]
    relationship: customers
    singlehomed_customer: only
  register: at_risk

- name: Only the AS numbers of the peers of one network
  kentik.kmi.kmi_asn_info:
    market: US
    asn: 22773
    relationship: peers
    query: "[0].peers[].asn"
  register: peer_asns
"""

RETURN = r"""
asn_details:
  description: One entry per requested AS number, in request order (after O(query), if given).
  returned: success
  type: list
  elements: dict
  contains:
    asn:
      description: AS number.
      type: int
      sample: 64499
    name:
      description: AS name.
      type: str
      sample: PRAIRIE-FIBER Prairie Fiber Inc.
    country_name:
      description: Country of the AS.
      type: str
      sample: United States
    customers:
      description: Customers of the AS in the market (empty unless O(relationship) is V(all) or V(customers)).
      type: list
      elements: dict
      contains:
        asn:
          description: AS number of the customer.
          type: int
        name:
          description: AS name of the customer.
          type: str
        score:
          description: KMI score of the customer.
          type: int
        singlehomed_customer:
          description: Whether the customer has only one upstream provider.
          type: bool
        mutual_customer:
          description: Whether the customer is a mutual customer.
          type: bool
        mutual_provider:
          description: Whether this is a mutual provider.
          type: bool
    providers:
      description: Providers of the AS in the market; entries as in RV(asn_details[].customers).
      type: list
      elements: dict
    peers:
      description: Peers of the AS in the market.
      type: list
      elements: dict
      contains:
        asn:
          description: AS number of the peer.
          type: int
        name:
          description: AS name of the peer.
          type: str
        pfx_count:
          description: Number of prefixes the peer announces.
          type: int
  sample:
    - asn: 64499
      name: PRAIRIE-FIBER Prairie Fiber Inc.
      country_name: United States
      customers: [{asn: 64505, name: MAPLE-ISP Maple Street Broadband, score: 92, singlehomed_customer: true,
                   mutual_customer: false, mutual_provider: false}]
      providers: [{asn: 64496, name: ATLAS-BACKBONE Atlas Global Networks, score: 1697, singlehomed_customer: false,
                   mutual_customer: false, mutual_provider: false}]
      peers: [{asn: 64500, name: COASTLINK CoastLink Communications, pfx_count: 2}]
source:
  description: "Where the answer came from: C(api_url), the API's base URL; C(simulator), the kentik.kmi simulator's dataset, or null."
  returned: success
  type: dict
  sample: {api_url: "http://127.0.0.1:8700", simulator: routeviews}
"""

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_module import InfoCall, run_info_module

_FILTER = {"type": "str", "default": "all", "choices": ["all", "only", "exclude"]}
ARGUMENT_SPEC = {
    "market": {"type": "str", "required": True},
    "asn": {"type": "list", "elements": "raw", "required": True},
    "ip": {"type": "str", "default": "v4", "choices": ["v4", "v6"]},
    "relationship": {
        "type": "str",
        "default": "all",
        "aliases": ["type"],
        "choices": ["all", "customers", "providers", "peers", "customer", "provider", "peer"],
    },
    "mutual_provider": dict(_FILTER),
    "mutual_customer": dict(_FILTER),
    "singlehomed_customer": dict(_FILTER),
    "workers": {"type": "int", "default": 4},
}


def _fetch(client, params):
    details = client.get_asn_details_many(
        params["market"],
        params["asn"],
        workers=params["workers"],
        relationship=params["relationship"],
        ip=params["ip"],
        mutual_provider=params["mutual_provider"],
        mutual_customer=params["mutual_customer"],
        singlehomed_customer=params["singlehomed_customer"],
    )
    return {"asn_details": details}


CALL = InfoCall(ARGUMENT_SPEC, "asn_details", _fetch)


def main():
    run_info_module(CALL)


if __name__ == "__main__":
    main()
