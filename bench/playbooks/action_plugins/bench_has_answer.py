# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark baseline, not part of the collection: an action plugin that returns an answer it already has.

Scenario 9's reference for the module task: ``bench_has_answer: {var: NAME}`` returns the variable NAME
(a dict: the warm-up's answer) as its result, with ``changed`` and an ``invocation`` as a module's result has, and
does nothing else; other arguments are ignored (scenario 9 gives it the module task's templated market, so that both
tasks cost Ansible the same templating). What it costs over a bare set_fact is what Ansible spends on any action that
returns that answer.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.update((task_vars or {})[self._task.args["var"]], changed=False, invocation={"module_args": dict(self._task.args)})
        return result
