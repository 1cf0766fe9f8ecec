# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible.builtin.jsonfile on a slow disk, for the many_forks test's kill in the middle of a write.

jsonfile writes an entry to a temporary file, then renames it into place; the write lasts well under a
millisecond, too short for a test to kill a run inside it. With KMI_FORKS_SLOW_WRITE=SECONDS in the environment,
this plugin writes the first half of the temporary file, pauses SECONDS, then writes the rest: a run killed in the
pause leaves a torn temporary file, as a power cut in a real write would. Without it, it is jsonfile itself.
"""

from __future__ import annotations

DOCUMENTATION = """
    name: forks_slow_jsonfile
    short_description: ansible.builtin.jsonfile whose writes pause halfway (many_forks test only)
    description:
      - The ansible.builtin.jsonfile cache; with E(KMI_FORKS_SLOW_WRITE) set to seconds, every write pauses that
        long halfway through its temporary file.
    author: kentik.kmi contributors
    options:
      _uri:
        required: true
        description: Folder of the cache files.
        type: path
      _prefix:
        description: Prefix of the cache files' names.
      _timeout:
        default: 86400
        description: Seconds an entry is kept.
        type: integer
      persist_metadata:
        default: true
        description:
          - jsonfile's own option from ansible-core 2.22 on, which jsonfile reads whenever Ansible loads it (older cores
            ignore it). Whether entries keep Ansible's metadata, in 2.22's file names and format.
        type: bool
"""

import os
import time

from ansible.plugins.cache.jsonfile import CacheModule as _JsonfileCache


class CacheModule(_JsonfileCache):
    """jsonfile, with a pause halfway through each write when KMI_FORKS_SLOW_WRITE is set."""

    def _dump(self, value, filepath):
        super()._dump(value, filepath)
        pause = float(os.environ.get("KMI_FORKS_SLOW_WRITE") or 0)
        if pause:
            with open(filepath, "rb") as written:
                data = written.read()
            with open(filepath, "wb") as slow:
                slow.write(data[:len(data) // 2])
                slow.flush()
                time.sleep(pause)
                slow.write(data[len(data) // 2:])
