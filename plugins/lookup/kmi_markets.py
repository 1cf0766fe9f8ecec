# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: kmi_markets
short_description: Look up Kentik Market Intelligence markets
version_added: 0.1.0
description:
  - Without terms, returns every KMI market (the ListMarkets RPC), one element per market.
  - With terms, resolves each term (a market id, a market name in any case, or an ISO 3166 country code) to its
    market, one element per term, in the order given. An unknown term fails the lookup and names the closest markets.
  - The same call as M(kentik.kmi.kmi_markets_info), made on the controller.
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  _terms:
    description: Markets to resolve, by id, name or ISO country code. All markets when none are given.
    type: list
    elements: str
    required: false
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.connection.plugins
  - kentik.kmi.cache
  - kentik.kmi.cache.plugins
  - kentik.kmi.lookup
"""

EXAMPLES = r"""
- name: Every market id
  ansible.builtin.debug:
    msg: "{{ query('kentik.kmi.kmi_markets', query='market_id') }}"

- name: The market of each site's country
  ansible.builtin.debug:
    msg: "{{ lookup('kentik.kmi.kmi_markets', site_country) }}"
  vars:
    site_country: DE
"""

RETURN = r"""
_raw:
  description: One market per term (all markets without terms), after O(query), if given.
  type: list
  elements: dict
  contains:
    market_id:
      description: Unique market id, used by the other calls.
      type: str
      sample: country$de
    name:
      description: Market name.
      type: str
      sample: Germany
"""

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_lookup import KmiLookupBase


class LookupModule(KmiLookupBase):
    def _elements(self, client, terms):
        if not terms:
            return client.list_markets()
        return [client.resolve_market(term) for term in terms]  # a term is named "market" in errors
