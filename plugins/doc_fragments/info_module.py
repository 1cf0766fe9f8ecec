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
