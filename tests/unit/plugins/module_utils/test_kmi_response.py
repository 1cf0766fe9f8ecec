# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""normalize(): the gateway's JSON (camelCase, numbers as JSON numbers or decimal strings, unset fields omitted) into typed snake_case dicts."""

from __future__ import annotations

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_response as response

ResponseShapeError = response.ResponseShapeError


def test_camel_case_becomes_snake_case_and_int_strings_become_int():
    body = {
        "rankings": [
            {"asn": "64499", "name": "PRAIRIE-FIBER", "rank": "1", "rankChange": "2", "score": "4915", "scoreChange": "163"},
        ],
        "invalidCount": "3",
    }
    assert response.normalize(body, response.GET_RANKINGS) == {
        "rankings": [{"asn": 64499, "name": "PRAIRIE-FIBER", "rank": 1, "rank_change": 2, "score": 4915, "score_change": 163}],
        "invalid_count": 3,
    }


def test_negative_strings_and_json_numbers():
    body = {"rankings": [{"asn": 64499, "rank": "2", "rankChange": "-3", "scoreChange": "-120", "score": 7.0}]}
    row = response.normalize(body, response.GET_RANKINGS)["rankings"][0]
    assert row["rank_change"] == -3
    assert row["score_change"] == -120
    assert row["asn"] == 64499
    assert row["score"] == 7
    assert all(isinstance(row[key], int) for key in ("asn", "rank", "rank_change", "score", "score_change"))


# Every number field of every answer: (answer's fields, the body around the value, the path to its normalised value).
NUMBER_FIELDS = [
    ("GET_RANKINGS", lambda v: {"rankings": [{"asn": 64499, "rank": v}]}, ("rankings", 0, "rank")),
    ("GET_RANKINGS", lambda v: {"rankings": [{"asn": v}]}, ("rankings", 0, "asn")),
    ("GET_RANKINGS", lambda v: {"rankings": [{"asn": 64499, "rankChange": v}]}, ("rankings", 0, "rank_change")),
    ("GET_RANKINGS", lambda v: {"rankings": [{"asn": 64499, "score": v}]}, ("rankings", 0, "score")),
    ("GET_RANKINGS", lambda v: {"rankings": [{"asn": 64499, "scoreChange": v}]}, ("rankings", 0, "score_change")),
    ("GET_RANKINGS", lambda v: {"invalidCount": v}, ("invalid_count",)),
    ("GET_ASN_DETAILS", lambda v: {"asnDetails": {"asn": v}}, ("asn_details", "asn")),
    ("GET_ASN_DETAILS", lambda v: {"asnDetails": {"asn": 64499, "customers": [{"asn": v}]}}, ("asn_details", "customers", 0, "asn")),
    ("GET_ASN_DETAILS", lambda v: {"asnDetails": {"asn": 64499, "providers": [{"asn": 64500, "score": v}]}},
     ("asn_details", "providers", 0, "score")),
    ("GET_ASN_DETAILS", lambda v: {"asnDetails": {"asn": 64499, "peers": [{"asn": v}]}}, ("asn_details", "peers", 0, "asn")),
    ("GET_ASN_DETAILS", lambda v: {"asnDetails": {"asn": 64499, "peers": [{"asn": 64500, "pfxCount": v}]}},
     ("asn_details", "peers", 0, "pfx_count")),
    ("GET_INSIGHTS", lambda v: {"insights": [{"asn": v}]}, ("insights", 0, "asn")),
    ("GET_INSIGHTS", lambda v: {"insights": [{"asn": 64499, "type": v}]}, ("insights", 0, "type")),
]


@pytest.mark.parametrize("encoding", [lambda n: n, str], ids=["JSON number", "decimal string"])
@pytest.mark.parametrize("fields, body, path", NUMBER_FIELDS, ids=[".".join(map(str, case[2])) for case in NUMBER_FIELDS])
def test_every_number_field_reads_a_json_number_and_a_decimal_string(fields, body, path, encoding):
    value = response.normalize(body(encoding(7)), getattr(response, fields))
    for step in path:
        value = value[step]
    assert value == 7 and type(value) is int  # pylint: disable=unidiomatic-typecheck


def test_large_asn_stays_exact():
    body = {"rankings": [{"asn": "4294967295"}]}
    assert response.normalize(body, response.GET_RANKINGS)["rankings"][0]["asn"] == 4294967295


def test_absent_fields_get_their_defaults():
    body = {"rankings": [{"asn": "64499"}]}
    assert response.normalize(body, response.GET_RANKINGS) == {
        "rankings": [{"asn": 64499, "name": "", "rank": 0, "rank_change": 0, "score": 0, "score_change": 0}],
        "invalid_count": 0,
    }


def test_empty_bodies_get_empty_lists():
    assert response.normalize({}, response.LIST_MARKETS) == {"markets": []}
    assert response.normalize({}, response.GET_RANKINGS) == {"rankings": [], "invalid_count": 0}
    assert response.normalize({}, response.GET_INSIGHTS) == {"insights": []}


def test_asn_details_defaults_and_booleans():
    body = {
        "asnDetails": {
            "asn": "64503",
            "countryName": "Japan",
            "providers": [{"asn": "64498", "score": "1107", "mutualProvider": True}],
            "peers": [{"asn": "65537"}],
        }
    }
    details = response.normalize(body, response.GET_ASN_DETAILS)["asn_details"]
    assert details == {
        "asn": 64503,
        "name": "",
        "country_name": "Japan",
        "customers": [],
        "providers": [
            {"asn": 64498, "name": "", "score": 1107, "singlehomed_customer": False, "mutual_customer": False, "mutual_provider": True},
        ],
        "peers": [{"asn": 65537, "name": "", "pfx_count": 0}],
    }


def test_absent_nested_message_is_all_defaults():
    details = response.normalize({}, response.GET_ASN_DETAILS)["asn_details"]
    assert details == {"asn": 0, "name": "", "country_name": "", "customers": [], "providers": [], "peers": []}


def test_markets_and_insights():
    markets = response.normalize({"markets": [{"marketId": "planet$earth", "name": "Global"}, {"marketId": "country$jp"}]}, response.LIST_MARKETS)
    assert markets == {"markets": [{"market_id": "planet$earth", "name": "Global"}, {"market_id": "country$jp", "name": ""}]}
    insights = response.normalize(
        {"insights": [{"asn": "65538", "type": "6", "message": "stop", "createdAt": "2026-11-29T06:00:00Z"}]}, response.GET_INSIGHTS
    )
    assert insights == {"insights": [{"asn": 65538, "name": "", "type": 6, "message": "stop", "created_at": "2026-11-29T06:00:00Z"}]}


def test_unknown_fields_are_kept_in_items_and_dropped_at_the_top():
    body = {
        "markets": [{"marketId": "planet$earth", "regionCode": "world", "extraInfo": {"someField": "1"}}],
        "nextPageToken": "abc",
        "changed": True,
        "failed": False,
    }
    result = response.normalize(body, response.LIST_MARKETS)
    assert result == {"markets": [{"market_id": "planet$earth", "name": "", "region_code": "world", "extra_info": {"some_field": "1"}}]}


def test_input_is_not_changed():
    body = {"rankings": [{"asn": "64499", "rankChange": "-1"}]}
    response.normalize(body, response.GET_RANKINGS)
    assert body == {"rankings": [{"asn": "64499", "rankChange": "-1"}]}


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"rankings": [{"asn": "abc"}]}, response.GET_RANKINGS),
        ({"rankings": [{"name": "x"}]}, response.GET_RANKINGS),
        ({"rankings": [{"asn": ""}]}, response.GET_RANKINGS),
        ({"rankings": [{"asn": "1.5"}]}, response.GET_RANKINGS),
        ({"rankings": [{"asn": 1.5}]}, response.GET_RANKINGS),
        ({"rankings": [{"asn": "1_000"}]}, response.GET_RANKINGS),
        ({"rankings": [{"asn": "\u0661\u0662"}]}, response.GET_RANKINGS),
        ({"rankings": [{"asn": "0x10"}]}, response.GET_RANKINGS),
        ({"rankings": [{"asn": True}]}, response.GET_RANKINGS),
        ({"rankings": [{"asn": [1]}]}, response.GET_RANKINGS),
        ({"rankings": [{"name": 5}]}, response.GET_RANKINGS),
        ({"rankings": {}}, response.GET_RANKINGS),
        ({"rankings": "none"}, response.GET_RANKINGS),
        ({"rankings": ["64499"]}, response.GET_RANKINGS),
        ({"invalidCount": False}, response.GET_RANKINGS),
        ({"markets": [{"marketId": 1}]}, response.LIST_MARKETS),
        ({"markets": [{"name": "Global"}]}, response.LIST_MARKETS),
        ({"asnDetails": []}, response.GET_ASN_DETAILS),
        ({"asnDetails": {"customers": [{"mutualCustomer": "true"}]}}, response.GET_ASN_DETAILS),
        ({"asnDetails": {"peers": {"asn": "1"}}}, response.GET_ASN_DETAILS),
        ({"insights": [{"createdAt": 1700000000}]}, response.GET_INSIGHTS),
        ([], response.LIST_MARKETS),
        ("markets", response.LIST_MARKETS),
    ],
)
def test_wrong_shapes_raise(body, fields):
    with pytest.raises(ResponseShapeError):
        response.normalize(body, fields)


def test_shape_error_names_the_field():
    with pytest.raises(ResponseShapeError) as caught:
        response.normalize({"rankings": [{"asn": "1"}, {"asn": "x"}]}, response.GET_RANKINGS)
    assert "rankings[1].asn" in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "market_id",
    ["", ".", "..", "x" * 129, "a/b", "us\nprotocol bgp x { }", "a b", "a;b", "a}b", "<b>", "`x`", "x|y", "=1+2", "a\x00b", "\u202eus", "caf\u00e9"],
)
def test_bad_market_ids_are_refused(market_id):
    with pytest.raises(response.ResponseValueError) as caught:
        response.normalize({"markets": [{"marketId": "planet$earth"}, {"marketId": market_id}]}, response.LIST_MARKETS)
    text = str(caught.value)
    assert text.startswith("response.markets[1].market_id: %s" % repr(market_id)[:50])
    assert " is not a KMI id (1 to 128 letters, digits and $ . _ -; not . or ..)" in text
    assert "\n" not in text and "\x00" not in text and "\u202e" not in text


@pytest.mark.parametrize("market_id", ["planet$earth", "country$us", "region.eu-west_1", "A-9", "...", "x" * 128])
def test_good_market_ids_pass(market_id):
    assert response.normalize({"markets": [{"marketId": market_id}]}, response.LIST_MARKETS)["markets"][0]["market_id"] == market_id


@pytest.mark.parametrize(
    "body, fields, where, value",
    [
        ({"rankings": [{"asn": "0"}]}, response.GET_RANKINGS, "rankings[0].asn", "'0'"),
        ({"rankings": [{"asn": -5}]}, response.GET_RANKINGS, "rankings[0].asn", "-5"),
        ({"rankings": [{"asn": "-7691730781423667"}]}, response.GET_RANKINGS, "rankings[0].asn", "'-7691730781423667'"),
        ({"rankings": [{"asn": 2 ** 70}]}, response.GET_RANKINGS, "rankings[0].asn", str(2 ** 70)),
        ({"rankings": [{"asn": "4294967296"}]}, response.GET_RANKINGS, "rankings[0].asn", "'4294967296'"),
        ({"rankings": [{"asn": 1, "rank": -1}]}, response.GET_RANKINGS, "rankings[0].rank", "-1"),
        ({"rankings": [{"asn": 1, "score": "-3"}]}, response.GET_RANKINGS, "rankings[0].score", "'-3'"),
        ({"rankings": [{"asn": 1, "scoreChange": 2 ** 32}]}, response.GET_RANKINGS, "rankings[0].score_change", str(2 ** 32)),
        ({"rankings": [{"asn": 1, "rankChange": -(2 ** 32)}]}, response.GET_RANKINGS, "rankings[0].rank_change", str(-(2 ** 32))),
        ({"invalidCount": -1}, response.GET_RANKINGS, "invalid_count", "-1"),
        ({"asnDetails": {"asn": 0}}, response.GET_ASN_DETAILS, "asn_details.asn", "0"),
        ({"asnDetails": {"peers": [{"asn": 1, "pfxCount": 2 ** 40}]}}, response.GET_ASN_DETAILS, "asn_details.peers[0].pfx_count", str(2 ** 40)),
        ({"asnDetails": {"customers": [{"asn": 1, "score": -2}]}}, response.GET_ASN_DETAILS, "asn_details.customers[0].score", "-2"),
        ({"asnDetails": {"providers": [{"score": 2}]}}, response.GET_ASN_DETAILS, "asn_details.providers[0].asn", None),
        ({"insights": [{"asn": "-1"}]}, response.GET_INSIGHTS, "insights[0].asn", "'-1'"),
        ({"insights": [{"type": "-6"}]}, response.GET_INSIGHTS, "insights[0].type", "'-6'"),
    ],
)
def test_numbers_out_of_range_are_refused(body, fields, where, value):
    with pytest.raises(response.ResponseValueError) as caught:
        response.normalize(body, fields)
    text = str(caught.value)
    if value is None:
        assert text == "response.%s: missing" % where
    else:
        assert text.startswith("response.%s: %s is out of range for " % (where, value[:56]))


def test_numbers_at_their_bounds_pass():
    body = {"rankings": [{"asn": "4294967295", "rank": 4294967295, "score": 0, "rankChange": "-4294967295", "scoreChange": 4294967295}]}
    row = response.normalize(body, response.GET_RANKINGS)["rankings"][0]
    assert (row["asn"], row["rank"], row["score"], row["rank_change"], row["score_change"]) == (4294967295, 4294967295, 0, -4294967295, 4294967295)
    assert response.normalize({"insights": [{"message": "x"}]}, response.GET_INSIGHTS)["insights"][0]["asn"] == 0


def test_a_long_value_is_cut_short_in_the_error():
    with pytest.raises(response.ResponseValueError) as caught:
        response.normalize({"markets": [{"marketId": "x;" * 5000}]}, response.LIST_MARKETS)
    assert len(str(caught.value)) < 160


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("TELIA\nprotocol bgp x { neighbor 6.6.6.6 as 666; }", "TELIA protocol bgp x { neighbor 6.6.6.6 as 666; }"),
        ("A\r\nB\tC", "A B C"),
        ("NUL\x00BYTE\x07\x1b[31m", "NUL BYTE [31m"),
        ("DEL\x7fC1\x85\x9b", "DEL C1"),
        ("\u202eevil\u202c \u2066x\u2069 \u200fy\u061c", "evil x y"),
        ("LINE\u2028PARA\u2029END", "LINE PARA END"),
        ("  Deutsche Telekom AG  ", "Deutsche Telekom AG"),
        ("\ufeffBOM\u200bZW\ud800LONE\ue000PUA", "BOMZWLONEPUA"),
        ("NO\u00a0BREAK\u3000WIDE  TWO", "NO BREAK WIDE TWO"),
        ("\u041c\u0422\u0421 \u65e5\u672c \U0001f600", "\u041c\u0422\u0421 \u65e5\u672c \U0001f600"),
    ],
)
def test_text_loses_its_control_characters(raw, clean):
    body = {"rankings": [{"asn": 1, "name": raw}]}
    assert response.normalize(body, response.GET_RANKINGS)["rankings"][0]["name"] == clean
    body = {"asnDetails": {"countryName": raw, "peers": [{"asn": 2, "name": raw}]}}
    details = response.normalize(body, response.GET_ASN_DETAILS)["asn_details"]
    assert details["country_name"] == clean and details["peers"][0]["name"] == clean
    insight = response.normalize({"insights": [{"message": raw, "createdAt": raw}]}, response.GET_INSIGHTS)["insights"][0]
    assert insight["message"] == clean and insight["created_at"] == clean


def test_text_is_cut_to_its_limit():
    name = response.normalize({"markets": [{"marketId": "x", "name": "N" * 10240}]}, response.LIST_MARKETS)["markets"][0]["name"]
    assert name == "N" * response.TEXT_LIMIT
