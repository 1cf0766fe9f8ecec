# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The KMI API simulator: an HTTP server on loopback that answers the five
KMI v202212 RPCs as Kentik's gRPC gateway does, plus a control API under /_sim/.

In-process use (tests):   sim = Simulator(dataset="small"); sim.start(); ... sim.url ...; sim.stop()
Command line:             python3 -m simulator --port 8700   (see simulator/README.md)
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import struct
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from simulator.dataset import DEFAULT, Dataset
from simulator.dataset_format import FAMILIES, INSIGHT_TYPES, RANK_TYPES
from simulator.faults import DATA, HOSTILE, FaultPlan, FaultPlanError, answer_hostile, apply_drift
from simulator.gateway_json import FieldError, body_fields, encode, query_uint32
from simulator.hostile import apply as apply_hostile
from simulator.ratelimit import RateLimiter

PREFIX = "/kmi/v202212"
DEFAULT_USERS = {
    # email: (token, has KMI permission)
    "sim@example.com": ("sim-token", True),
    "nokmi@example.com": ("nokmi-token", False),
}
RELATIONSHIPS = ("all", "customers", "providers", "peers")
FILTERS = ("all", "only", "exclude")

# gRPC status codes the gateway puts in error bodies, by HTTP status.
GRPC_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 429: 8, 500: 13, 501: 12, 502: 14, 503: 14, 504: 4}

ROUTES = (
    ("GET", re.compile(r"^/markets$"), "ListMarkets"),
    ("POST", re.compile(r"^/market/(?P<market_id>[^/]+)/rankings/(?P<rank_type>[^/]+)/ip/(?P<ip>[^/]+)$"), "GetRankings"),
    ("POST", re.compile(r"^/market/(?P<market_id>[^/]+)/network/(?P<asn>[^/]+)/(?P<type>[^/]+)$"), "GetASNDetails"),
    ("GET", re.compile(r"^/insights$"), "GetGlobalInsights"),
    ("GET", re.compile(r"^/insights/(?P<asn>[^/]+)$"), "GetASNInsights"),
)

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Proxy Authentication Required</title></head>"
    b"<body><h1>Access denied by corporate proxy</h1><p>Please log in.</p></body></html>"
)


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Simulator:
    """One simulator: dataset, users, fault plan, rate limiter and request log."""

    def __init__(self, dataset=DEFAULT, host="127.0.0.1", port=0, users=None, tls=None):
        self.dataset = dataset if isinstance(dataset, Dataset) else Dataset.load(dataset)
        self.users = dict(DEFAULT_USERS if users is None else users)
        self.faults = FaultPlan()
        self.rate_limit = RateLimiter()
        self._log = []
        self._log_lock = threading.Lock()
        self._started = time.monotonic()
        self.stopping = threading.Event()
        self._server = _Server((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.simulator = self
        self.scheme = "http"
        if tls:  # (certificate file, key file): HTTPS, e.g. to try validate_certs and ca_path
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            # the handshake runs in the connection's own thread, not in the accepting one
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True, do_handshake_on_connect=False)
            self.scheme = "https"
        self._thread = None

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return "%s://%s:%d" % (self.scheme, host, port)

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, name="kmi-simulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        self._server.serve_forever()

    def stop(self):
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---------------------------------------------------------------- log
    def record(self, entry):
        with self._log_lock:
            entry["seq"] = len(self._log) + 1
            entry["time"] = round(time.monotonic() - self._started, 4)
            self._log.append(entry)

    def log(self):
        with self._log_lock:
            return [dict(e) for e in self._log]

    def reset(self):
        """Clear the log, the fault plan and the rate-limit mode."""
        with self._log_lock:
            self._log = []
        self.faults.clear()
        self.rate_limit.configure(False)

    # ------------------------------------------------------------- answers
    def answer(self, operation, params, query, body):
        """The answer of ``operation`` (path ``params``, ``query`` lists, decoded JSON ``body``); raises ApiError, FieldError."""
        data = self.dataset
        fields = body_fields(operation, body)
        if operation == "ListMarkets":
            return {"markets": data.markets}
        if operation == "GetRankings":
            market_id = self._market(params["market_id"])
            rank_type = params["rank_type"]
            if rank_type not in RANK_TYPES:
                raise ApiError(400, "invalid rank type %r; allowed: %s" % (rank_type, ", ".join(RANK_TYPES)))
            ip = self._family(params["ip"])
            limit = fields.get("limit") or 600
            return {"rankings": data.rankings(market_id, rank_type, ip, limit), "invalid_count": 0}
        if operation == "GetASNDetails":
            market_id = self._market(params["market_id"])
            asn = self._asn(params["asn"])
            relationship = params["type"] or "all"
            if relationship not in RELATIONSHIPS:
                raise ApiError(400, "invalid type %r; allowed: %s" % (relationship, ", ".join(RELATIONSHIPS)))
            ip = self._family(fields.get("ip") or "v4")
            filters = {}
            for field, key in (
                ("mutual_provider", "mutualProvider"),
                ("mutual_customer", "mutualCustomer"),
                ("singlehomed_customer", "singlehomedCustomer"),
            ):
                mode = fields.get(field) or "all"
                if mode not in FILTERS:
                    raise ApiError(400, "invalid %s %r; allowed: all, only, exclude" % (key, mode))
                filters[field] = mode
            details = data.asn_details(market_id, asn, relationship, ip, filters)
            if details is None:
                raise ApiError(404, "ASN %d not found in market %s" % (asn, market_id))
            return {"asn_details": details}
        # insights
        asn = self._asn(params["asn"]) if operation == "GetASNInsights" else None
        market_id = self._market(_first(query, "marketId") or _first(query, "market_id") or "planet$earth")
        ip = self._family(_first(query, "ip") or "v4")
        lookback = query_uint32(query, "lookback", 1) or 1
        if lookback not in (1, 7, 30):
            raise ApiError(400, "invalid lookback %d; allowed: 1, 7, 30" % lookback)
        magnitude = query_uint32(query, "magnitude", 1) or 1
        if not 1 <= magnitude <= 5:
            raise ApiError(400, "invalid magnitude %d; allowed: 1 to 5" % magnitude)
        limit = query_uint32(query, "limit", 100) or 100
        types = query.get("types", [])
        bad = [t for t in types if t not in INSIGHT_TYPES]
        if bad:
            raise ApiError(400, "invalid insight types: %s" % ", ".join(bad))
        return {"insights": data.find_insights(asn, market_id, ip, lookback, types, magnitude, limit)}

    def _market(self, market_id):
        if not self.dataset.has_market(market_id):
            raise ApiError(404, "market %r not found" % market_id)
        return market_id

    @staticmethod
    def _family(ip):
        if ip not in FAMILIES:
            raise ApiError(400, "invalid ip %r; allowed: v4, v6" % ip)
        return ip

    @staticmethod
    def _asn(text):
        if not text.isdigit() or not 0 < int(text) <= 4294967295:
            raise ApiError(400, "invalid asn %r" % text)
        return int(text)


def _first(query, name):
    values = query.get(name)
    return values[0] if values else None


class _Server(ThreadingHTTPServer):
    """The HTTP server, with a listen backlog for bursts: the default of 5 reset new connections when
    16 or more clients (a module's parallel workers, a play's forks) connected at once. It counts the
    connections being served, so that a test can wait until a killed client's last request is logged."""

    request_queue_size = 128

    def __init__(self, *args, **kwargs):
        self.open_connections = 0
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with self._open_lock:
            self.open_connections += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        try:
            super().shutdown_request(request)
        finally:
            with self._open_lock:
                self.open_connections -= 1

    def handle_error(self, request, client_address):
        """A client that went away before its answer (a killed run), or refused our test certificate, is routine here."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ssl.SSLError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kmi-simulator/0.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK hold every answer on a kept-alive connection for ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Keep the console quiet; the request log is the record."""

    @property
    def sim(self):
        return self.server.simulator

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    # Every other method gets the gateway's answer too (a JSON error), not http.server's HTML 501 page.
    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    def do_TRACE(self):
        self._dispatch("TRACE")

    def do_HEAD(self):
        self._dispatch("HEAD")

    # ------------------------------------------------------------ plumbing
    def _send(self, status, payload=None, raw=None, content_type="application/json", headers=None, length=None):
        body = raw if raw is not None else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("X-KMI-Simulator", self.sim.dataset.name)  # so that whatever is made from it can say so
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":  # an answer to HEAD has the headers of the answer to GET, and no body
            self.wfile.write(body)
        self.wfile.flush()

    def _send_error(self, status, message, headers=None):
        self._send(status, {"code": GRPC_CODES.get(status, 2), "message": message, "details": []}, headers=headers)

    # For the hostile faults (faults.answer_hostile).
    def send_body(self, status, body, length=None):
        """Send ``body`` (bytes) as JSON; ``length`` declares another Content-Length (the rest is sent by the caller)."""
        self._send(status, raw=body, length=length)

    def send_error_body(self, status, message):
        """Send a gateway error body with Kentik's ``message``."""
        self._send_error(status, message)

    def markets_body(self):
        """The gateway's ListMarkets answer as bytes."""
        return json.dumps(encode({"markets": self.sim.dataset.markets})).encode("utf-8")

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self, method):
        parts = urlsplit(self.path)
        raw_body = self._read_body()
        if parts.path.startswith("/_sim/"):
            self._control(method, parts.path, raw_body)
            return
        query = parse_qs(parts.query)
        entry = {
            "method": method,
            "path": parts.path,
            "query": query,
            "body": raw_body.decode("utf-8", "replace"),
            "user_agent": self.headers.get("User-Agent", ""),
            # whether the request carried either credential header (a redirect target must never see one)
            "credentials": bool(self.headers.get("X-CH-Auth-Email") or self.headers.get("X-CH-Auth-API-Token")),
            "operation": None,
            "status": None,
            "fault": None,
        }
        self.sim.record(entry)  # logged on arrival; status and fault are filled in below
        self._api(method, parts.path, query, raw_body, entry)

    def _api(self, method, path, query, raw_body, entry):
        operation, params = None, {}
        if path.startswith(PREFIX):
            for route_method, pattern, name in ROUTES:
                match = pattern.match(path[len(PREFIX):])
                if match:
                    if route_method != method:
                        # grpc-gateway's routing error handler: a method the path does not serve is Unimplemented,
                        # which the gateway answers with HTTP 501 (not 405)
                        entry["status"] = 501
                        self._send_error(501, "Method Not Allowed")
                        return
                    operation = name
                    params = {k: unquote(v) for k, v in match.groupdict().items()}
                    break
        entry["operation"] = operation
        if operation is None:
            entry["status"] = 404
            self._send_error(404, "Not Found")
            return
        if self.sim.faults.latency:
            time.sleep(self.sim.faults.latency)
        fault = self.sim.faults.take(operation)
        changed = fault if fault and fault["kind"] in DATA else None  # answered as usual, then changed
        if fault and not changed:
            entry["fault"] = fault["kind"] if fault["kind"] != "status" else "status %d" % fault["status"]
            entry["status"] = self._apply_fault(fault)
            return
        email = self.headers.get("X-CH-Auth-Email")
        token = self.headers.get("X-CH-Auth-API-Token")
        user = self.sim.users.get(email)
        if not email or not token or user is None or user[0] != token:
            entry["status"] = 401
            self._send_error(401, "Unauthorized: invalid or missing X-CH-Auth-Email / X-CH-Auth-API-Token")
            return
        if not user[1]:
            entry["status"] = 403
            self._send_error(403, "Permission denied: user lacks admin.kmi:read")
            return
        verdict, seconds = self.sim.rate_limit.check(email)
        if verdict == "reject":
            entry["status"] = 429
            entry["fault"] = "rate limit"
            self._send_error(429, "Too many requests: rate limit exceeded", headers={"Retry-After": str(int(seconds))})
            return
        if verdict == "delay":
            entry["fault"] = "rate limit delay"
            time.sleep(seconds)
        try:
            body = json.loads(raw_body.decode("utf-8")) if raw_body.strip() else {}
            if not isinstance(body, dict):
                raise ApiError(400, "request body must be a JSON object")
            answer = self.sim.answer(operation, params, query, body)
        except ValueError:
            entry["status"] = 400
            self._send_error(400, "request body is not valid JSON")
            return
        except ApiError as exc:
            entry["status"] = exc.status
            self._send_error(exc.status, exc.message)
            return
        except FieldError as exc:
            entry["status"] = 400
            self._send_error(400, str(exc))
            return
        entry["status"] = 200
        if changed:
            entry["fault"] = changed["kind"]
            answer = (apply_hostile if changed["kind"] == "hostile" else apply_drift)(changed, answer)
        self._send(200, encode(answer))

    def _apply_fault(self, fault):
        kind = fault["kind"]
        if kind in HOSTILE:
            return answer_hostile(self, fault)
        if kind == "status":
            status = fault["status"]
            headers = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") is not None else None
            if fault.get("retry_after_in") is not None:  # an HTTP-date that many seconds after this answer
                headers = {"Retry-After": formatdate(time.time() + float(fault["retry_after_in"]), usegmt=True)}
            if fault.get("html"):
                self._send(status, raw=HTML_PAGE, content_type="text/html", headers=headers)
            else:
                self._send_error(status, fault.get("message", "simulated HTTP %d" % status), headers=headers)
            return status
        if kind == "reset":
            self._abort()
            return None
        if kind == "stall":
            deadline = time.monotonic() + float(fault.get("seconds", 10))
            while time.monotonic() < deadline and not self.sim.stopping.is_set():
                time.sleep(0.05)
            self._abort()
            return None
        if kind == "truncated":
            body = self.markets_body()
            self._send(200, raw=body[: len(body) // 2], length=len(body))
            self._abort(reset=False)
            return 200
        if kind == "html":
            self._send(200, raw=HTML_PAGE, content_type="text/html")
            return 200
        if kind == "empty":
            self._send(200, raw=b"")
            return 200
        self._send(200, raw=b'{"markets": [{"marketId": "planet$earth", ')  # badjson: complete but invalid
        return 200

    def _abort(self, reset=True):
        """Close the connection at once; with ``reset``, as a TCP RST."""
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -------------------------------------------------------------- control
    def _control(self, method, path, raw_body):
        try:
            body = json.loads(raw_body.decode("utf-8")) if raw_body.strip() else {}
        except ValueError:
            self._send(400, {"error": "body is not JSON"})
            return
        if not isinstance(body, dict):
            self._send(400, {"error": "body must be a JSON object"})
            return
        sim = self.sim
        if path == "/_sim/log" and method == "GET":
            log = sim.log()
            # open_connections: other connections being served now (this one is not counted)
            self._send(200, {"count": len(log), "requests": log, "open_connections": self.server.open_connections - 1})
        elif path == "/_sim/reset" and method == "POST":
            sim.reset()
            self._send(200, {"ok": True})
        elif path == "/_sim/faults" and method == "POST":
            try:
                sim.faults.set(body)
            except (FaultPlanError, TypeError, ValueError) as exc:
                self._send(400, {"error": str(exc)})
                return
            self._send(200, {"ok": True, "pending": sim.faults.pending()})
        elif path == "/_sim/rate_limit" and method == "POST":
            try:
                settings = {k: v for k, v in body.items() if k != "enabled"}
                sim.rate_limit.configure(body.get("enabled", True), **settings)
            except ValueError as exc:
                self._send(400, {"error": str(exc)})
                return
            self._send(200, {"ok": True, "settings": sim.rate_limit.settings, "enabled": sim.rate_limit.enabled})
        elif path == "/_sim/health" and method == "GET":
            self._send(200, {"ok": True, "dataset": sim.dataset.source, "markets": len(sim.dataset.markets)})
        else:
            self._send(404, {"error": "unknown control endpoint %s %s" % (method, path)})
