# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""normalize(): the gateway's JSON (camelCase, int64 as strings, defaults omitted) into typed snake_case dicts."""

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


def test_unknown_fields_are_kept_snake_cased():
    body = {
        "markets": [{"marketId": "planet$earth", "regionCode": "world"}],
        "nextPageToken": "abc",
        "extraInfo": {"someField": "1"},
    }
    result = response.normalize(body, response.LIST_MARKETS)
    assert result["markets"] == [{"market_id": "planet$earth", "name": "", "region_code": "world"}]
    assert result["next_page_token"] == "abc"
    assert result["extra_info"] == {"some_field": "1"}


def test_input_is_not_changed():
    body = {"rankings": [{"asn": "64499", "rankChange": "-1"}]}
    response.normalize(body, response.GET_RANKINGS)
    assert body == {"rankings": [{"asn": "64499", "rankChange": "-1"}]}


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"rankings": [{"asn": "abc"}]}, response.GET_RANKINGS),
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
