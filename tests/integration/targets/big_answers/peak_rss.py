# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command, then append its peak resident set size and wall time to a file.

python peak_rss.py OUTPUT COMMAND [ARGS...]

big_answers uses it as the Python interpreter of one module task (ansible_python_interpreter is
"PYTHON peak_rss.py OUTPUT PYTHON"): with pipelining Ansible writes the AnsiballZ payload to the
interpreter's stdin, which COMMAND inherits, and the module runs inside that one child process, so
the child's ru_maxrss (RUSAGE_CHILDREN; Linux counts it in KiB) is the module's peak memory.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time


def main(output, command):
    started = time.monotonic()
    returncode = subprocess.call(command)
    seconds = time.monotonic() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(output, "a", encoding="utf-8") as handle:
        handle.write("%d %.2f\n" % (peak_kib, seconds))
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
