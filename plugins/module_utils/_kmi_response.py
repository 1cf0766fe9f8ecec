# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn KMI JSON (as Kentik's gRPC gateway sends it) into plain, typed, checked Python.

- camelCase keys become snake_case;
- integer fields arrive as JSON numbers (proto3's JSON mapping of uint32, what the gateway sends) or
  decimal strings ("15169") and become int;
- proto3 JSON omits default values, so absent numbers become 0, booleans
  False, strings "" and lists [];
- every answer is untrusted, so each known field is checked: ids match
  ``ID_PATTERN`` (and are not ``.`` or ``..``), AS numbers run from 1 to
  4294967295, counts and scores are uint32 and only the ``*_change`` fields
  may be negative; text becomes one line of printable characters (controls
  and separators a space, invisible marks such as bidi overrides dropped, runs
  of spaces one) cut to ``TEXT_LIMIT`` characters. A value
  out of bounds raises ResponseValueError, naming the field and the value;
- fields this version does not know are kept (snake_cased) inside the answer's
  items, and dropped at its top level, so they never reach a module result's
  top level beside ``changed`` and ``failed``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import namedtuple

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

UINT32_MAX = 4294967295
# What a market id may hold: it lands in URL paths, file names and router configuration comments (KMI's ids, such as
# country$us, are a few characters long; a file name may not pass 255 bytes).
ID_PATTERN = re.compile(r"[A-Za-z0-9$._-]{1,128}\Z")
# Longest text kept from a name, a country or a message (no AS name comes near it).
TEXT_LIMIT = 1000
# What an unprintable character of a text becomes: a space for whitespace and control characters (TAB, CR, LF, NUL,
# the line and paragraph separators, ...); nothing for the invisible ones (bidi overrides, BOM, zero-width marks,
# lone surrogates, private use, unassigned).
_SPACE_CATEGORIES = ("Zs", "Zl", "Zp", "Cc")
# An integer in a JSON string: decimal digits only (int() alone would also take "1_000" or non-ASCII digits).
_INT_STRING = re.compile(r"-?[0-9]+\Z")
_REQUIRED = object()  # the default of a field that an item may not go without


class ResponseShapeError(ValueError):
    """The body is JSON but not of the message's shape."""


class ResponseValueError(ResponseShapeError):
    """A field has the right type but a value KMI would not send: out of range, a bad id, missing."""


# A field: convert(value, path) returns the checked value; default stands in when the field is absent
# (_REQUIRED: the item is refused without it).
Field = namedtuple("Field", ["convert", "default"])
# A repeated message: a list of dicts of these fields.
ListOf = namedtuple("ListOf", ["fields"])


def _show(value):
    """``value`` for an error message: repr() (control characters escaped), cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _to_int(value, path):
    if isinstance(value, bool):
        raise ResponseShapeError("%s: expected an integer, got %s" % (path, _show(value)))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_STRING.match(value.strip()):
        return int(value.strip())
    raise ResponseShapeError("%s: expected an integer, got %s" % (path, _show(value)))


def _integer(low, high, what):
    """A converter to an int from ``low`` to ``high``."""
    def convert(value, path):
        number = _to_int(value, path)
        if low <= number <= high:
            return number
        raise ResponseValueError("%s: %s is out of range for %s (%d to %d)" % (path, _show(value), what, low, high))
    return convert


def _to_bool(value, path):
    if isinstance(value, bool):
        return value
    raise ResponseShapeError("%s: expected true or false, got %s" % (path, _show(value)))


def _to_str(value, path):
    if isinstance(value, str):
        return value
    raise ResponseShapeError("%s: expected a string, got %s" % (path, _show(value)))


def _printable(char):
    if char.isprintable():
        return char
    return " " if unicodedata.category(char) in _SPACE_CATEGORIES else ""


def one_line(text):
    """``text`` as one line of printable characters: whitespace and control characters become a space, invisible ones
    go, runs of spaces become one, none at either end. (The roles' escape_for filter starts with it too.)"""
    if not text.isprintable():
        text = "".join(_printable(char) for char in text)
    return " ".join(text.split())


def _to_text(value, path):
    return one_line(_to_str(value, path))[:TEXT_LIMIT]


def _to_id(value, path):
    text = _to_str(value, path)
    if ID_PATTERN.match(text) and text not in (".", ".."):
        return text
    raise ResponseValueError("%s: %s is not a KMI id (1 to 128 letters, digits and $ . _ -; not . or ..)" % (path, _show(value)))


ID = Field(_to_id, _REQUIRED)
TEXT = Field(_to_text, "")
BOOL = Field(_to_bool, False)
ASN = Field(_integer(1, UINT32_MAX, "an AS number"), _REQUIRED)
ASN_IF_ANY = Field(ASN.convert, 0)  # 0 when absent
UINT32 = Field(_integer(0, UINT32_MAX, "a uint32"), 0)
CHANGE = Field(_integer(-UINT32_MAX, UINT32_MAX, "a change"), 0)  # the only signed numbers

# Field tables from the v202212 spec.
MARKET = {"market_id": ID, "name": TEXT}
RANKING = {"asn": ASN, "name": TEXT, "rank": UINT32, "rank_change": CHANGE, "score": UINT32, "score_change": CHANGE}
CUSTOMER_PROVIDER = {
    "asn": ASN,
    "name": TEXT,
    "score": UINT32,
    "singlehomed_customer": BOOL,
    "mutual_customer": BOOL,
    "mutual_provider": BOOL,
}
PEER = {"asn": ASN, "name": TEXT, "pfx_count": UINT32}
ASN_DETAILS = {
    "asn": ASN_IF_ANY,  # the client puts in the requested AS when it is absent
    "name": TEXT,
    "country_name": TEXT,
    "customers": ListOf(CUSTOMER_PROVIDER),
    "providers": ListOf(CUSTOMER_PROVIDER),
    "peers": ListOf(PEER),
}
INSIGHT = {"asn": ASN_IF_ANY, "name": TEXT, "type": UINT32, "message": TEXT, "created_at": TEXT}

LIST_MARKETS = {"markets": ListOf(MARKET)}
GET_RANKINGS = {"rankings": ListOf(RANKING), "invalid_count": UINT32}
GET_ASN_DETAILS = {"asn_details": ASN_DETAILS}
GET_INSIGHTS = {"insights": ListOf(INSIGHT)}


_SNAKE_KEYS = {}  # camelCase key -> snake_case key, as camel_dict_to_snake_dict names it


def _snake_key(key):
    try:
        return _SNAKE_KEYS[key]
    except KeyError:
        _SNAKE_KEYS[key] = snake = next(iter(camel_dict_to_snake_dict({key: None})))
        return snake


def _message(data, fields, path, keep_unknown=True):
    # One level at a time: each known field is converted once, by its own converter. (camel_dict_to_snake_dict on
    # the whole answer at every level made a 13,000-entry answer cost seconds.)
    if not isinstance(data, dict):
        raise ResponseShapeError("%s: expected an object, got %s" % (path, type(data).__name__))
    snake = {_snake_key(key): value for key, value in data.items()}
    result = {}
    for name, kind in fields.items():
        value = snake.pop(name, None)
        where = "%s.%s" % (path, name)
        if isinstance(kind, ListOf):
            result[name] = _list(value, kind.fields, where)
        elif isinstance(kind, dict):
            result[name] = _message(value if value is not None else {}, kind, where)
        elif value is not None:
            result[name] = kind.convert(value, where)
        elif kind.default is _REQUIRED:
            raise ResponseValueError("%s: missing" % where)
        else:
            result[name] = kind.default
    if keep_unknown:
        for name, value in snake.items():
            result[name] = camel_dict_to_snake_dict({"value": value})["value"] if isinstance(value, (dict, list)) else value
    return result


def _list(value, fields, path):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ResponseShapeError("%s: expected a list, got %s" % (path, type(value).__name__))
    return [_message(item, fields, "%s[%d]" % (path, index)) for index, item in enumerate(value)]


def normalize(data, fields):
    """Return ``data`` (decoded JSON) as a snake_case dict typed and checked after ``fields``, unknown top-level fields dropped."""
    return _message(data, fields, "response", keep_unknown=False)
