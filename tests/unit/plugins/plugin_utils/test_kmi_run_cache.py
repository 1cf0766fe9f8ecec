# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run cache's folder (plugin_utils/_kmi_run_cache.py): private, in Ansible's per-run temp dir, shared by forks."""

from __future__ import annotations

import os
import threading

from ansible import constants as C

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_run_cache import RunCache, run_cache_dir


def test_run_cache_dir_is_in_ansible_local_tmp(monkeypatch, tmp_path):
    monkeypatch.setattr(C, "DEFAULT_LOCAL_TMP", str(tmp_path / "ansible-local-1"), raising=False)
    assert run_cache_dir() == str(tmp_path / "ansible-local-1" / "kentik_kmi_cache")
    RunCache(run_cache_dir())
    assert os.stat(run_cache_dir()).st_mode & 0o777 == 0o700


def test_an_entry_is_read_back_as_written_and_a_damaged_one_is_none(tmp_path):
    run = RunCache(str(tmp_path / "run"))
    assert run.get("k" * 64) is None
    run.set("k" * 64, {"answer": [1, "two"]})
    assert run.get("k" * 64) == {"answer": [1, "two"]}
    with open(os.path.join(run.directory, "k" * 64 + ".json"), "w", encoding="utf-8") as handle:
        handle.write('{"answer": [1, "tw')  # a torn write of another process
    assert run.get("k" * 64) is None
    assert not [name for name in os.listdir(run.directory) if name.startswith(".tmp-")]


def test_warn_once_says_each_warning_once_a_run(tmp_path):
    said = []
    warn_once = RunCache(str(tmp_path / "run")).warn_once(said.append)
    warn_once("validate_certs", "TLS is off")
    warn_once("validate_certs", "TLS is off")
    RunCache(str(tmp_path / "run")).warn_once(said.append)("validate_certs", "TLS is off")  # another fork
    assert said == ["TLS is off"]


def test_the_lock_of_a_request_lets_one_holder_in_at_a_time(tmp_path):
    run = RunCache(str(tmp_path / "run"))
    inside, order = threading.Event(), []

    def second():
        with run.lock("k" * 64):
            order.append("second")

    with run.lock("k" * 64):
        thread = threading.Thread(target=second)
        thread.start()
        inside.wait(0.2)  # the second holder waits at the lock meanwhile
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]


def test_run_cache_first_is_true_once_per_run_across_forks(tmp_path):
    run = RunCache(str(tmp_path / "run"))
    pid = os.fork()
    if pid == 0:  # a fork says it first
        os._exit(0 if run.first("warning:validate_certs") else 1)
    assert os.waitpid(pid, 0)[1] == 0
    assert run.first("warning:validate_certs") is False
    assert run.first("warning:other") is True and run.first("warning:other") is False
