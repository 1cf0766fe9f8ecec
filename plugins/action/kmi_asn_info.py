# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of kentik.kmi.kmi_asn_info: plugin_utils/_kmi_action.py, shared by the four *_info modules."""

from __future__ import annotations

from ansible_collections.kentik.kmi.plugins.modules.kmi_asn_info import CALL
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_action import KmiInfoAction


class ActionModule(KmiInfoAction):
    # ansible-playbook loads this file (and so the module's CALL) in its own process when it queues the task: the forks
    # that run the task for each host find it loaded.
    call = CALL
