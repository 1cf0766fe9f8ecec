# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: kmi_insights
short_description: Look up KMI insights, globally or per network
version_added: 0.1.0
description:
  - Returns Kentik Market Intelligence insights (market entrances and exits, ranking gains and losses, customer and
    provider changes, ...).
  - With AS numbers as terms, one element per term, in the order given, each the list of that network's insights
    (the GetASNInsights RPC). Without terms, one element, the list of insights for all networks (the GetGlobalInsights RPC).
  - The same call as M(kentik.kmi.kmi_insights_info), made on the controller.
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  _terms:
    description: AS numbers, each written V(15169), V(AS15169) or V(as15169). All networks when none are given.
    type: list
    elements: raw
    required: false
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.connection.plugins
  - kentik.kmi.call_options.ip
  - kentik.kmi.call_options.insights
  - kentik.kmi.cache
  - kentik.kmi.cache.plugins
  - kentik.kmi.lookup
"""

EXAMPLES = r"""
- name: This week's big changes of our upstream
  ansible.builtin.debug:
    msg: "{{ lookup('kentik.kmi.kmi_insights', 'AS22773', lookback=7, magnitude=3) }}"

- name: Messages of today's customer losses, all networks in Germany
  ansible.builtin.debug:
    msg: "{{ lookup('kentik.kmi.kmi_insights', market='DE', types=['customer_loss'], query='[].message') }}"
"""

RETURN = r"""
_raw:
  description: One list of insights per AS number term (one list for all networks without terms), after O(query), if given.
  type: list
  elements: list
  contains:
    asn:
      description: AS number the insight is about.
      type: int
    name:
      description: AS name.
      type: str
    type:
      description: Insight type, as the API's number.
      type: int
    message:
      description: Insight text.
      type: str
    created_at:
      description: When the insight was created.
      type: str
"""

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_lookup import KmiLookupBase

_OPTIONS = ("market", "ip", "lookback", "types", "magnitude", "limit")


class LookupModule(KmiLookupBase):
    def _elements(self, client, terms):
        # pylint: disable-next=import-outside-toplevel
        from ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs import normalize_asn_list  # a miss only, as the client

        options = {name: self.get_option(name) for name in _OPTIONS}
        asns = normalize_asn_list(terms, option="AS number") if terms else [None]  # the terms, named by what they are
        return [client.get_insights(asn=asn, **options) for asn in asns]
