# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The project as a whole: unit tests that mirror plugins/ file by file, no import circle among its modules (plugins,
simulator, bench, hacking), no source file over 500 lines."""

from __future__ import annotations

import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = "ansible_collections.kentik.kmi"
SOURCES = ("plugins", "simulator", "bench", "hacking")
MAX_LINES = 500
# What is written by hand, by its ending; data (datasets, benchmark results, the changelog) is not.
_SOURCE_ENDINGS = (".py", ".sh", ".yml", ".yaml", ".j2", ".md", ".rst", "Makefile")
_NOT_SOURCE = {".git", ".venv", ".build", "output", "demo-output", "datasets", "results", "changelogs", "__pycache__", ".pytest_cache"}


def _modules():
    """{module name: file} of every module in SOURCES. bench/ and hacking/ are scripts run from their own folder, so their
    modules import each other by bare name; plugins/ by the collection's name, simulator/ as a package of the root."""
    modules = {}
    for top in SOURCES:
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs[:] = [name for name in dirs if name != "__pycache__"]
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, ROOT)[: -len(".py")].split(os.sep)
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                if top == "plugins":
                    parts = PACKAGE.split(".") + parts
                elif top in ("bench", "hacking"):
                    parts = [top] + parts[-1:] if len(parts) > 1 else parts
                modules[".".join(parts)] = path
    return modules


def _imports(path, modules, own):
    """The project modules that the file at ``path`` (module ``own``) imports, at any depth of its code."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    script_folder = own.split(".")[0] if own.split(".")[0] in ("bench", "hacking") else None
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + ["%s.%s" % (node.module, alias.name) for alias in node.names]
        else:
            continue
        for name in names:
            for candidate in (name, "%s.%s" % (script_folder, name) if script_folder else None):
                if candidate in modules and candidate != own:
                    found.add(candidate)
    return found


def _circles(graph):
    """Each import circle of ``graph`` ({module: imported modules}) once, as a list of modules."""
    circles, done = [], set()

    def visit(module, path):
        if module in path:
            circle = path[path.index(module):]
            start = circle.index(min(circle))
            circle = circle[start:] + circle[:start]
            if circle not in circles:
                circles.append(circle)
            return
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return circles


def test_no_import_circle():
    modules = _modules()
    graph = {name: _imports(path, modules, name) for name, path in modules.items()}
    assert len(modules) > 50 and graph["simulator.server"]  # the walk found the project, and its imports
    assert _circles(graph) == []


def test_the_circle_finder_finds_circles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": {"e"}}
    assert _circles(graph) == [["a", "b", "c"], ["e", "e2"]]


def test_no_source_file_is_over_500_lines():
    long_files = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [name for name in dirs if name not in _NOT_SOURCE]
        for name in files:
            if name.endswith(_SOURCE_ENDINGS) and name != "CHANGELOG.rst":
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    count = len(handle.readlines())
                if count > MAX_LINES:
                    long_files[os.path.relpath(path, ROOT)] = count
    assert long_files == {}


def _files(folder, prefix=""):
    """{sub-folder of ``folder``: the .py files in it whose name starts with ``prefix``}, __init__.py left out."""
    found = {}
    for here, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        names = {name for name in files if name.endswith(".py") and name.startswith(prefix) and name != "__init__.py"}
        if names:
            found[os.path.relpath(here, folder)] = names
    return found


def test_each_plugin_file_has_its_test_file_and_each_test_file_its_plugin_file():
    plugins = _files(os.path.join(ROOT, "plugins"))
    tests = _files(os.path.join(ROOT, "tests", "unit", "plugins"), "test_")
    wanted = {(folder, "test_" + name.lstrip("_")) for folder, names in plugins.items() for name in names}
    have = {(folder, name) for folder, names in tests.items() for name in names}
    assert sorted(wanted - have) == []  # a plugin file without its test file
    # every test file is its plugin file's (test_kmi_cache_trust.py is _kmi_cache.py's too)
    assert sorted(test for test in have if not any(test[0] == want[0] and test[1].startswith(want[1][:-3]) for want in wanted)) == []
