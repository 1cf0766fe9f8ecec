# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn KMI JSON (as Kentik's gRPC gateway sends it) into plain, typed Python.

- camelCase keys become snake_case;
- integer fields arrive as JSON strings ("15169") or numbers and become int;
- proto3 JSON omits default values, so absent numbers become 0, booleans
  False, strings "" and lists [];
- fields this version does not know are kept (snake_cased), never dropped.
"""

from __future__ import annotations

import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

# Field tables from the v202212 spec: field -> int, bool, str or (list, message).
MARKET = {"market_id": str, "name": str}
RANKING = {"asn": int, "name": str, "rank": int, "rank_change": int, "score": int, "score_change": int}
CUSTOMER_PROVIDER = {
    "asn": int,
    "name": str,
    "score": int,
    "singlehomed_customer": bool,
    "mutual_customer": bool,
    "mutual_provider": bool,
}
PEER = {"asn": int, "name": str, "pfx_count": int}
ASN_DETAILS = {
    "asn": int,
    "name": str,
    "country_name": str,
    "customers": (list, CUSTOMER_PROVIDER),
    "providers": (list, CUSTOMER_PROVIDER),
    "peers": (list, PEER),
}
INSIGHT = {"asn": int, "name": str, "type": int, "message": str, "created_at": str}

LIST_MARKETS = {"markets": (list, MARKET)}
GET_RANKINGS = {"rankings": (list, RANKING), "invalid_count": int}
GET_ASN_DETAILS = {"asn_details": ASN_DETAILS}
GET_INSIGHTS = {"insights": (list, INSIGHT)}

_DEFAULTS = {int: 0, bool: False, str: ""}
# An int64 in a JSON string: decimal digits only (int() alone would also take "1_000" or non-ASCII digits).
_INT_STRING = re.compile(r"-?[0-9]+\Z")


class ResponseShapeError(ValueError):
    """The body is JSON but not of the message's shape."""


def _to_int(value, path):
    if isinstance(value, bool):
        raise ResponseShapeError("%s: expected an integer, got %r" % (path, value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_STRING.match(value.strip()):
        return int(value.strip())
    raise ResponseShapeError("%s: expected an integer, got %r" % (path, value))


def _to_bool(value, path):
    if isinstance(value, bool):
        return value
    raise ResponseShapeError("%s: expected true or false, got %r" % (path, value))


def _to_str(value, path):
    if isinstance(value, str):
        return value
    raise ResponseShapeError("%s: expected a string, got %r" % (path, value))


_CONVERTERS = {int: _to_int, bool: _to_bool, str: _to_str}


_SNAKE_KEYS = {}  # camelCase key -> snake_case key, as camel_dict_to_snake_dict names it


def _snake_key(key):
    try:
        return _SNAKE_KEYS[key]
    except KeyError:
        _SNAKE_KEYS[key] = snake = next(iter(camel_dict_to_snake_dict({key: None})))
        return snake


def _message(data, fields, path):
    # One level at a time: each known field is converted once, by its own converter. (camel_dict_to_snake_dict on
    # the whole answer at every level made a 13,000-entry answer cost seconds.) Unknown fields are kept, snake_cased.
    if not isinstance(data, dict):
        raise ResponseShapeError("%s: expected an object, got %s" % (path, type(data).__name__))
    snake = {_snake_key(key): value for key, value in data.items()}
    for name in set(snake) - set(fields):
        if isinstance(snake[name], (dict, list)):
            snake[name] = camel_dict_to_snake_dict({"value": snake[name]})["value"]
    result = {}
    for name, kind in fields.items():
        value = snake.pop(name, None)
        where = "%s.%s" % (path, name)
        if isinstance(kind, tuple):
            result[name] = _list(value, kind[1], where)
        elif isinstance(kind, dict):
            result[name] = _message(value if value is not None else {}, kind, where)
        elif value is None:
            result[name] = _DEFAULTS[kind]
        else:
            result[name] = _CONVERTERS[kind](value, where)
    result.update(snake)
    return result


def _list(value, fields, path):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ResponseShapeError("%s: expected a list, got %s" % (path, type(value).__name__))
    return [_message(item, fields, "%s[%d]" % (path, index)) for index, item in enumerate(value)]


def normalize(data, fields):
    """Return ``data`` (decoded JSON) as a snake_case dict typed after ``fields``."""
    return _message(data, fields, "response")
