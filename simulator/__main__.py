# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the KMI simulator: python3 -m simulator [--port 8700] [--dataset small|FILE] ..."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys

from simulator.dataset import DEFAULT
from simulator.server import DEFAULT_USERS, Simulator


def _parse_user(text):
    email, sep, token = text.partition(":")
    if not sep or not email or not token:
        raise argparse.ArgumentTypeError("expected EMAIL:TOKEN, got %r" % text)
    return email, token


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m simulator", description="Kentik KMI API simulator (loopback only).")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8700, help="port (default 8700; 0 picks a free one)")
    parser.add_argument("--dataset", default=DEFAULT,
                        help="'routeviews' (default: real RouteViews data), 'small' (tiny, invented), "
                             "'generated[:SEED[:ASES[:ZIPF]]]' (the scale generator; a ZIPF exponent above the default "
                             "gives the biggest transit networks more customers) or the path of a dataset file")
    parser.add_argument("--user", action="append", type=_parse_user, default=[], metavar="EMAIL:TOKEN",
                        help="a user with KMI permission (repeatable); default sim@example.com:sim-token")
    parser.add_argument("--user-without-kmi", action="append", type=_parse_user, default=[], metavar="EMAIL:TOKEN",
                        help="a user that gets 403 (repeatable); default nokmi@example.com:nokmi-token")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay every API answer by this many ms")
    parser.add_argument("--rate-limit", action="store_true", help="enforce Kentik's documented rate limits")
    parser.add_argument("--port-file", help="write the chosen port to this file once listening")
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this PEM certificate (with --tls-key)")
    parser.add_argument("--tls-key", metavar="FILE", help="the PEM private key of --tls-cert")
    args = parser.parse_args(argv)

    try:
        loopback = args.host == "localhost" or ipaddress.ip_address(args.host).is_loopback
    except ValueError:  # a host name other than localhost
        loopback = False
    if not loopback:
        parser.error("--host must be a loopback address; the simulator never listens on a network")
    users = dict(DEFAULT_USERS)
    if args.user or args.user_without_kmi:
        users = {email: (token, True) for email, token in args.user}
        users.update({email: (token, False) for email, token in args.user_without_kmi})
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    sim = Simulator(dataset=args.dataset, host=args.host, port=args.port, users=users, tls=tls)
    sim.faults.set({"latency_ms": args.latency_ms})
    sim.rate_limit.configure(args.rate_limit)
    if args.port_file:
        with open(args.port_file, "w", encoding="utf-8") as handle:
            handle.write("%d\n" % int(sim.url.rsplit(":", 1)[1]))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("KMI simulator on %s (dataset %s, %d markets)" % (sim.url, sim.dataset.source, len(sim.dataset.markets)), flush=True)
    try:
        sim.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
