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
  action:
    support: full
    description:
      - The module has an action plugin. When the task's connection is C(local) (a task delegated to localhost, or the
        implicit localhost) and it uses no C(become), C(async) or C(environment), the module's code runs in the
        controller's process, shares the lookups' run cache (each distinct request once per run) and, with O(cache=true),
        their persistent cache, and starts no Python.
notes:
  - On a C(local) connection, a connection or cache option the task leaves out is read where the lookups read it. Highest first,
    the task's options, then C(module_defaults), an Ansible variable (C(kmi_api_url), C(kmi_region), and so on), the
    controller's environment (E(KTAPI_URL), E(KTAPI_REGION), and so on), then the C([kentik_kmi]) section of
    C(ansible.cfg).
  - Set the variable C(kmi_run_on_controller=false) to run the module as a module anyway, for example to debug it.
    C(-vvv) shows which way each task ran and where each option came from.
"""
