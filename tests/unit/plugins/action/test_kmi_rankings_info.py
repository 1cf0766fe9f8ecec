# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of kentik.kmi.kmi_rankings_info (plugins/action/kmi_rankings_info.py): what Ansible loads for the module's tasks."""

from __future__ import annotations

from ansible_collections.kentik.kmi.plugins.modules import kmi_rankings_info


def test_ansible_finds_the_action_plugin_that_runs_the_modules_call(action_class):
    assert action_class("kmi_rankings_info").call is kmi_rankings_info.CALL
    assert action_class("kmi_rankings").call is kmi_rankings_info.CALL  # the routed name (meta/runtime.yml)
