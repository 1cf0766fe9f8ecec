"""check_outputs.py ROOT files NORMAL HOSTILE...: the outputs of hostile answers (outputs.yml) against normal ones.
check_outputs.py ROOT dom NORMAL_DOM HOSTILE_DOM...: the same for the DOMs headless Chromium dumped of the HTML reports.
ROOT: the collection's folder (the corpus is its simulator/hostile.py).

Each file is read with its own parser, and must have the structure of the normal run's file: only the text differs.
- FRR and BIRD: the lines, with comments and quoted or description text blanked, are the normal run's: 0 injected;
- CSV (Python's csv): the normal run's rows and columns, no CR or LF in a cell, 0 cells a spreadsheet takes for a formula;
- Markdown (markdown-it-py, raw HTML on, as CommonMark allows): the same tags as the normal run's render: no raw tag;
- HTML (html.parser) and the Chromium DOM: the same tags, no script, no on* attribute;
- data.json (what the modules and lookups returned): every name one printable line; a Jinja expression among the
  names comes back as it was sent, never templated.
"""
import collections
import csv
import glob
import io
import importlib
import json
import os
import re
import sys
from html.parser import HTMLParser

from markdown_it import MarkdownIt

FORMULA = re.compile(r"[=+\-@\t\r]")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
problems = []
counts = collections.Counter()


def fail(text):
    problems.append(text)


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def config_skeleton(text):
    """The lines of an FRR or BIRD file with their free text blanked: comments, quoted strings, descriptions."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r'"[^"\n]*"', '""', line)  # escape_for('config') leaves no double quote in a value
        line = re.sub(r" description .*", " description", line)  # FRR: the rest of the line
        line = re.sub(r"#.*", "#", line)  # BIRD comments
        lines.append("!" if line.lstrip().startswith("!") else line)
    return lines


def csv_rows(path):
    text = open(path, encoding="utf-8", newline="").read()
    if not text.startswith("# SIMULATED data from the kentik.kmi KMI simulator"):
        fail("%s: made from the simulator, its first row does not say so: %r" % (path, text[:60]))
    rows = list(csv.reader(io.StringIO(text.split("\n", 1)[1])))  # after the comment row, as pandas' comment='#' reads it
    for row in rows[1:]:
        if len(row) != len(rows[0]):
            fail("%s: a row of %d cells, the header has %d: %r" % (path, len(row), len(rows[0]), row[:3]))
        for cell in row:
            counts["csv cells"] += 1
            if "\r" in cell or "\n" in cell:
                fail("%s: a line break in cell %r" % (path, cell[:40]))
            if FORMULA.match(cell) and not NUMBER.match(cell):
                fail("%s: a formula cell %r" % (path, cell[:40]))
    return [row[:3] for row in rows]  # kind, position, asn: the structure


class Tags(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags = collections.Counter()
        self.bad = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.bad += [name for name, dummy in attrs if name.lower().startswith("on")]
        if tag in ("script", "img", "iframe", "object", "embed"):
            self.bad.append(tag)


def same_tags(path, normal_text, text, what):
    normal, hostile = Tags(normal_text), Tags(text)
    counts[what + " tags"] += sum(hostile.tags.values())
    if hostile.tags != normal.tags:
        fail("%s: tags %s differ from the normal run's %s" % (path, hostile.tags - normal.tags, normal.tags - hostile.tags))
    if hostile.bad:
        fail("%s: %s" % (path, hostile.bad))


def check_files(normal, hostile, corpus):
    markdown = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    for name in ("frr-kmi.conf", "bird-kmi.conf"):
        want, got = (config_skeleton(read(os.path.join(d, "bgp", name))) for d in (normal, hostile))
        counts["config lines"] += len(got)
        if got != want:
            extra = [line for line in got if line not in want]
            fail("%s/bgp/%s: %d lines, the normal run's %d; lines the normal run has not: %r" % (hostile, name, len(got), len(want), extra[:5]))
    for path in sorted(glob.glob(os.path.join(normal, "report", "*"))):
        mine = os.path.join(hostile, "report", os.path.basename(path))
        if not os.path.exists(mine):
            fail("%s is missing" % mine)
            continue
        if path.endswith(".csv") and csv_rows(path) != csv_rows(mine):
            fail("%s: rows differ from the normal run's" % mine)
        elif path.endswith(".md"):
            same_tags(mine, markdown.render(read(path)), markdown.render(read(mine)), "markdown")
        elif path.endswith(".html"):
            same_tags(mine, read(path), read(mine), "html")
        elif path.endswith(".json"):
            json.loads(read(mine))
    data = json.loads(read(os.path.join(hostile, "data.json")))
    names = list(corpus.texts(data))
    counts["names from modules and lookups"] += len(names)
    for text in names:
        if not (text.isprintable() and text == text.strip() and len(text) <= 1000):
            fail("%s/data.json: a name that is not one printable line: %r" % (hostile, text[:60]))
    if corpus.JINJA not in names:
        fail("%s/data.json: the corpus's Jinja name is not among the names as it was sent" % hostile)
    for kind, keys in (("modules", ["invalid_count", "market", "rankings", "source"]), ("lookups", ["invalid_count", "market", "rankings"])):
        if sorted(data[kind]["rankings"]) != keys:
            fail("%s/data.json: the %s' ranking result has keys %s" % (hostile, kind, sorted(data[kind]["rankings"])))
    for path in glob.glob(os.path.join(hostile, "**", "*"), recursive=True):
        if os.path.isfile(path) and "uid=" in read(path):
            fail("%s: holds the output of a command ('uid=')" % path)


def main(root, mode, normal, *hostile):
    sys.path.insert(0, root)
    corpus = importlib.import_module("simulator.hostile")
    for other in hostile:
        if mode == "dom":
            same_tags(other, read(normal), read(other), "dom")
        else:
            check_files(normal, other, corpus)
    print("checked %d run(s): %s" % (len(hostile), dict(counts)))
    if problems:
        sys.exit("%d problem(s):\n%s" % (len(problems), "\n".join(problems)))


if __name__ == "__main__":
    main(*sys.argv[1:])
