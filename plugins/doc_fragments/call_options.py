# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the KMI calls, shared by each module and the lookup of the same call."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
"""

    MARKET = r"""
options:
  market:
    description:
      - The market, as its id (V(planet$earth)), its name (V(Germany), any case) or an ISO 3166 country code (V(DE)).
      - List markets with M(kentik.kmi.kmi_markets_info) or the P(kentik.kmi.kmi_markets#lookup) lookup.
    type: str
    required: true
"""

    IP = r"""
options:
  ip:
    description:
      - IP address family.
    type: str
    default: v4
    choices: [v4, v6]
"""

    RANKINGS = r"""
options:
  rank_type:
    description:
      - What the ranking measures. V(customer_base_wholesome) is the API's spelling of wholesale;
        V(wholesale) is accepted for it.
    type: str
    default: customer_base
    choices: [customer_base, customer_base_retail, customer_base_wholesome, wholesale, customer_base_backbone, customer_growth, peering_base]
  limit:
    description:
      - How many ranked networks to return at most (1 to 10000).
    type: int
    default: 600
"""

    ASN_DETAILS = r"""
options:
  relationship:
    description:
      - Which relationships to return. The singular forms V(customer), V(provider) and V(peer) mean the same as the plural ones.
    type: str
    default: all
    choices: [all, customers, providers, peers, customer, provider, peer]
    aliases: [type]
  mutual_provider:
    description:
      - V(only) returns only providers flagged as mutual providers, V(exclude) leaves them out.
    type: str
    default: all
    choices: [all, only, exclude]
  mutual_customer:
    description:
      - V(only) returns only customers flagged as mutual customers, V(exclude) leaves them out.
    type: str
    default: all
    choices: [all, only, exclude]
  singlehomed_customer:
    description:
      - V(only) returns only single-homed customers (one upstream provider), V(exclude) leaves them out.
    type: str
    default: all
    choices: [all, only, exclude]
  workers:
    description:
      - How many AS numbers are fetched in parallel (1 to 16).
    type: int
    default: 4
"""

    INSIGHTS = r"""
options:
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
"""
