# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load a simulator dataset file and answer the KMI queries from it.

The file format (``kentik.kmi-simulator-dataset/1``) is described in
simulator/README.md. Answers are plain dicts in the API's field names
(snake_case); server.py turns them into the gateway's JSON.
"""

from __future__ import annotations

import gzip
import json
import os

from simulator.dataset_format import FORMAT, MUTUAL_CUSTOMER, MUTUAL_PROVIDER, SINGLEHOMED

DATASETS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "datasets")
NAMED = {"small": "small.json", "routeviews": "routeviews.json.gz"}
DEFAULT = "routeviews"
GENERATED = "generated"  # "generated", "generated:SEED", "generated:SEED:ASES" or "generated:SEED:ASES:ZIPF": the scale generator


class DatasetError(ValueError):
    """The dataset file is not in the documented format."""


class Dataset:
    """Indexed, read-only view of one dataset file."""

    def __init__(self, data, source="<memory>"):
        if data.get("format") != FORMAT:
            raise DatasetError("%s: format must be %r, got %r" % (source, FORMAT, data.get("format")))
        self.source = source
        self.description = data.get("description", "")
        self.markets = [{"market_id": m["market_id"], "name": m["name"]} for m in data["markets"]]
        self._market_ids = {m["market_id"] for m in self.markets}
        self.networks = {int(asn): info for asn, info in data["networks"].items()}
        self._data = data["data"]
        self.insights = data.get("insights", [])
        for market_id in self._data:
            if market_id not in self._market_ids:
                raise DatasetError("%s: data for unknown market %r" % (source, market_id))

    @classmethod
    def load(cls, name_or_path=DEFAULT):
        """Load a named dataset ('routeviews', 'small'), a generated one ('generated:SEED:ASES[:ZIPF]') or a file (.json, .json.gz)."""
        if name_or_path == GENERATED or name_or_path.startswith(GENERATED + ":"):
            parts = name_or_path.split(":")[1:]
            if len(parts) > 3:
                raise DatasetError("%s: expected generated[:SEED[:ASES[:ZIPF]]]" % name_or_path)
            return cls.generate(*[(float if index == 2 else int)(part) for index, part in enumerate(parts)])
        path = name_or_path
        if name_or_path in NAMED:
            path = os.path.join(DATASETS_DIR, NAMED[name_or_path])
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle), source=path)

    @classmethod
    def generate(cls, seed=1, ases=75000, zipf=None):
        """A dataset scored from the scale generator's synthetic Internet (deterministic for a seed).

        ``zipf``: the generator's Zipf exponent (None: its calibrated default); a larger one gives
        the largest transit networks more customers (generated:1:40000:3 has an AS with >10,000).
        """
        from simulator.generator import generate  # pylint: disable=import-outside-toplevel
        from simulator.scoring import build_dataset  # pylint: disable=import-outside-toplevel

        description = ("Synthetic Internet of %d ASes from the scale generator (seed %d); not real data. "
                       "Only the ASes in the rankings (600 a list) have GetASNDetails." % (ases, seed))
        options = {} if zipf is None else {"zipf": zipf}
        data = build_dataset(generate(seed=seed, ases=ases, **options), seed=seed, description=description, all_details=False)
        return cls(data, source="generated:%d:%d" % (seed, ases) + ("" if zipf is None else ":%g" % zipf))

    @property
    def name(self):
        """A short name, for the X-KMI-Simulator header: 'routeviews' or 'small', the generator's spec, or the file's name."""
        for name, file_name in NAMED.items():
            if self.source == os.path.join(DATASETS_DIR, file_name):
                return name
        return self.source if self.source.startswith(GENERATED) else os.path.basename(self.source)

    def has_market(self, market_id):
        return market_id in self._market_ids

    def name_of(self, asn):
        return self.networks.get(asn, {}).get("name", "")

    def _family(self, market_id, ip):
        return self._data.get(market_id, {}).get(ip, {})

    def rankings(self, market_id, rank_type, ip, limit):
        """Return the ranking list (rank order) of one market, type and family."""
        rows = self._family(market_id, ip).get("rankings", {}).get(rank_type, [])
        result = []
        for position, (asn, score, rank_change, score_change) in enumerate(rows[:limit], start=1):
            result.append(
                {
                    "asn": asn,
                    "name": self.name_of(asn),
                    "rank": position,
                    "rank_change": rank_change,
                    "score": score,
                    "score_change": score_change,
                }
            )
        return result

    def asn_details(self, market_id, asn, relationship, ip, filters):
        """Return the ASN's details in a market, or None when it is not in that market."""
        entry = self._family(market_id, ip).get("networks", {}).get(str(asn))
        if entry is None:
            return None
        info = self.networks.get(asn, {})
        details = {"asn": asn, "name": info.get("name", ""), "country_name": info.get("country_name", "")}
        for kind in ("customers", "providers"):
            if relationship in ("all", kind):
                rows = [self._customer_provider(row) for row in entry.get(kind, [])]
                applies = {f: m for f, m in filters.items() if f in _FILTERED_LIST and _FILTERED_LIST[f] == kind}
                details[kind] = [row for row in rows if _passes(row, applies)]
        if relationship in ("all", "peers"):
            details["peers"] = [
                {"asn": peer, "name": self.name_of(peer), "pfx_count": count} for peer, count in entry.get("peers", [])
            ]
        return details

    def _customer_provider(self, row):
        asn, score, flags = row
        return {
            "asn": asn,
            "name": self.name_of(asn),
            "score": score,
            "singlehomed_customer": bool(flags & SINGLEHOMED),
            "mutual_customer": bool(flags & MUTUAL_CUSTOMER),
            "mutual_provider": bool(flags & MUTUAL_PROVIDER),
        }

    def find_insights(self, asn, market_id, ip, lookback, types, magnitude, limit):
        """Return insights matching the query, newest first."""
        found = []
        for item in self.insights:
            if asn is not None and item["asn"] != asn:
                continue
            if item["market_id"] != market_id or item["ip"] != ip:
                continue
            if item["age_days"] >= lookback or item["magnitude"] < magnitude:
                continue
            if types and item["type_name"] not in types:
                continue
            found.append(item)
        found.sort(key=lambda i: (i["created_at"], i["asn"]), reverse=True)
        return [
            {
                "asn": i["asn"],
                "name": self.name_of(i["asn"]),
                "type": i["type"],
                "message": i["message"],
                "created_at": i["created_at"],
            }
            for i in found[:limit]
        ]


# Which list each GetASNDetails filter narrows.
_FILTERED_LIST = {"singlehomed_customer": "customers", "mutual_customer": "customers", "mutual_provider": "providers"}


def _passes(row, filters):
    for field, mode in filters.items():
        if mode == "only" and not row[field]:
            return False
        if mode == "exclude" and row[field]:
            return False
    return True
