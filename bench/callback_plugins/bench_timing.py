# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper, not part of the collection: writes when each task started and when the
playbook ended to the JSON file named by BENCH_TIMING_FILE, so that bench/run.py can tell
task time from ansible-playbook's start-up."""

from __future__ import annotations

DOCUMENTATION = r"""
name: bench_timing
short_description: Record task start times for bench/run.py
description:
  - Writes the start time of each task and the end time of the playbook to the file named by the
    environment variable E(BENCH_TIMING_FILE). Used only by the kentik.kmi benchmarks.
author:
  - kentik.kmi contributors (@kentik-kmi)
type: aggregate
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tasks = []
        self._started = time.time()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._tasks.append({"name": task.get_name(), "start": time.time()})

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("BENCH_TIMING_FILE")
        if not path:
            return
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"callback_loaded": self._started, "tasks": self._tasks, "end": time.time()}, handle)
