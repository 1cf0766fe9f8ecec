# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions kentik.kmi draws from KMI data: pure functions, no API call, Python stdlib only.

The filters in ``plugins/filter/decisions.py`` are thin wrappers around the five public functions
below (same names, same arguments), so roles, their tests and reports can reuse them as they are.
Every function returns new plain dicts, lists, ints, floats, strings and None, never its input,
and raises KmiDecisionError, a one-line message naming the filter and the bad argument, for bad input.

Accepted shapes (the filter docs say the same):

* a ranking: a list of ``{asn, name, rank, rank_change, score, score_change}``, or a dict with a
  ``rankings`` key (a kmi_rankings_info result, an element of the kmi_rankings lookup), whose
  ``market.name`` then appears in the reasons;
* a details entry: ``{asn, name, country_name, customers, providers, peers}``, or a list holding
  exactly one, or a dict with an ``asn_details`` key holding exactly one (a kmi_asn_info result);
  a missing relation list counts as empty;
* a list of details entries, or a dict with an ``asn_details`` key.

AS numbers may be given as ``64500``, ``"64500"`` or ``"AS64500"``; results always hold ints.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PREFIX = "kentik.kmi."
_ASN_TEXT = re.compile(r"^\s*(?:AS)?\s*(\d{1,10})\s*$", re.IGNORECASE)
_MAX_ASN = 4294967295
_RELATIONS = ("customers", "providers", "peers")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


class KmiDecisionError(ValueError):
    """Bad input to a decision function; the message names the filter and the argument."""


# ------------------------------------------------------------------------------------------- helpers


def _fail(func, message):
    raise KmiDecisionError("%s%s: %s" % (PREFIX, func, message))


def _kind(value):
    """A short, user-facing name of the type of value (ansible-core 2.19 lazy containers included)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    return "a %s" % type(value).__name__


def _is_list(value):
    return isinstance(value, (list, tuple))


def _asn_of(func, value, where):
    """An AS number as an int, from 64500, '64500' or 'AS64500'."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = int(value)
    elif isinstance(value, str):
        match = _ASN_TEXT.match(value)
        number = int(match.group(1)) if match else None
    if number is None or not 0 <= number <= _MAX_ASN:
        _fail(func, "%s must be an AS number (64500 or 'AS64500'), got %r" % (where, _plain(value)))
    return number


def _plain(value):
    """value without ansible-core's tags (tagged str, int and float are subclasses), for messages."""
    for plain in (bool, str, int, float):
        if isinstance(value, plain):
            return plain(value)
    return value


def _int_option(func, name, value, minimum, allow_none=True):
    if value is None and allow_none:
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    if number is None or number < minimum:
        _fail(func, "%s must be an integer of at least %d%s, got %r" % (name, minimum, " or null" if allow_none else "", _plain(value)))
    return number


def _number(func, where, value):
    """A score: int or float; None counts as 0."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value) if "." in str(value) else int(value)
        except (TypeError, ValueError):
            _fail(func, "%s must be a number, got %r" % (where, _plain(value)))
    return int(value) if isinstance(value, int) else float(value)


def _bool(func, where, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    _fail(func, "%s must be a boolean, got %r" % (where, _plain(value)))
    return False  # not reached


def _text(value):
    return "" if value is None else str(value)


def _ranking(func, arg, value):
    """(entries, market name or None): entries normalized, in input order, first of each AS kept."""
    market = None
    if isinstance(value, Mapping) and "rankings" in value:
        market_value = value.get("market")
        if isinstance(market_value, Mapping) and market_value.get("name"):
            market = str(market_value["name"])
        elif isinstance(market_value, str) and market_value:
            market = str(market_value)
        value = value["rankings"]
        arg = arg + ".rankings"
    if not _is_list(value):
        _fail(func, "%s must be a ranking: a list of {asn, name, rank, score} (or a kmi_rankings result), got %s" % (arg, _kind(value)))
    entries, seen = [], set()
    for index, item in enumerate(value):
        where = "%s[%d]" % (arg, index)
        if not isinstance(item, Mapping):
            _fail(func, "%s must be a ranking entry (a dict), got %s" % (where, _kind(item)))
        for key in ("asn", "rank"):
            if key not in item:
                _fail(func, "%s has no '%s' key" % (where, key))
        asn = _asn_of(func, item["asn"], where + ".asn")
        if asn in seen:
            continue
        seen.add(asn)
        rank_change = item.get("rank_change")
        score_change = item.get("score_change")
        entries.append({
            "asn": asn,
            "name": _text(item.get("name")),
            "rank": _int_option(func, where + ".rank", item["rank"], 1, allow_none=False),
            "score": _number(func, where + ".score", item.get("score")),
            "rank_change": None if rank_change is None else _number(func, where + ".rank_change", rank_change),
            "score_change": None if score_change is None else _number(func, where + ".score_change", score_change),
        })
    return entries, market


def _relation(func, where, item, relation):
    if not isinstance(item, Mapping):
        _fail(func, "%s must be a dict, got %s" % (where, _kind(item)))
    if "asn" not in item:
        _fail(func, "%s has no 'asn' key" % where)
    entry = {"asn": _asn_of(func, item["asn"], where + ".asn"), "name": _text(item.get("name"))}
    if relation != "peers":
        entry["score"] = _number(func, where + ".score", item.get("score"))
        for flag in ("singlehomed_customer", "mutual_customer", "mutual_provider"):
            entry[flag] = _bool(func, "%s.%s" % (where, flag), item.get(flag) or False)
    return entry


def _details_entry(func, where, item):
    if not isinstance(item, Mapping):
        _fail(func, "%s must be an ASN details entry (a dict with asn, customers, providers, peers), got %s" % (where, _kind(item)))
    if "asn" not in item:
        _fail(func, "%s has no 'asn' key" % where)
    entry = {
        "asn": _asn_of(func, item["asn"], where + ".asn"),
        "name": _text(item.get("name")),
        "country_name": _text(item.get("country_name")),
    }
    for relation in _RELATIONS:
        rows = item.get(relation)
        if rows is None:
            rows = []
        if not _is_list(rows):
            _fail(func, "%s.%s must be a list, got %s" % (where, relation, _kind(rows)))
        entry[relation] = [_relation(func, "%s.%s[%d]" % (where, relation, index), row, relation) for index, row in enumerate(rows)]
    return entry


def _details(func, arg, value):
    """One details entry, from an entry, a one-entry list or a kmi_asn_info result with one entry."""
    if isinstance(value, Mapping) and "asn_details" in value and "asn" not in value:
        value = value["asn_details"]
        arg = arg + ".asn_details"
    if _is_list(value):
        if len(value) != 1:
            _fail(func, "%s must be one ASN details entry, got a list of %d" % (arg, len(value)))
        value = value[0]
    return _details_entry(func, arg, value)


def _details_map(func, arg, value):
    """{asn: entry} from a list of details entries (None: empty); the first entry of an AS wins."""
    if value is None:
        return {}
    if isinstance(value, Mapping) and "asn_details" in value and "asn" not in value:
        value = value["asn_details"]
        arg = arg + ".asn_details"
    if not _is_list(value):
        _fail(func, "%s must be a list of ASN details entries (or a kmi_asn_info result), got %s" % (arg, _kind(value)))
    entries = {}
    for index, item in enumerate(value):
        entry = _details_entry(func, "%s[%d]" % (arg, index), item)
        entries.setdefault(entry["asn"], entry)
    return entries


def _asn_list(func, arg, value):
    if value is None:
        return set()
    if not _is_list(value):
        value = [value]
    return {_asn_of(func, item, "%s[%d]" % (arg, index)) for index, item in enumerate(value)}


def _asns(entries):
    return {entry["asn"] for entry in entries}


def _as_list(asns):
    return ", ".join("AS%d" % asn for asn in sorted(asns))


def _your_providers(asns):
    return "your provider%s %s" % ("s" if len(asns) > 1 else "", _as_list(asns))


def _where(market):
    return market if market else "the market"


def _by_score(entries):
    return sorted(entries, key=lambda entry: (-entry["score"], entry["asn"]))


# ------------------------------------------------------------------------------------- the decisions


def peering_candidates(rankings, my_details, min_rank=None, min_score=0, max_rank=None, exclude=None,
                       exclude_providers_customers=False, provider_details=None, limit=None):
    """Networks of a ranking that are not me and not yet my peers, customers or providers, best rank first.

    Each: {asn, name, rank, score, rank_change, reason}. provider_details: details entries of my
    providers (entries of other ASes are ignored); a network one of them lists as a customer is
    dropped with exclude_providers_customers, else noted in its reason.
    """
    func = "peering_candidates"
    entries, market = _ranking(func, "rankings", rankings)
    me = _details(func, "my_details", my_details)
    min_rank = _int_option(func, "min_rank", min_rank, 1)
    max_rank = _int_option(func, "max_rank", max_rank, 1)
    if min_rank is not None and max_rank is not None and min_rank > max_rank:
        _fail(func, "min_rank (%d) must not be above max_rank (%d)" % (min_rank, max_rank))
    min_score = _number(func, "min_score", min_score)
    excluded = _asn_list(func, "exclude", exclude)
    drop_transit = _bool(func, "exclude_providers_customers", exclude_providers_customers)
    details = _details_map(func, "provider_details", provider_details)
    limit = _int_option(func, "limit", limit, 1)

    related = {me["asn"]} | _asns(me["peers"]) | _asns(me["customers"]) | _asns(me["providers"])
    reached_through = {}  # customer AS -> my providers that sell it transit
    for provider in sorted(_asns(me["providers"])):
        for customer in details.get(provider, {}).get("customers", ()):
            reached_through.setdefault(customer["asn"], set()).add(provider)

    result = []
    for entry in sorted(entries, key=lambda e: (e["rank"], e["asn"])):
        asn = entry["asn"]
        if asn in related or asn in excluded:
            continue
        if (min_rank is not None and entry["rank"] < min_rank) or (max_rank is not None and entry["rank"] > max_rank):
            continue
        if entry["score"] < min_score:
            continue
        through = reached_through.get(asn)
        if through and drop_transit:
            continue
        reason = "rank %d in %s (score %s); not a peer, customer or provider of AS%d" % (entry["rank"], _where(market), entry["score"], me["asn"])
        if through:
            reason += "; customer of %s" % _your_providers(through)
        result.append({"asn": asn, "name": entry["name"], "rank": entry["rank"], "score": entry["score"],
                       "rank_change": entry["rank_change"], "reason": reason})
        if limit is not None and len(result) >= limit:
            break
    return result


def transit_options(rankings, my_details, provider_details=None, limit=None):
    """Networks of a ranking I do not buy transit from yet (not me, my providers or my customers), best rank first.

    Each: {asn, name, rank, score, market_share, shared_upstreams, reason}. provider_details: details
    entries of my providers and/or of candidates. shared_upstreams: the providers of the candidate
    that are also providers of at least one of my providers (sorted); None when it cannot be
    checked (no entry for the candidate, or I have providers and none of them has an entry).
    """
    func = "transit_options"
    entries, market = _ranking(func, "rankings", rankings)
    me = _details(func, "my_details", my_details)
    details = _details_map(func, "provider_details", provider_details)
    limit = _int_option(func, "limit", limit, 1)

    my_providers = _asns(me["providers"])
    skipped = {me["asn"]} | my_providers | _asns(me["customers"])
    my_peers = _asns(me["peers"])
    total = sum(entry["score"] for entry in entries)
    known_providers = sorted(asn for asn in my_providers if asn in details)
    upstream_of = {}  # upstream AS -> my providers that buy from it
    for provider in known_providers:
        for upstream in details[provider]["providers"]:
            upstream_of.setdefault(upstream["asn"], set()).add(provider)
    checkable = bool(known_providers) or not my_providers

    result = []
    for entry in sorted(entries, key=lambda e: (e["rank"], e["asn"])):
        asn = entry["asn"]
        if asn in skipped:
            continue
        share = round(entry["score"] / total, 4) if total else 0.0
        parts = ["rank %d in %s, %.1f%% of the ranking's total score" % (entry["rank"], _where(market), share * 100)]
        candidate = details.get(asn)
        # a candidate that buys from one of my providers: from its own entry or from my providers' entries
        behind = {p["asn"] for p in candidate["providers"]} & my_providers if candidate else set()
        behind |= {p for p in known_providers if asn in _asns(details[p]["customers"])}
        if candidate is None or not checkable:
            shared = None
            parts.append("upstream overlap not checked: no details for %s" % ("AS%d" % asn if candidate is None else _your_providers(my_providers)))
        else:
            shared = sorted(_asns(candidate["providers"]) & set(upstream_of))
            for upstream in shared:
                parts.append("shares upstream AS%d with %s" % (upstream, _your_providers(upstream_of[upstream])))
            if not shared and not behind:
                parts.append("no upstream shared with your providers")
        if behind:
            parts.append("buys transit from %s" % _your_providers(behind))
        if asn in my_peers:
            parts.append("already peers with AS%d" % me["asn"])
        result.append({"asn": asn, "name": entry["name"], "rank": entry["rank"], "score": entry["score"],
                       "market_share": share, "shared_upstreams": shared, "reason": "; ".join(parts)})
        if limit is not None and len(result) >= limit:
            break
    return result


def single_homed(my_details):
    """My customers flagged singlehomed_customer, highest score first: {asn, name, score, reason}."""
    me = _details("single_homed", "my_details", my_details)
    reason = "single-homed behind AS%d: an outage of AS%d cuts it off" % (me["asn"], me["asn"])
    return [{"asn": c["asn"], "name": c["name"], "score": c["score"], "reason": reason}
            for c in _by_score(me["customers"]) if c["singlehomed_customer"]]


def mutual(my_details):
    """{customers, providers}: my customers flagged mutual_customer, my providers flagged mutual_provider."""
    me = _details("mutual", "my_details", my_details)
    customer_reason = "mutual customer: also buys transit from a peer of AS%d, so a competitor serves it too" % me["asn"]
    provider_reason = "mutual provider: also sells transit to a peer of AS%d" % me["asn"]
    return {
        "customers": [{"asn": c["asn"], "name": c["name"], "score": c["score"], "reason": customer_reason}
                      for c in _by_score(me["customers"]) if c["mutual_customer"]],
        "providers": [{"asn": p["asn"], "name": p["name"], "score": p["score"], "reason": provider_reason}
                      for p in _by_score(me["providers"]) if p["mutual_provider"]],
    }


def _snapshot(func, arg, value):
    """(details entry or None, ranking entries or None, AS number or None) of a snapshot.

    A snapshot is a ranking list, a dict with a details and/or rankings key (the drift_check role's
    snapshot, whose own asn key is used when details is missing; a kmi_rankings result), or a details entry.
    """
    if _is_list(value):
        return None, _ranking(func, arg, value)[0], None
    if isinstance(value, Mapping):
        if "details" in value or "rankings" in value:
            details = value.get("details")
            details = None if details is None else _details_entry(func, arg + ".details", details)
            rankings = value.get("rankings")
            rankings = None if rankings is None else _ranking(func, arg + ".rankings", rankings)[0]
            if details is not None:
                asn = details["asn"]
            elif value.get("asn") is not None:
                asn = _asn_of(func, value["asn"], arg + ".asn")
            else:
                asn = None
            return details, rankings, asn
        if "asn" in value:
            details = _details_entry(func, arg, value)
            return details, None, details["asn"]
    _fail(func, "%s must be an ASN details entry, a ranking list or a {details, rankings} snapshot, got %s%s" % (
        arg, _kind(value), " without asn, details or rankings key" if isinstance(value, Mapping) else ""))
    return None, None, None  # not reached


def _change(old, new, key, sign):
    old_value = None if old is None else old[key]
    new_value = None if new is None else new[key]
    change = None if old_value is None or new_value is None else sign * (new_value - old_value)
    return {"old": old_value, "new": new_value, "change": change}


def kmi_diff(old, new):
    """What changed from snapshot old to snapshot new (both details entries, rankings or {details, rankings}).

    Always every key: {providers_gained, providers_lost, peers_gained, peers_lost, customers_gained,
    customers_lost, rank: {old, new, change}, score: {old, new, change}, moves, changed}.
    rank.change and moves[].change > 0: climbed (as KMI's rank_change); score.change = new - old.
    """
    func = "kmi_diff"
    old_details, old_rankings, old_asn = _snapshot(func, "old", old)
    new_details, new_rankings, new_asn = _snapshot(func, "new", new)
    for part, old_part, new_part in (("details", old_details, new_details), ("rankings", old_rankings, new_rankings)):
        if (old_part is None) != (new_part is None):
            _fail(func, "old and new must have the same shape: %s has %s but %s has none" % (
                "old" if old_part is not None else "new", part, "new" if old_part is not None else "old"))
    if old_asn is not None and new_asn is not None and old_asn != new_asn:
        _fail(func, "old and new must be snapshots of the same AS, got AS%d and AS%d" % (old_asn, new_asn))
    asn = new_asn if new_asn is not None else old_asn

    result = {}
    for relation in ("providers", "peers", "customers"):
        before = _asns(old_details[relation]) if old_details else set()
        after = _asns(new_details[relation]) if new_details else set()
        result[relation + "_gained"] = sorted(after - before)
        result[relation + "_lost"] = sorted(before - after)

    old_by_asn = {e["asn"]: e for e in old_rankings or ()}
    new_by_asn = {e["asn"]: e for e in new_rankings or ()}
    if asn is not None and new_rankings is not None:
        result["rank"] = _change(old_by_asn.get(asn), new_by_asn.get(asn), "rank", -1)
        result["score"] = _change(old_by_asn.get(asn), new_by_asn.get(asn), "score", 1)
    else:
        result["rank"] = {"old": None, "new": None, "change": None}
        result["score"] = {"old": None, "new": None, "change": None}

    moves = []
    for entry in sorted(new_by_asn.values(), key=lambda e: (e["rank"], e["asn"])):
        before = old_by_asn.get(entry["asn"])
        if before is None:
            moves.append({"asn": entry["asn"], "name": entry["name"], "old_rank": None, "new_rank": entry["rank"], "change": None})
        elif before["rank"] != entry["rank"]:
            moves.append({"asn": entry["asn"], "name": entry["name"] or before["name"], "old_rank": before["rank"],
                          "new_rank": entry["rank"], "change": before["rank"] - entry["rank"]})
    for entry in sorted(old_by_asn.values(), key=lambda e: (e["rank"], e["asn"])):
        if entry["asn"] not in new_by_asn:
            moves.append({"asn": entry["asn"], "name": entry["name"], "old_rank": entry["rank"], "new_rank": None, "change": None})
    result["moves"] = moves

    result["changed"] = bool(
        any(result[key] for key in ("providers_gained", "providers_lost", "peers_gained", "peers_lost", "customers_gained", "customers_lost"))
        or moves
        or result["rank"]["old"] != result["rank"]["new"]
        or result["score"]["old"] != result["score"]["new"]
    )
    return result
