# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip bootstrap script that ansible-test downloads.

ansible-test fetches get-pip.py from a host this project's machines cannot reach.
The Makefile copies this file into ~/.ansible/test/cache/get_pip_<version>.py:
it installs pip from the interpreter's own ensurepip, then lets that pip
install the packages ansible-test asked for (from the configured index).
"""

import subprocess
import sys


def main(argv):
    drop = {"--no-setuptools", "--no-wheel"}
    args = [arg for arg in argv if arg not in drop]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--upgrade"] + args)
    if "--no-setuptools" in argv:
        subprocess.call([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", "setuptools"])


if __name__ == "__main__":
    main(sys.argv[1:])
