# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a simulator dataset file holds (format ``kentik.kmi-simulator-dataset/1``, simulator/README.md): its format
name, the spec's rank types, IP families and insight types it is keyed by, and the flag bits of a relationship.

The loader (dataset.py), the scorer that writes datasets (scoring.py), the server and the dataset scripts read them here.
"""

from __future__ import annotations

FORMAT = "kentik.kmi-simulator-dataset/1"

RANK_TYPES = (
    "customer_base",
    "customer_base_retail",
    "customer_base_wholesome",
    "customer_base_backbone",
    "customer_growth",
    "peering_base",
)
FAMILIES = ("v4", "v6")
# The spec's insight types; an insight's ``type`` is the 1-based position of its name here.
INSIGHT_TYPES = (
    "market_entrance", "market_exit", "ranking_gain", "ranking_loss",
    "start_prefix_origination", "stop_prefix_origination", "increase_prefix_origination",
    "decrease_prefix_origination", "customer_gain", "customer_loss", "customer_routing_gain",
    "customer_routing_loss", "provider_gain", "provider_loss", "provider_routing_gain", "provider_routing_loss",
)

# Flag bits of a customer/provider entry.
SINGLEHOMED = 1
MUTUAL_CUSTOMER = 2
MUTUAL_PROVIDER = 4
