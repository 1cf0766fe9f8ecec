# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""escape_for: every string of the simulator's hostile corpus, in each format, checked with that format's own parser."""

from __future__ import annotations

import csv
import io
import re

import pytest
from ansible.errors import AnsibleFilterError
from markdown_it import MarkdownIt

from ansible_collections.kentik.kmi.plugins.filter.escape_for import CONFIG_LIMIT, FilterModule, escape_for
from simulator.hostile import NAMES

# A cell a spreadsheet evaluates: it starts with = + - @ TAB or CR and is not a plain number.
FORMULA = re.compile(r"[=+\-@\t\r]")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")


def test_the_filter_is_registered():
    assert FilterModule().filters() == {"escape_for": escape_for}


@pytest.mark.parametrize("name", NAMES)
def test_config_text_is_one_line_without_quotes_or_backslashes(name):
    text = escape_for(name, "config")
    assert text.isprintable() and text == text.strip()
    assert '"' not in text and "\\" not in text
    assert len(text) <= CONFIG_LIMIT
    # in a BIRD "#" comment, an FRR "!" comment and a BIRD description string, it stays one line of the template
    for line in ("# AS64500 %s" % text, "! AS64500 %s" % text, 'description "KMI candidate %s";' % text):
        assert line.splitlines() == [line]


def test_config_keeps_what_is_harmless():
    assert escape_for("Deutsche Telekom AG", "config") == "Deutsche Telekom AG"
    assert escape_for("Ελληνικά 日本語", "config") == "Ελληνικά 日本語"
    assert escape_for('A "B" C\\D', "config") == "A 'B' C/D"
    assert escape_for("EVIL\nprotocol bgp x { }", "config") == "EVIL protocol bgp x { }"
    assert escape_for(64500, "config") == "64500"
    assert escape_for(None, "config") == ""
    assert escape_for("N" * 500, "config") == "N" * (CONFIG_LIMIT - 3) + "..."


@pytest.mark.parametrize("name", NAMES)
def test_csv_cells_parse_back_as_one_cell_and_no_formula(name):
    row = "1,%s,%s\r\n" % (escape_for(name, "csv"), escape_for("x", "csv"))
    cells = list(csv.reader(io.StringIO(row, newline="")))
    assert len(cells) == 1 and len(cells[0]) == 3, row
    cell = cells[0][1]
    assert "\r" not in cell and "\n" not in cell
    assert not (FORMULA.match(cell) and not NUMBER.match(cell)), cell


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("http://x")', "'=HYPERLINK(\"http://x\")"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'=1"),
        ("a\r\nb", "a b"),
        ("Level 3", "Level 3"),
        ("", ""),
    ],
)
def test_csv_neutralises_formulas(value, cell):
    assert next(csv.reader([escape_for(value, "csv")])) == [cell]


@pytest.mark.parametrize("name", NAMES)
def test_markdown_cells_render_without_raw_tags(name):
    cell = escape_for(name, "markdown")
    table = "| a | b | c |\n| --- | --- | --- |\n| 1 | AS1 %s | z |\n" % cell
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(table)
    body = html.split("<tbody>", 1)[1]
    # one row of exactly three cells, and no tag but the table's own
    assert body.count("<tr>") == 1 and body.count("<td>") == 3, html
    assert set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", body)) <= {"tr", "td", "tbody", "table"}, html


def test_markdown_keeps_the_text_readable():
    assert escape_for("Deutsche Telekom AG", "markdown") == "Deutsche Telekom AG"
    assert escape_for("AT&T | <b>*x*</b>", "markdown") == "AT\\&T \\| \\<b\\>\\*x\\*\\</b\\>"
    rendered = MarkdownIt("commonmark").render(escape_for("AT&T <b>*x*</b> `y`", "markdown"))
    assert rendered == "<p>AT&amp;T &lt;b&gt;*x*&lt;/b&gt; `y`</p>\n"


@pytest.mark.parametrize("file_format", ["html", "CSV", "", None])
def test_an_unknown_format_names_the_allowed_ones(file_format):
    with pytest.raises(AnsibleFilterError) as caught:
        escape_for("x", file_format)
    assert str(caught.value) == "kentik.kmi.escape_for: the format must be one of config, csv, markdown, got %r" % (file_format,)
