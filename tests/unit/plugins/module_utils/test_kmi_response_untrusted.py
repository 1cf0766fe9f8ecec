# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Untrusted answers over real HTTP: the simulator's hostile fault puts its corpus into spec-valid answers.

Names come back as one clean line; a bad id or a number out of range fails the call with one line naming the RPC,
the field and the value.
"""

from __future__ import annotations

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_response import TEXT_LIMIT
from simulator.hostile import BAD_ASNS, BAD_COUNTS, BAD_IDS, NAMES, texts

CALLS = {
    "ListMarkets": lambda client: client.list_markets(),
    "GetRankings": lambda client: client.get_rankings("country$us", limit=50)["rankings"],
    "GetASNDetails": lambda client: client.get_asn_details("planet$earth", 64499),
    "GetGlobalInsights": lambda client: client.get_insights(lookback=30, limit=200),
}


def _hostile(sim, **fault):
    sim.faults.set({"faults": [dict(fault, kind="hostile", count=1000)]})


@pytest.mark.parametrize("operation", sorted(CALLS))
@pytest.mark.parametrize("offset", [0, 7, 19, 29])
def test_hostile_names_come_back_as_one_clean_line(sim, make_client, operation, offset):
    _hostile(sim, names=True, offset=offset)
    result = CALLS[operation](make_client())
    names = list(texts(result))
    assert names, "the answer has names"
    assert any(text and text in " ".join(" ".join(n.split()) for n in NAMES) for text in names) or operation == "ListMarkets"
    for text in names:
        assert text.isprintable() and text == text.strip() and len(text) <= TEXT_LIMIT, repr(text)
    assert any(e.get("fault") == "hostile" for e in sim.log())


@pytest.mark.parametrize("market_id", BAD_IDS)
def test_a_bad_market_id_is_one_clear_error(sim, make_client, market_id):
    _hostile(sim, market_id=market_id)
    with pytest.raises(KmiApiError) as caught:
        make_client().get_rankings("country$us")
    text = str(caught.value)
    assert text.startswith("KMI ListMarkets failed: the answer of ListMarkets is not valid KMI JSON: a value out of bounds: ")
    assert ("response.markets[0].market_id: %s is not a KMI id" % repr(market_id)[:57]) in text or "market_id: missing" in text
    assert "\n" not in text and "\x00" not in text and "\u202e" not in text
    assert text.endswith("(hint: nothing of this answer was used or kept; a proxy, or a change of the API, may have sent it)")
    assert [e["operation"] for e in sim.log()] == ["ListMarkets"]  # nothing sent to a path built from it


@pytest.mark.parametrize("asn", BAD_ASNS)
@pytest.mark.parametrize("operation, where", [
    ("GetRankings", "response.rankings[0].asn"),
    ("GetASNDetails", "response.asn_details"),
    ("GetGlobalInsights", "response.insights[0].asn"),
])
def test_an_asn_out_of_range_is_one_clear_error(sim, make_client, asn, operation, where):
    client = make_client()
    client.list_markets()
    _hostile(sim, field="asn", value=asn)  # an AS number has presence: the gateway writes it even when it is 0
    with pytest.raises(KmiApiError) as caught:
        CALLS[operation](client)
    text = str(caught.value)
    assert text.startswith("KMI %s failed: the answer of %s is not valid KMI JSON: a value out of bounds: %s" % (operation, operation, where))
    assert ("out of range for an AS number (1 to 4294967295)" in text) or (asn == 0 and "asn: missing (hint: " in text)


@pytest.mark.parametrize("count", BAD_COUNTS)
@pytest.mark.parametrize("field, operation", [("score", "GetRankings"), ("invalid_count", "GetRankings"), ("pfx_count", "GetASNDetails")])
def test_a_count_out_of_range_is_one_clear_error(sim, make_client, count, field, operation):
    client = make_client()
    client.list_markets()
    _hostile(sim, field=field, value=count)
    with pytest.raises(KmiApiError) as caught:
        CALLS[operation](client)
    assert "is out of range for a uint32 (0 to 4294967295)" in str(caught.value)
    assert ".%s: " % field in str(caught.value)
