# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build simulator/datasets/routeviews.json.gz: a mini-KMI computed from real RouteViews BGP paths.

Run by developers (not by tests): ``python3 hacking/make_routeviews_dataset.py``. It needs
apt-get (Debian) and nothing installed: it downloads four Debian packages with
``apt-get download`` and unpacks them with ``dpkg -x`` into a work folder:

* python3-pyasn: two RouteViews RIB slices (the first MB of route-views2's MRT dumps of
  2014-05-23 06:00 for IPv4 and 2015-11-01 06:00 for IPv6), the full prefix-to-origin tables
  made from route-views2 dumps of 2014-05-13 and 2015-11-01, AS names with registration country
  (``asnames.json``), and ``mrtx.py``, pyasn's pure-Python MRT reader, which this script loads;
* libloc-database, python3-location, libloc1: IPFire's location database and its Python reader.

Then, in order:

1. every AS path of every RIB entry is read; prepending is collapsed; paths with loops,
   AS_SETs or reserved AS numbers are left out, and so is each path's first AS (the vantage
   point, whose links the summit rule misreads);
2. AS relationships are inferred after CAIDA's AS Rank method (Luckie et al., IMC 2013), v4
   and v6 paths together: the clique (see find_clique) is the transit-free core and buys
   transit from nobody; on every other path, the AS of highest transit degree is the summit,
   links below it towards the origin are customer → provider, links below it towards the
   vantage point provider → customer; a link seen only next to the summit between ASes of
   comparable degree (ratio under 60) is peering, otherwise the majority of the votes decides;
   a customer of higher transit degree than its provider needs MANY_TIMES more paths for than
   against, else the link is peering (a route leak or a peer's routes passed on);
3. every prefix counts: those of pyasn's full prefix-to-origin tables (IPv4 of 2014-05-13, the
   IPv6 lines of 2015-11-01's) and the slices' own; each is located with the location database
   (the anycast flag or no country: global market only), failing that with its origin's
   registration country. An origin with no link in the slices cannot be placed under a
   provider: its prefixes are left out, and the share they leave out of each market is printed;
4. simulator/scoring.py scores the result per market and IP family (the formulas are in its
   docstring) and writes the dataset. Growth, rank change, score change and insights come
   from a seeded synthetic churn, since no public source has KMI's history.

The output is deterministic: the same packages give the same bytes (gzip mtime 0). The
script prints the counts and checks that go into DATA.md.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import gzip
import hashlib
import importlib.util
import ipaddress
import itertools
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from simulator.scoring import build_dataset, market_ids, prefix_weight  # noqa: E402  pylint: disable=wrong-import-position
from simulator.topology import Topology  # noqa: E402  pylint: disable=wrong-import-position

# Pinned (Debian 12): another version would give another dataset. The builder stops if apt cannot get these.
PACKAGES = {"python3-pyasn": "1.6.1-3+b3", "libloc-database": "0~20221029-1", "python3-location": "0.9.16-2", "libloc1": "0.9.16-2"}
RIBS = (("v4", "rib.20140523.0600_firstMB.bz2"), ("v6", "rib6.20151101.0600_firstMB.bz2"))
# pyasn's full prefix-to-origin tables: IPv4 of 2014-05-13, and the IPv6 lines of 2015-11-01's.
TABLES = (("v4", "ipasn_20140513.dat.gz"), ("v6", "ipasn6_20151101.dat.gz"))
TARGET = os.path.join(ROOT, "simulator", "datasets", "routeviews.json.gz")
SEED = 20140523
# A customer of higher transit degree than its provider needs this many times more paths for than against.
MANY_TIMES = 10
# Widely published list of transit-free ("tier 1") networks of the time, to check the inferred clique against.
PUBLISHED_TIER1 = {174, 209, 701, 1239, 1299, 2828, 2914, 3257, 3320, 3356, 3549, 5511, 6453, 6461, 6762, 6830, 7018, 12956}
DESCRIPTION = (
    "Mini-KMI computed from real RouteViews BGP paths (route-views2 RIB slices of 2014-05-23 for IPv4 and "
    "2015-11-01 for IPv6, and prefix-to-origin tables of 2014-05-13 and 2015-11-01, as shipped by Debian's python3-pyasn; "
    "RouteViews data CC BY 4.0), AS names from pyasn's "
    "asnames.json (MIT), prefix locations from IPFire's location database of 2022-10-29 (CC BY-SA 4.0). "
    "Relationships inferred after CAIDA's AS Rank method; origins with no path in the slices are left out. Scores, ranks and flags are "
    "computed with KMI's published formulas; customer growth, rank and score changes and insights are SYNTHETIC "
    "(seeded churn). Built by hacking/make_routeviews_dataset.py."
)


# ------------------------------------------------------------------ sources


def fetch(work):
    """Download and unpack the Debian packages into ``work``; return the unpacked root."""
    debs = os.path.join(work, "debs")
    root = os.path.join(work, "root")
    os.makedirs(debs, exist_ok=True)
    wanted = {name: os.path.join(debs, "%s_%s_*.deb" % (name, version.replace(":", "%3a"))) for name, version in PACKAGES.items()}
    missing = ["%s=%s" % (name, PACKAGES[name]) for name, pattern in wanted.items() if not glob.glob(pattern)]
    if missing:
        subprocess.run(["apt-get", "download"] + missing, cwd=debs, check=True)
    shutil.rmtree(root, ignore_errors=True)  # unpack afresh: exactly the pinned packages
    for pattern in wanted.values():
        subprocess.run(["dpkg", "-x", sorted(glob.glob(pattern))[-1], root], check=True)
    return root


def _load_mrtx(root):
    path = os.path.join(root, "usr/lib/python3/dist-packages/pyasn/mrtx.py")
    spec = importlib.util.spec_from_file_location("mrtx", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_location(root):
    """IPFire's reader: preload its C library from the unpacked package, then import it."""
    for library in sorted(glob.glob(os.path.join(root, "usr/lib/*/libloc.so.1*"))):
        ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)
        break
    sys.path.insert(0, os.path.join(root, "usr/lib/python3/dist-packages"))
    import location  # pylint: disable=import-error,import-outside-toplevel

    return location, location.Database(os.path.join(root, "usr/share/libloc-location/location.db"))


def read_rib(mrtx, path):
    """Yield (prefix, [path as tuple of ints]) for each RIB entry of a (possibly truncated) MRT dump."""
    handle = mrtx.open_archive(path)
    while True:
        try:
            record = mrtx.MrtRecord.next_dump_table_record(handle, optimize_parse=False)
        except (EOFError, AssertionError):
            return  # the slice ends mid-record
        if record is None:
            return
        if record.sub_type == mrtx.MrtRecord.T2_PEER_INDEX or record.detail is None or record.prefix is None:
            continue
        paths = []
        for entry in record.detail.entries:
            for attribute in entry.attrs:
                if attribute.bgp_type == mrtx.BgpAttribute.ATTR_AS_PATH:
                    segments = attribute.path_detail().pathsegs
                    if all(s.seg_type == s.AS_SEQUENCE for s in segments):
                        paths.append(tuple(itertools.chain.from_iterable(s.path for s in segments)))
                    else:
                        paths.append(None)  # AS_SET: no clean path
        yield record.prefix, paths


def clean_path(mrtx, path):
    """Collapse prepending; None for a path with an AS_SET, a loop or a reserved AS number."""
    if not path:
        return None
    collapsed = [asn for index, asn in enumerate(path) if index == 0 or asn != path[index - 1]]
    if len(set(collapsed)) != len(collapsed) or any(mrtx.is_asn_bogus(asn) for asn in collapsed):
        return None
    return tuple(collapsed)


# ---------------------------------------------------------------- inference


def _transit_degrees(paths):
    neighbours, transit = {}, {}
    for path in paths:
        for index, asn in enumerate(path):
            around = set()
            if index > 0:
                around.add(path[index - 1])
            if index < len(path) - 1:
                around.add(path[index + 1])
            neighbours.setdefault(asn, set()).update(around)
            if 0 < index < len(path) - 1:
                transit.setdefault(asn, set()).update(around)
    return {asn: len(transit.get(asn, ())) for asn in neighbours}, {asn: len(n) for asn, n in neighbours.items()}, neighbours


def find_clique(order, links):
    """The transit-free core: CAIDA's clique, tolerant of one link no vantage point sees.

    The core is the largest set of the 10 ASes of highest transit degree in which each member is
    linked to every other but at most one (a peering dispute such as Cogent and Hurricane
    Electric's, or a link the slices miss). Each next AS of the first 50 joins when it is linked
    to every member of that core but at most one.
    """

    def missing(asn, group):
        return sum(1 for other in group if other != asn and other not in links.get(asn, ()))

    top = order[:10]
    core = []
    for size in range(len(top), 0, -1):
        core = next((list(group) for group in itertools.combinations(top, size) if all(missing(a, group) <= 1 for a in group)), [])
        if core:
            break
    return set(core) | {asn for asn in order[10:50] if missing(asn, core) <= 1}


def without_vantage_points(paths):
    """The distinct paths without their first AS (the vantage point), each with a link left."""
    return sorted({path[1:] for path in paths if len(path) > 2})


def infer_relationships(paths):
    """Return (transit links as {(customer, provider)}, peer links as {frozenset}, clique, transit degree).

    ``paths`` are the distinct whole paths, the vantage point first. Links count over whole paths (a
    link the vantage point has is a link too); votes and degrees over the paths without it.
    """
    dummy, dummy2, links = _transit_degrees(paths)
    inner = without_vantage_points(paths)
    transit_degree, degree, dummy = _transit_degrees(inner)
    order = sorted(degree, key=lambda a: (-transit_degree[a], -degree[a], a))
    rank = {asn: position for position, asn in enumerate(order)}
    clique = find_clique(order, links)
    votes, summit_votes, seen, at_summit = {}, {}, {}, {}
    for path in inner:
        top = min(range(len(path)), key=lambda i: rank[path[i]])
        for index in range(len(path) - 1):
            left, right = path[index], path[index + 1]
            link = frozenset((left, right))
            seen[link] = seen.get(link, 0) + 1
            # Towards the origin (right of the summit) the right AS is the customer; towards the vantage point, the left one.
            customer, provider = (right, left) if index >= top else (left, right)
            if top in (index, index + 1):
                at_summit[link] = at_summit.get(link, 0) + 1
                summit_votes[(customer, provider)] = summit_votes.get((customer, provider), 0) + 1
            else:
                votes[(customer, provider)] = votes.get((customer, provider), 0) + 1
    transit, peering = set(), set()
    for link in sorted(seen, key=sorted):
        one, other = sorted(link)
        if one in clique and other in clique:
            peering.add(link)
            continue
        up, down = votes.get((one, other), 0), votes.get((other, one), 0)
        if up == 0 and down == 0:
            big, small = max(degree[one], degree[other]), max(1, min(degree[one], degree[other]))
            if at_summit.get(link) == seen[link] and big / small < 60:
                peering.add(link)
                continue
            up, down = summit_votes.get((one, other), 0), summit_votes.get((other, one), 0)
        customer, provider = (one, other) if up > down else (other, one)
        votes_for, votes_against = max(up, down), min(up, down)
        outgrows = transit_degree[customer] > transit_degree[provider] and votes_for < MANY_TIMES * (votes_against + 1)
        if up == down or customer in clique or outgrows:
            # Equal evidence both ways (siblings or peers), a clique member that would buy transit, which the
            # transit-free core does not, or a customer larger than its provider on thin evidence (a route
            # leak, or a peer's routes passed on): peering is the safer guess.
            peering.add(link)
        else:
            transit.add((customer, provider))
    return transit, peering, clique, transit_degree


def valley_free_share(paths, transit, peering):
    """Share of paths that are valley-free under the inferred relationships (up*, at most one peer link, down*)."""
    good = 0
    for path in paths:
        state = "up"  # read from the origin towards the vantage point
        reversed_path = path[::-1]
        valid = True
        for lower, upper in zip(reversed_path, reversed_path[1:]):
            if (lower, upper) in transit:
                kind = "up"
            elif (upper, lower) in transit:
                kind = "down"
            else:
                kind = "peer"
            if state == "up":
                state = "down" if kind in ("down", "peer") else "up"
            elif kind != "down":
                valid = False
                break
        good += valid
    return good / max(1, len(paths))


# ------------------------------------------------------------------ building


def _names(root):
    with open(os.path.join(root, "usr/lib/python3/dist-packages/data/asnames.json"), encoding="utf-8") as handle:
        raw = json.load(handle)
    names = {}
    for asn, text in raw.items():
        name, dummy, country = text.rpartition(", ")
        if not name or len(country) != 2:
            name, country = text, ""
        names[int(asn)] = (name.strip(), country.upper())
    return names


def build(work):
    started = time.time()
    root = fetch(work)
    mrtx = _load_mrtx(root)
    location, database = _load_location(root)
    names = _names(root)
    data_dir = os.path.join(root, "usr/lib/python3/dist-packages/data")

    paths, origins = [], {}
    counts = {"entries": 0, "dropped": 0}
    for family, rib in RIBS:
        for prefix, rib_paths in read_rib(mrtx, os.path.join(data_dir, rib)):
            cleaned = [clean_path(mrtx, p) for p in rib_paths]
            counts["entries"] += len(cleaned)
            counts["dropped"] += sum(p is None for p in cleaned)
            cleaned = [p for p in cleaned if p]
            if not cleaned:
                continue
            paths.extend(cleaned)
            first = sorted({p[-1] for p in cleaned})  # the origin most paths agree on
            origin = max(first, key=lambda a: (sum(p[-1] == a for p in cleaned), -a))
            origins[(family, _canonical(prefix))] = origin
    # The first AS of each path is the RouteViews peer (the vantage point). Gao's summit rule misreads its
    # links (a vantage point that hears a peer's routes looks like that peer's provider), so, as CAIDA
    # does, relationships are inferred from the path without it.
    unique_paths = sorted(set(paths))
    transit, peering, clique, transit_degree = infer_relationships(unique_paths)

    topology = Topology()
    for customer, provider in transit:
        topology.add_transit(customer, provider)
    for link in peering:
        one, other = sorted(link)
        topology.add_peering(one, other)
    # Every prefix counts: the full prefix-to-origin tables, and the slices' prefixes they lack. An origin
    # with no link in the slices cannot be placed under a provider: its prefixes are left out, and counted.
    placed = set(topology.asns()) | set(origins.values())
    for family, table in TABLES:
        for prefix, origin in read_table(os.path.join(data_dir, table), family):
            origins.setdefault((family, prefix), origin)
    located = {"geo": 0, "registration": 0, "global": 0}
    unplaced = []
    for (family, prefix), origin in sorted(origins.items()):
        country = _locate(location, database, prefix)
        if country is None:
            country = names.get(origin, ("", ""))[1]
            how = "registration" if country else "global"
        else:
            how = "geo" if country else "global"
        entry = (family, int(prefix.split("/")[1]), country)
        if origin in placed:
            located[how] += 1
            topology.prefixes.setdefault(origin, []).append(entry)
        else:
            unplaced.append(entry)
    for asn in topology.asns():
        name, country = names.get(asn, ("AS%d" % asn, ""))
        topology.names[asn] = (name, country)
    for code in sorted({c for prefixes in topology.prefixes.values() for dummy, dummy2, c in prefixes if c}
                       | {country for dummy, country in topology.names.values() if country}):
        entry = database.get_country(code)
        if entry is not None and entry.name:
            topology.countries[code] = (entry.name, entry.continent_code or "")

    dataset = build_dataset(topology, seed=SEED, description=DESCRIPTION)
    stats = _stats(topology, transit, peering, clique, transit_degree, without_vantage_points(unique_paths), counts, located, dataset)
    stats["prefixes_left_out"] = len(unplaced)
    stats["left_out"] = _left_out(topology, unplaced, dataset)
    stats["seconds"] = round(time.time() - started, 1)
    return dataset, stats


def read_table(path, family):
    """Yield (prefix, origin AS) of one family ("v4", "v6") from a pyasn IP-to-ASN table (``prefix<TAB>asn`` lines)."""
    with gzip.open(path, "rt", encoding="ascii") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) == 2 and not line.startswith(";") and (":" in fields[0]) == (family == "v6"):
                yield fields[0], int(fields[1])


def _canonical(prefix):
    return ipaddress.ip_network(prefix, strict=False).compressed


def _left_out(topology, unplaced, dataset):
    """{market: {family: [share of the prefixes, share of their weight]}} that origins with no path leave out."""

    def tally(prefix_lists):
        counts = {}  # (market, family) -> [prefixes, weight]
        for prefixes in prefix_lists:
            for family, length, country in prefixes:
                for market in market_ids(topology, country):
                    count = counts.setdefault((market, family), [0, 0])
                    count[0] += 1
                    count[1] += prefix_weight(family, length)
        return counts

    placed, out = tally(topology.prefixes.values()), tally([unplaced])
    kept = {m["market_id"] for m in dataset["markets"]}
    shares = {}
    for market, family in sorted(set(placed) | set(out)):
        if market in kept:
            mine, theirs = placed.get((market, family), [0, 0]), out.get((market, family), [0, 0])
            shares.setdefault(market, {})[family] = [round(theirs[i] / (mine[i] + theirs[i]), 3) for i in (0, 1)]
    return shares


def _locate(location, database, prefix):
    """Country code of the prefix from the location database; "" for anycast; None when unknown."""
    network = database.lookup(prefix.split("/")[0])
    if network is None:
        return None
    if network.has_flag(location.NETWORK_FLAG_ANYCAST):
        return ""
    code = network.country_code or ""
    return code if len(code) == 2 and database.get_country(code) is not None else None


def _stats(topology, transit, peering, clique, transit_degree, paths, counts, located, dataset):
    customers = topology.customers()
    stubs = [asn for asn in topology.asns() if asn not in customers and topology.providers.get(asn)]
    shares = {}
    for asn in stubs:
        key = min(len(topology.providers[asn]), 4)
        shares[key] = shares.get(key, 0) + 1
    biggest = sorted(customers, key=lambda a: (-len(customers[a]), a))[:10]
    us = dataset["data"].get("country$us", {}).get("v4", {}).get("rankings", {}).get("customer_base", [])[:15]
    return {
        "rib_paths": counts["entries"],
        "paths_dropped": counts["dropped"],
        "unique_paths": len(paths),
        "ases": len(topology.asns()),
        "transit_links": len(transit),
        "peer_links": len(peering),
        "clique": sorted(clique),
        "clique_in_published_tier1": sorted(clique & PUBLISHED_TIER1),
        "valley_free_share": round(valley_free_share(paths, transit, peering), 4),
        "stub_provider_shares": {("%d+" % k if k == 4 else str(k)): round(v / max(1, len(stubs)), 3) for k, v in sorted(shares.items())},
        "transit_ases": len(customers),
        "most_direct_customers": [[a, len(customers[a]), topology.names[a][0]] for a in biggest],
        "prefixes_located": located,
        "markets": len(dataset["markets"]),
        "us_v4_customer_base_top15": [[row[0], topology.names.get(row[0], ("", ""))[0]] for row in us],
        "max_transit_degree": max(transit_degree.values()),
    }


def write(dataset, path):
    text = json.dumps(dataset, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as handle:
            handle.write(text)
    return len(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--work", default="/tmp/kentik.kmi-routeviews", help="folder for the Debian packages (kept between runs)")
    parser.add_argument("--output", default=TARGET)
    args = parser.parse_args()
    dataset, stats = build(args.work)
    size = write(dataset, args.output)
    with open(args.output, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    stats.update({"json_bytes": size, "file_bytes": os.path.getsize(args.output), "sha256": digest})
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
