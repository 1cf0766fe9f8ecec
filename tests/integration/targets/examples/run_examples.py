# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every example of the documentation as a user would copy it, against the simulator; exit 1 if one fails.

Usage: run_examples.py COLLECTION_ROOT DEFAULT_URL SMALL_URL [--list]

Where the examples are: the Markdown files (README.md, docs/, roles/, simulator/), the guides (docs/docsite/rst/) and
the EXAMPLES of every module, lookup and filter. What is run, in the order of each file, in an empty folder of its own:
- a YAML block that is a playbook: with ansible-playbook; one whose first line names a file (``# first.yml``) is
  written to that file instead, for a later command of the same page to run;
- a YAML block that is a list of tasks: after the playbook before it on the same page, as more of that play's tasks
  (the guides build a play up in steps); with no playbook before it, as the tasks of a play on localhost (EXAMPLES);
- each ``ansible-playbook`` command of a bash or console block (a ``$ `` prompt in console blocks), and each
  ``curl`` to ``$KTAPI_URL`` (the simulator of the README's export line), in the shell; one that ends in
  ``# fails: TEXT`` must fail and say TEXT (a CI gate that is meant to go red);
- a Python block, with the folder that holds ansible_collections/ on PYTHONPATH, as the README says.
Other YAML (variables, a CI definition, an AWX credential type) and other commands (make, pip, starting the simulator)
are not run. The environment is the README's ``export`` line: KTAPI_URL, KTAPI_AUTH_EMAIL, KTAPI_AUTH_TOKEN. The
simulator runs on the default dataset, except for the pages in SMALL_DATASET, which start it with ``--dataset small``,
and is reset (log, faults) before each page;
``http://127.0.0.1:8700`` in an example becomes the address of the simulator this test started. Playbooks for a
group of hosts (``hosts: routers``) get an inventory of three such hosts with the variables the examples use.
"""

from __future__ import annotations

import ast
import glob
import os
import re
import subprocess
import sys
import tempfile
import textwrap

import yaml

SMALL_DATASET = ("docs/docsite/rst/decisions.rst", "docs/docsite/rst/getting_started.rst")
MARKDOWN = ("README.md", "docs/*.md", "docs/awx/README.md", "docs/execution-environment/README.md", "roles/README.md",
            "roles/*/README.md", "simulator/README.md")
DOCUMENTED_URL = "http://127.0.0.1:8700"
TIMEOUT = 300  # seconds for one example

INVENTORY = """\
[routers]
router01 site_country=US upstream_asn=3356
router02 site_country=DE upstream_asn=3356
router03 site_country=DE upstream_asn=1299

[all:vars]
ansible_connection=local
ansible_python_interpreter="{{ ansible_playbook_python }}"
"""

_FENCE = re.compile(r"^```(\w[\w+-]*)?\s*$")
_RST_BLOCK = re.compile(r"^(\s*)\.\. code-block:: *([\w+-]+)\s*$")
_FILE_NAME = re.compile(r"^# (\w[\w.-]*\.ya?ml)\s*$")
_FAILS = re.compile(r"\s#\s*fails:\s*(.+)$")


class Block:
    """A code block of a page: its language, text and where it starts."""

    def __init__(self, source, line, language, text):
        self.source, self.line, self.language, self.text = source, line, language, text

    @property
    def where(self):
        return "%s:%d" % (self.source, self.line)


def markdown_blocks(source, text):
    blocks, language, start, lines = [], None, 0, None
    for number, line in enumerate(text.splitlines(), 1):
        fence = _FENCE.match(line)
        if lines is None and fence:
            language, start, lines = (fence.group(1) or "").lower(), number + 1, []
        elif lines is not None and line.strip() == "```":
            blocks.append(Block(source, start, language, "\n".join(lines) + "\n"))
            lines = None
        elif lines is not None:
            lines.append(line)
    return blocks


def rst_blocks(source, text):
    blocks, all_lines = [], text.splitlines()
    for index, line in enumerate(all_lines):
        directive = _RST_BLOCK.match(line)
        if not directive:
            continue
        indent, body = len(directive.group(1)), []
        for following in all_lines[index + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        text_of_block = textwrap.dedent("\n".join(body)).strip("\n") + "\n"
        blocks.append(Block(source, index + 2, directive.group(2).lower(), text_of_block))
    return blocks


def plugin_examples(root):
    """The EXAMPLES of every module and lookup (Python) and filter (YAML), each a block of its own."""
    blocks = []
    for folder in ("plugins/modules", "plugins/lookup", "plugins/filter"):
        for name in sorted(os.listdir(os.path.join(root, folder))):
            path = os.path.join(root, folder, name)
            source = "%s/%s" % (folder, name)
            if name.endswith(".py") and not name.startswith("_"):
                tree = ast.parse(open(path, encoding="utf-8").read())
                texts = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
                         and getattr(node.targets[0], "id", None) == "EXAMPLES"]
            elif name.endswith(".yml"):
                texts = [yaml.safe_load(open(path, encoding="utf-8")).get("EXAMPLES")]
            else:
                continue
            blocks.extend(Block(source, 1, "yaml", text) for text in texts if text and text.strip())
    return blocks


def pages(root):
    """{page: [blocks]} in a stable order."""
    found = {}
    for pattern in MARKDOWN:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            source = os.path.relpath(path, root)
            found.setdefault(source, markdown_blocks(source, open(path, encoding="utf-8").read()))
    for path in sorted(glob.glob(os.path.join(root, "docs/docsite/rst/*.rst"))):
        source = os.path.relpath(path, root)
        found[source] = rst_blocks(source, open(path, encoding="utf-8").read())
    for block in plugin_examples(root):
        found.setdefault(block.source, []).append(block)
    return found


def _commands(block):
    """The ansible-playbook commands of a shell block (console: the lines after a ``$ `` prompt), continuations joined."""
    commands, pending = [], ""
    for line in block.text.splitlines():
        if block.language == "console" and not pending:
            if not line.startswith("$ "):
                continue  # the output of a command
            line = line[2:]
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        commands.append((pending + line).strip())
        pending = ""
    return [command for command in commands if command.startswith("ansible-playbook ")
            or (command.startswith("curl ") and "$KTAPI_URL" in command)]


def steps(blocks):
    """(what, kind, payload, where) for each runnable part of a page, in order.

    kind: 'playbook' (payload: YAML text), 'file' ((name, text)), 'shell' (a command), 'python' (source).
    """
    found, last_play = [], None
    for block in blocks:
        if block.language in ("yaml", "yaml+jinja", "yml"):
            data = yaml.safe_load(block.text)
            if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
                continue  # variables, a CI definition, a credential type: not a play
            first = block.text.lstrip().splitlines()[0]
            if all("hosts" in item or "import_playbook" in item for item in data):
                named = _FILE_NAME.match(first)
                if named:
                    found.append(("file %s" % named.group(1), "file", (named.group(1), block.text), block.where))
                else:
                    found.append(("playbook", "playbook", block.text, block.where))
                last_play = data
            elif last_play is not None:
                last_play = [dict(play) for play in last_play]
                last_play[-1]["tasks"] = list(last_play[-1].get("tasks") or []) + data
                found.append(("the playbook before, with these tasks", "playbook", yaml.safe_dump(last_play, sort_keys=False),
                              block.where))
            else:
                play = [{"name": "Example", "hosts": "localhost", "gather_facts": False, "tasks": data}]
                found.append(("tasks", "playbook", yaml.safe_dump(play, sort_keys=False), block.where))
        elif block.language in ("bash", "sh", "shell", "console"):
            found.extend(("command", "shell", command, block.where) for command in _commands(block))
        elif block.language == "python":
            found.append(("python", "python", block.text, block.where))
    return found


def run_page(page, page_steps, url, collections_root, inventory):
    """Run the steps of one page in an empty folder; return [(where, what, None or the output of a failure)]."""
    results = []
    env = dict(os.environ, KTAPI_URL=url, KTAPI_AUTH_EMAIL="sim@example.com", KTAPI_AUTH_TOKEN="sim-token",
               ANSIBLE_INVENTORY=inventory, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    from simulator.control import Control  # pylint: disable=import-outside-toplevel  # main() put the root on sys.path

    Control(url).reset()
    with tempfile.TemporaryDirectory(prefix="kmi-example-") as folder:
        for number, (what, kind, payload, where) in enumerate(page_steps, 1):
            if kind == "file":
                name, text = payload
                with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
                    handle.write(text.replace(DOCUMENTED_URL, url))
                results.append((where, what, None))
                continue
            if kind == "playbook":
                name = "example-%d.yml" % number
                with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
                    handle.write(payload.replace(DOCUMENTED_URL, url))
                command = ["ansible-playbook", name]
            elif kind == "shell":
                command = ["bash", "-c", payload.replace(DOCUMENTED_URL, url)]
            else:
                command = [sys.executable, "-c", payload.replace(DOCUMENTED_URL, url)]
            run_env = dict(env, PYTHONPATH=collections_root) if kind == "python" else env
            try:
                done = subprocess.run(command, cwd=folder, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      timeout=TIMEOUT, check=False)
                output, failed = done.stdout.decode("utf-8", "replace"), done.returncode != 0
            except subprocess.TimeoutExpired:
                output, failed = "timed out after %d s" % TIMEOUT, True
            meant = _FAILS.search(payload) if kind == "shell" else None
            if meant and not output.startswith("timed out"):  # a gate meant to go red: it must, and say why
                failed = not failed or meant.group(1).strip() not in output
                output = "expected to fail and say %r:\n%s" % (meant.group(1).strip(), output)
            results.append((where, what, output if failed else None))
            print("%-6s %s %s (%s)" % ("FAIL" if failed else "ok", where, what, page), flush=True)
    return results


def main(argv):
    root, default_url, small_url = argv[1:4]
    sys.path.insert(0, os.path.abspath(root))  # the simulator's control client; never the examples' PYTHONPATH
    collections_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(root))))
    found = {page: steps(blocks) for page, blocks in pages(root).items()}
    missing = [page for page in ("README.md", "plugins/modules/kmi_asn_info.py", "docs/docsite/rst/decisions.rst") if not found.get(page)]
    if missing:
        print("no examples found in %s: is %s the collection?" % (", ".join(missing), root))
        return 1
    if "--list" in argv:
        for page, page_steps in found.items():
            for what, _kind, _payload, where in page_steps:
                print("%s %s" % (where, what))
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as handle:
        handle.write(INVENTORY)
    failures, count = [], 0
    for page, page_steps in found.items():
        url = small_url if page in SMALL_DATASET else default_url
        for where, what, output in run_page(page, page_steps, url, collections_root, handle.name):
            count += 1
            if output is not None:
                failures.append((where, what, output))
    os.unlink(handle.name)
    for where, what, output in failures:
        print("\n===== FAILED: %s %s\n%s" % (where, what, output[-6000:]))
    print("\n%d examples run, %d failed" % (count, len(failures)))
    return 1 if failures or not count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
