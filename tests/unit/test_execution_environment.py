# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection in an execution environment, as ansible-builder 3 sees it.

1. `ansible-builder introspect` on the collection, as built by `ansible-galaxy collection build`
   and unpacked the way an image gets it, reports exactly the Python libraries of requirements.txt
   (requests, jmespath) and no system package.
2. `ansible-builder create` turns docs/execution-environment/execution-environment.yml into a
   build context: a Containerfile, and `_build/` holding the collection tarball and the galaxy
   requirements that install it. The image build itself needs a container engine and is not run.

Skipped, with the reason, when ansible_builder is not installed (tests/requirements-dev.txt lists it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

ansible_builder = pytest.importorskip(
    "ansible_builder",
    reason="ansible-builder is not installed in this Python: pip install 'ansible-builder==3.*' (tests/requirements-dev.txt)",
)

# pylint: disable=wrong-import-position
from packaging.requirements import Requirement  # noqa: E402  (a dependency of ansible-builder)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EE_DIR = os.path.join(ROOT, "docs", "execution-environment")
EE_FILE = os.path.join(EE_DIR, "execution-environment.yml")
TARBALL = "kentik-kmi.tar.gz"  # the name the example definition expects next to it


def _run(*args, cwd=None):
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, "%s failed (exit %d):\n%s\n%s" % (" ".join(args), proc.returncode, proc.stdout, proc.stderr)
    return proc.stdout


def _requirements(lines):
    """{name: specifier} of pip requirement lines; comments and blank lines are skipped."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            found[req.name.lower()] = str(req.specifier)
    return found


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    """The collection as `ansible-galaxy collection build` ships it (build_ignore applied)."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "ansible.cli.galaxy", "collection", "build", ROOT, "--output-path", str(out), "--force")
    (built,) = out.glob("kentik-kmi-*.tar.gz")
    return built


def test_introspect_reports_requirements_txt(tarball, tmp_path):
    # Unpacked as `ansible-galaxy collection install` lays it out in the image.
    target = tmp_path / "collections" / "ansible_collections" / "kentik" / "kmi"
    target.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        # our own tarball, built just above; the "data" filter where this Python has it (3.12+ warns without one)
        archive.extractall(target, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    assert (target / "meta" / "execution-environment.yml").is_file(), "the built tarball lacks meta/execution-environment.yml"

    out = _run(sys.executable, "-m", "ansible_builder", "introspect", "--sanitize", str(tmp_path / "collections"))
    report = yaml.safe_load(out)

    assert report["system"] == [], "kentik.kmi needs no system package, yet introspect reports %r" % report["system"]
    for line in report["python"]:
        assert line.endswith("# from collection kentik.kmi"), line
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as handle:
        expected = _requirements(handle)
    assert set(expected) == {"requests", "jmespath"}
    assert _requirements(report["python"]) == expected


def test_create_makes_a_build_context(tarball, tmp_path):
    # The definition and the tarball side by side, as its header tells users to put them.
    ee_dir = tmp_path / "ee"
    shutil.copytree(EE_DIR, ee_dir)
    shutil.copy(tarball, ee_dir / TARBALL)
    context = tmp_path / "context"

    _run(
        sys.executable, "-m", "ansible_builder", "create",
        "-f", str(ee_dir / "execution-environment.yml"), "-c", str(context), "--output-filename", "Containerfile",
    )

    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect" in containerfile  # the image build collects requests and jmespath from the collection
    assert (context / "_build" / "collections" / TARBALL).read_bytes() == tarball.read_bytes()
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert galaxy == {"collections": [{"name": "/build/collections/" + TARBALL, "type": "file"}]}
    # The Containerfile copies _build to /build before it installs the collections.
    assert containerfile.index("COPY _build /build") < containerfile.index("ansible-galaxy collection install")

    with open(EE_FILE, encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    assert definition["version"] == 3
    assert "python" not in definition["dependencies"], "requests and jmespath come from the collection's meta, not the EE file"
