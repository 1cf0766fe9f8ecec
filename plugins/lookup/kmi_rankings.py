# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: kmi_rankings
short_description: Look up the KMI ranking of networks in markets
version_added: 0.1.0
description:
  - Returns, for each market given as a term, the Kentik Market Intelligence ranking of Autonomous Systems in it,
    for one rank type and IP family (the GetRankings RPC). One element per term, in the order given.
  - The same call as M(kentik.kmi.kmi_rankings_info), made on the controller.
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  _terms:
    description: Markets, each as its id (V(planet$earth)), name (V(Germany), any case) or ISO 3166 country code (V(DE)).
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.connection.plugins
  - kentik.kmi.call_options.ip
  - kentik.kmi.call_options.rankings
  - kentik.kmi.cache
  - kentik.kmi.cache.plugins
  - kentik.kmi.lookup
"""

EXAMPLES = r"""
- name: The top 5 networks by customer base in Germany, as AS numbers
  ansible.builtin.debug:
    msg: "{{ lookup('kentik.kmi.kmi_rankings', 'Germany', limit=5, query='rankings[].asn') }}"

- name: Rank of this host's upstream in its country (one API call for the whole play, however many hosts)
  ansible.builtin.set_fact:
    upstream_rank: >-
      {{ (lookup('kentik.kmi.kmi_rankings', site_country).rankings
          | selectattr('asn', 'equalto', upstream_asn) | map(attribute='rank') | first) | default('unranked') }}
  vars:  # host variables in a real inventory
    site_country: DE
    upstream_asn: 3356

- name: The wholesale leaders of two markets
  ansible.builtin.debug:
    msg: "{{ item.market.name }}: {{ item.rankings[:3] | map(attribute='name') | join(', ') }}"
  loop: "{{ query('kentik.kmi.kmi_rankings', 'US', 'DE', rank_type='wholesale', limit=3) }}"
"""

RETURN = r"""
_raw:
  description: One ranking per market term, after O(query), if given.
  type: list
  elements: dict
  contains:
    market:
      description: The market, as C({market_id, name}).
      type: dict
      sample: {"market_id": "country$de", "name": "Germany"}
    rankings:
      description: >-
        Ranked networks, best first: C(asn), C(name), C(rank), C(rank_change), C(score), C(score_change),
        as RV(kentik.kmi.kmi_rankings_info#module:rankings) of the module.
      type: list
      elements: dict
      sample: [{"asn": 64497, "name": "RHEINNETZ Rheinnetz Carrier AG", "rank": 1, "rank_change": 0, "score": 1697, "score_change": 48}]
    invalid_count:
      description: Number of invalid entries the API met while collecting the ranking.
      type: int
      sample: 0
"""

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_lookup import KmiLookupBase


class LookupModule(KmiLookupBase):
    def _elements(self, client, terms):
        # pylint: disable-next=import-outside-toplevel
        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiInputError  # a miss only, as the client

        if not terms:
            raise KmiInputError("give at least one market as a term, e.g. lookup('kentik.kmi.kmi_rankings', 'Germany')")
        options = {name: self.get_option(name) for name in ("rank_type", "ip", "limit")}
        return client.get_rankings_many(terms, **options)  # a term is named "market" in errors
