# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: kmi_asn_info
short_description: Look up the customers, providers and peers of networks in a KMI market
version_added: 0.1.0
description:
  - Returns, for each AS number given as a term, its name and country and its customers, providers and peers in
    O(market) as Kentik Market Intelligence infers them (the GetASNDetails RPC). One element per term, in the order given.
  - Several AS numbers are fetched in parallel (O(workers)) under the client's pacing.
  - The same call as M(kentik.kmi.kmi_asn_info), made on the controller.
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  _terms:
    description: AS numbers, each written V(15169), V(AS15169) or V(as15169).
    type: list
    elements: raw
    required: true
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.connection.plugins
  - kentik.kmi.call_options.market
  - kentik.kmi.call_options.ip
  - kentik.kmi.call_options.asn_details
  - kentik.kmi.cache
  - kentik.kmi.cache.plugins
  - kentik.kmi.lookup
"""

EXAMPLES = r"""
- name: Providers of this host's own network in its country
  ansible.builtin.debug:
    msg: "{{ lookup('kentik.kmi.kmi_asn_info', site_asn, market=site_country, relationship='providers').providers }}"
  vars:
    site_asn: 22773
    site_country: US

- name: Single-homed customers of several transit networks (fetched in parallel)
  ansible.builtin.set_fact:
    at_risk: "{{ query('kentik.kmi.kmi_asn_info', 3356, 6939, market='US', relationship='customers',
                 singlehomed_customer='only', query='customers[].asn') }}"
"""

RETURN = r"""
_raw:
  description: One entry per AS number term, in the order given, after O(query), if given.
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
      description: >-
        Customers in the market: C(asn), C(name), C(score), C(singlehomed_customer), C(mutual_customer),
        C(mutual_provider), as in RV(kentik.kmi.kmi_asn_info#module:asn_details) of the module.
      type: list
      elements: dict
    providers:
      description: Providers in the market; entries as in RV(_raw[].customers).
      type: list
      elements: dict
    peers:
      description: "Peers in the market: C(asn), C(name), C(pfx_count)."
      type: list
      elements: dict
"""

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_lookup import KmiLookupBase

_OPTIONS = ("workers", "relationship", "ip", "mutual_provider", "mutual_customer", "singlehomed_customer")


class LookupModule(KmiLookupBase):
    def _elements(self, client, terms):
        # pylint: disable-next=import-outside-toplevel
        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiInputError  # a miss only, as the client
        # pylint: disable-next=import-outside-toplevel
        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs import normalize_asn_list

        if not terms:
            raise KmiInputError("give at least one AS number as a term, e.g. lookup('kentik.kmi.kmi_asn_info', 'AS3257', market='DE')")
        asns = normalize_asn_list(terms, option="AS number")  # the terms, named by what they are
        return client.get_asn_details_many(self.get_option("market"), asns, **{name: self.get_option(name) for name in _OPTIONS})
