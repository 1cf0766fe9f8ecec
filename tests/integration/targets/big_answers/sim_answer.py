# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reference for big_answers: one GetASNDetails answer taken straight from the KMI simulator.

python sim_answer.py MARKET ASN OUTPUT.json
(KTAPI_URL, KTAPI_AUTH_EMAIL and KTAPI_AUTH_TOKEN in the environment: run it with kmi_with_env)

It asks with the standard library only (none of the collection's code), then writes what the
modules must return, decoded independently of the client: the gateway sends uint32 fields as JSON
numbers and leaves out the fields that are unset (strings and lists at their default). The output also records what
the raw answer looked like (its size, the JSON types of its integer fields), never the token.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import urllib.request

CUSTOMER_FIELDS = (("asn", int), ("name", str), ("score", int),
                   ("singlehomed_customer", bool), ("mutual_customer", bool), ("mutual_provider", bool))


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _decode(raw, kind):
    """A field as the spec types it (an unset field: its default); the client takes an integer as a number or a decimal string."""
    if raw is None:
        return kind()
    if kind is int and isinstance(raw, str) and raw.isdigit():
        return int(raw)
    if isinstance(raw, kind) and not (kind is int and isinstance(raw, bool)):
        return raw
    raise ValueError("unexpected %s value %r in the simulator's answer" % (kind.__name__, raw))


def main(market, asn, output):
    url = "%s/kmi/v202212/market/%s/network/%d/customers" % (
        os.environ["KTAPI_URL"].rstrip("/"), urllib.parse.quote(market, safe="$"), int(asn))
    body = json.dumps({"ip": "v4"}).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "X-CH-Auth-Email": os.environ["KTAPI_AUTH_EMAIL"],
        "X-CH-Auth-API-Token": os.environ["KTAPI_AUTH_TOKEN"],
    })
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
    with opener.open(request, timeout=60) as answer:
        raw_body = answer.read()
    details = json.loads(raw_body)["asnDetails"]
    rows = details.get("customers", [])
    customers = [{name: _decode(row.get(_camel(name)), kind) for name, kind in CUSTOMER_FIELDS} for row in rows]
    reference = {
        "asn": _decode(details.get("asn"), int),
        "name": details.get("name", ""),
        "country_name": details.get("countryName", ""),
        "customers": customers,
        "raw_bytes": len(raw_body),
        "raw_asn_types": sorted({type(row.get("asn")).__name__ for row in rows}),
        "raw_score_types": sorted({type(row.get("score")).__name__ for row in rows if "score" in row}),
    }
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(reference, handle)
    print("simulator: AS%d has %d customers in %s (raw answer %d bytes)" % (reference["asn"], len(customers), market, len(raw_body)))


if __name__ == "__main__":
    main(*sys.argv[1:4])
