# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every kentik.kmi lookup has besides the connection and cache options: query, and where options come from."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  query:
    description:
      - A JMESPath expression applied to each element before it is returned.
    type: str
notes:
  - Options are taken, from lowest to highest precedence, from the default, C(ansible.cfg) section C([kentik_kmi]),
    environment variables, Ansible variables, and the lookup's keyword arguments.
"""
