# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gateway's JSON (simulator/gateway_json.py): numbers as JSON numbers, unset fields left out."""

from __future__ import annotations

import re

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import INSIGHTS, MARKETS, RANK_TYPES, api_get, api_post, details_path, ranked_asns
from simulator.gateway_json import encode


# --------------------------------------------------------------- encoding


def _walk(node, found):
    """Collect (key, value) pairs of every object in a decoded JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((key, value))
            _walk(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)
    return found


def test_encode_follows_the_gateway():
    value = {"rank_change": 0, "score_change": -3, "asn": 64499, "mutual_customer": False, "singlehomed_customer": True,
             "name": "", "peers": [], "invalid_count": 0, "rows": [{"pfx_count": 2}], "country_name": None}
    assert encode(value) == {"rankChange": 0, "scoreChange": -3, "asn": 64499, "mutualCustomer": False, "singlehomedCustomer": True,
                             "rows": [{"pfxCount": 2}]}


# The answers' number fields; all of them but invalidCount are proto3 ``optional`` (set by the server, so always written).
NUMBERS = ("asn", "rank", "rankChange", "score", "scoreChange", "pfxCount", "type", "invalidCount")


def test_raw_json_has_numbers_and_leaves_out_unset_fields(http, sim):
    bodies = [api_get(http, sim, MARKETS).json(), api_get(http, sim, INSIGHTS, params={"lookback": "30"}).json()]
    for rank_type in RANK_TYPES:
        bodies.append(api_post(http, sim, "/kmi/v202212/market/planet$earth/rankings/%s/ip/v4" % rank_type).json())
    for asn in ranked_asns(http, sim):
        bodies.append(api_post(http, sim, details_path(asn)).json())
    pairs = _walk(bodies, [])
    for key, value in pairs:
        assert re.match(r"^[a-z][a-zA-Z0-9]*$", key), key
        assert value is not None and not isinstance(value, float), (key, value)
        if key in NUMBERS:
            assert isinstance(value, int) and not isinstance(value, bool), (key, value)
        elif not isinstance(value, bool):
            assert value not in ("", [], {}), (key, value)  # a string or list at its default is left out
    rows = [row for body in bodies for row in body.get("rankings", [])]
    assert all({"asn", "rank", "rankChange", "score", "scoreChange"} <= set(row) for row in rows), "optional fields are set"
    assert [row for row in rows if row["rankChange"] == 0], "a zero rank change is written: the field has presence"
    assert [row for row in rows if row["rankChange"] < 0], "a negative change is a negative number"
    customers = [row for body in bodies for row in body.get("asnDetails", {}).get("customers", [])]
    assert [row for row in customers if row.get("singlehomedCustomer") is False], "false booleans with presence are written"
    assert [row for row in customers if row.get("singlehomedCustomer") is True]
    assert not [body for body in bodies if body.get("invalidCount") == 0], "invalidCount (no presence) is left out at 0"
