# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation shared by the kentik.kmi *_info modules."""

from __future__ import annotations


class ModuleDocFragment:
    # Every *_info module: read-only, so check mode runs it as usual.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs in check mode as usual.
"""

    MARKET = r"""
options:
  market:
    description:
      - The market, as its id (V(planet$earth)), its name (V(Germany), any case) or an ISO 3166 country code (V(DE)).
      - List markets with M(kentik.kmi.kmi_markets_info).
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
