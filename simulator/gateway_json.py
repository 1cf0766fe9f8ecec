# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kentik's gRPC gateway's JSON, both ways: how it writes an answer (``encode``) and reads a request's fields.

An answer: camelCase keys, integers as JSON numbers (proto3's JSON mapping of uint32), unset fields left
out (see PRESENCE).

A request's fields are typed as kmi.proto declares them. A JSON body is read as protojson reads it into
the request message (GetRankings and GetASNDetails take the body "*": every field of the request, the
path's set over it afterwards): a ``uint32`` from a JSON number or a decimal string from 0 to 4294967295,
a ``string`` from a JSON string, null as unset, unknown fields discarded. A query parameter (the
insights RPCs) is read as grpc-gateway's query parser does: a ``uint32`` with strconv.ParseUint(value,
10, 32). Anything else is HTTP 400 with gRPC code 3 (InvalidArgument); FieldError carries the gateway's
message. What a field's value means (a rank type, a lookback of 1, 7 or 30) is the server's to check,
after this.
"""

from __future__ import annotations

import json
import re

UINT32_MAX = 4294967295
_DIGITS = re.compile(r"[0-9]+\Z")

# The request fields a body may set, by RPC: (proto name, proto type). protojson takes the proto name and the
# JSON name (its camelCase) alike.
BODY_FIELDS = {
    "GetRankings": (("market_id", "string"), ("rank_type", "string"), ("ip", "string"), ("limit", "uint32")),
    "GetASNDetails": (("market_id", "string"), ("asn", "string"), ("ip", "string"), ("type", "string"),
                      ("mutual_provider", "string"), ("mutual_customer", "string"), ("singlehomed_customer", "string")),
}


class FieldError(Exception):
    """A request field the gateway cannot read (HTTP 400, InvalidArgument); the message is the gateway's."""


def body_fields(operation, body):
    """The fields ``body`` (a decoded JSON object) sets for ``operation``, by proto name, typed; unset ones left out."""
    fields = {}
    for name, kind in BODY_FIELDS.get(operation, ()):
        for key in (_camel(name), name):
            if body.get(key) is not None:
                fields[name] = _READERS[kind](body[key], name)
                break
    return fields


def query_uint32(query, name, default):
    """Query parameter ``name`` (parse_qs's lists) as a uint32; ``default`` when it is absent or empty."""
    values = query.get(name)
    if not values or values[0] == "":
        return default
    value = values[0]
    if not _DIGITS.match(value):
        raise FieldError('type mismatch, parameter: %s, error: strconv.ParseUint: parsing %s: invalid syntax' % (name, json.dumps(value)))
    if int(value) > UINT32_MAX:
        raise FieldError('type mismatch, parameter: %s, error: strconv.ParseUint: parsing %s: value out of range' % (name, json.dumps(value)))
    return int(value)


def _uint32(value, name):
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _DIGITS.match(value):
        number = int(value)
    if number is None or not 0 <= number <= UINT32_MAX:
        raise FieldError("proto: invalid value for uint32 field %s: %s" % (name, _show(value)))
    return number


def _string(value, name):
    if not isinstance(value, str):
        raise FieldError("proto: invalid value for string field %s: %s" % (name, _show(value)))
    return value


def _show(value):
    return json.dumps(value)[:64]


_READERS = {"uint32": _uint32, "string": _string}


# ------------------------------------------------------------------ answers


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


# The answers' fields that the proto declares ``optional`` (explicit presence): the server sets each of them, so the
# gateway writes them even when they are 0 or false. Every other field (strings, lists, invalid_count) is left out
# when it holds its default, as protojson does unless EmitUnpopulated is set.
PRESENCE = frozenset(("asn", "rank", "rank_change", "score", "score_change", "pfx_count", "type",
                      "singlehomed_customer", "mutual_customer", "mutual_provider"))


def encode(value):
    """Encode as the gateway does: camelCase keys, integers as JSON numbers (proto3's JSON mapping of uint32), unset
    fields left out (see PRESENCE)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if item is None or (key not in PRESENCE and (item in ("", [], {}) or item is False or item == 0)):
                continue
            out[_camel(key)] = encode(item)
        return out
    if isinstance(value, list):
        return [encode(item) for item in value]
    return value
