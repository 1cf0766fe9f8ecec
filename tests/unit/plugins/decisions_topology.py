# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hand-made micro topology of the decision tests (plugin_utils/_kmi_decisions.py, filter/decisions.py); every
expected value is worked out by hand.

The topology (documentation ASNs), market "Germany", customer-base ranking, scores summing to 3000:

    rank  AS      name      score  rank_change     relation to me (AS64501)
    1     64496   ATLAS     900     0              my provider (mutual_provider)
    2     64497   BOREAL    700     1              provider of DELTA
    3     64498   CASCADE   500    -1
    4     64499   DELTA     300     0              my provider
    5     64500   EMBER     200     2              customer of ATLAS
    6     64501   FJORD     150     0              me
    7     64502   GROVE     100    -1              my peer
    8     64503   HARBOR     80     0              customer of ATLAS and of DELTA
    9     64504   ISLE       50     1              customer of DELTA
    10    64509   NORTH      20    -3

    My customers: 64505 JUNIPER (40, single-homed), 64506 KESTREL (60, single-homed, mutual),
                  64507 LARCH (25, mutual), 64508 MAPLE (60, single-homed).
    Upstreams:    ATLAS buys from 64510 OSPREY and 64511 PIKE; DELTA from 64497 BOREAL and 64510 OSPREY;
                  CASCADE from 64510 and 64511; EMBER from ATLAS; GROVE from 64497 and 64511;
                  NORTH from 64497 and 64510; BOREAL from nobody.
"""

from __future__ import annotations

import pytest

NAMES = ("peering_candidates", "transit_options", "single_homed", "mutual", "kmi_diff")


def one_line_error(error, functions, name, *args, **kwargs):
    """The message of the ``error`` that ``functions[name](*args, **kwargs)`` raises, checked to be one line that names
    the decision as kentik.kmi.NAME."""
    with pytest.raises(error) as info:
        functions[name](*args, **kwargs)
    message = str(info.value)
    assert message.startswith("kentik.kmi.%s: " % name), message
    assert "\n" not in message
    return message


def rel(asn, name, score, single=False, mutual_customer=False, mutual_provider=False):
    return {"asn": asn, "name": name, "score": score, "singlehomed_customer": single,
            "mutual_customer": mutual_customer, "mutual_provider": mutual_provider}


def rank_row(rank, asn, name, score, rank_change, score_change=0):
    return {"asn": asn, "name": name, "rank": rank, "rank_change": rank_change, "score": score, "score_change": score_change}


RANKING = [
    rank_row(1, 64496, "ATLAS", 900, 0),
    rank_row(2, 64497, "BOREAL", 700, 1),
    rank_row(3, 64498, "CASCADE", 500, -1),
    rank_row(4, 64499, "DELTA", 300, 0),
    rank_row(5, 64500, "EMBER", 200, 2),
    rank_row(6, 64501, "FJORD", 150, 0),
    rank_row(7, 64502, "GROVE", 100, -1),
    rank_row(8, 64503, "HARBOR", 80, 0),
    rank_row(9, 64504, "ISLE", 50, 1),
    rank_row(10, 64509, "NORTH", 20, -3),
]
RANKING_RESULT = {"market": {"market_id": "country$de", "name": "Germany"}, "rankings": RANKING, "invalid_count": 0}

ME = {
    "asn": 64501, "name": "FJORD", "country_name": "Germany",
    "providers": [rel(64496, "ATLAS", 900, mutual_provider=True), rel(64499, "DELTA", 300)],
    "peers": [{"asn": 64502, "name": "GROVE", "pfx_count": 12}],
    "customers": [
        rel(64505, "JUNIPER", 40, single=True),
        rel(64506, "KESTREL", 60, single=True, mutual_customer=True),
        rel(64507, "LARCH", 25, mutual_customer=True),
        rel(64508, "MAPLE", 60, single=True),
    ],
}


def asn_details(asn, name, providers=(), customers=(), peers=()):
    return {"asn": asn, "name": name, "country_name": "Germany",
            "providers": [rel(a, "P%d" % a, 10) for a in providers],
            "customers": [rel(a, "C%d" % a, 10) for a in customers],
            "peers": [{"asn": a, "name": "X%d" % a, "pfx_count": 1} for a in peers]}


ATLAS = asn_details(64496, "ATLAS", providers=[64510, 64511], customers=[64501, 64503, 64500], peers=[64497])
DELTA = asn_details(64499, "DELTA", providers=[64497, 64510], customers=[64501, 64503, 64504])
BOREAL = asn_details(64497, "BOREAL")
CASCADE = asn_details(64498, "CASCADE", providers=[64510, 64511])
EMBER = asn_details(64500, "EMBER", providers=[64496])
GROVE = asn_details(64502, "GROVE", providers=[64497, 64511], customers=[64497])
NORTH = asn_details(64509, "NORTH", providers=[64497, 64510])
PROVIDERS = [ATLAS, DELTA]
CANDIDATES = [BOREAL, CASCADE, EMBER, GROVE, NORTH]

NOT_RELATED = "; not a peer, customer or provider of AS64501"


def candidate(asn, name, rank, score, rank_change, where="the market", note=""):
    return {"asn": asn, "name": name, "rank": rank, "score": score, "rank_change": rank_change,
            "reason": "rank %d in %s (score %d)%s%s" % (rank, where, score, NOT_RELATED, note)}


PC_BOREAL = candidate(64497, "BOREAL", 2, 700, 1)
PC_CASCADE = candidate(64498, "CASCADE", 3, 500, -1)
PC_EMBER = candidate(64500, "EMBER", 5, 200, 2)
PC_HARBOR = candidate(64503, "HARBOR", 8, 80, 0)
PC_ISLE = candidate(64504, "ISLE", 9, 50, 1)
PC_NORTH = candidate(64509, "NORTH", 10, 20, -3)
