# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP answer of the API, read as untrusted: bounded in bytes and time, described in words, secrets masked.

Transport (_kmi_transport.py) sends the request; these helpers read and describe what came back.
"""

from __future__ import annotations

import functools
import json
import os
import re
import socket
import threading
import time
from urllib.parse import quote, quote_plus, urlsplit

UNRESOLVED = "the API host name could not be resolved"
REFUSED = "connection refused"
LOOPBACK_REFUSED_HINT = "nothing listens on that port of this host; start the simulator (python -m simulator --port 8700) or correct api_url"
PROXY_HINT = "a proxy or load balancer may have answered instead of Kentik"
REDIRECT_HINT = (
    "set api_url to the API itself (e.g. https://grpc.api.kentik.com); "
    "a proxy, captive portal or moved endpoint answered, and credentials are never sent to another address"
)

# The kentik.kmi simulator names its dataset in this header of every answer; Kentik's API does not send it.
SIMULATOR_HEADER = "X-KMI-Simulator"

# The collection's root, where an installed collection has MANIFEST.json and a source tree galaxy.yml.
_COLLECTION_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir)

_CHUNK = 64 * 1024  # bytes read at a time: what the cap can be passed by before it is noticed
_VERSION = re.compile(r"\A[0-9A-Za-z.+-]{1,64}\Z")  # what a header may carry of a version
_HOST_CHARS = re.compile(r"[^A-Za-z0-9.:\[\]-]")


@functools.lru_cache(maxsize=None)
def user_agent():
    """The User-Agent of every request: kentik.kmi/<version>, the version as MANIFEST.json (an installed collection) or
    galaxy.yml (a source tree) gives it; plain kentik.kmi where neither is there (a module that runs on another host
    gets its module_utils alone)."""
    version = _manifest_version() or _galaxy_version()
    return "kentik.kmi/%s" % version if isinstance(version, str) and _VERSION.match(version) else "kentik.kmi"


def _manifest_version():
    try:
        with open(os.path.join(_COLLECTION_ROOT, "MANIFEST.json"), encoding="utf-8") as handle:
            return json.load(handle)["collection_info"]["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _galaxy_version():
    try:
        import yaml  # pylint: disable=import-outside-toplevel  # on the controller, where a source tree can be
    except ImportError:
        return None
    try:
        with open(os.path.join(_COLLECTION_ROOT, "galaxy.yml"), encoding="utf-8") as handle:
            return yaml.safe_load(handle)["version"]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return None


class AnswerTooLarge(Exception):
    """The answer's body is longer than max_response_bytes."""

    def __init__(self, limit):
        super().__init__("the answer is larger than max_response_bytes (%d bytes) and was dropped; "
                         "raise max_response_bytes if an answer this large is expected" % limit)


class DeadlineExpired(Exception):
    """The whole answer did not arrive within the deadline."""

    def __init__(self, seconds):
        super().__init__("the whole answer did not arrive within timeout (%g s)" % seconds)


def read_body(resp, max_bytes, deadline, seconds):
    """Return the body of a streamed requests response: at most ``max_bytes``, done by ``deadline`` (time.monotonic()).

    A watchdog shuts the socket down at the deadline, so that neither a drip nor an endless body holds the read.
    ``seconds`` names the deadline in the error. Raises AnswerTooLarge, DeadlineExpired or the requests exception of a broken read.
    """
    declared = resp.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        resp.close()
        raise AnswerTooLarge(max_bytes)
    expired = threading.Event()

    def _expire():
        expired.set()
        try:
            _shutdown(resp.raw)
        except Exception:  # pylint: disable=broad-except  # the read is already over, or the socket is gone
            pass

    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _expire)
    watchdog.daemon = True
    watchdog.start()
    body = bytearray()
    try:
        for chunk in resp.iter_content(_CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise AnswerTooLarge(max_bytes)
            if time.monotonic() >= deadline:
                expired.set()
                break
    except AnswerTooLarge:  # never taken for the deadline below, even when the watchdog fired meanwhile
        raise
    except Exception:
        if not expired.is_set():
            raise
    finally:
        watchdog.cancel()
        resp.close()  # after a whole body this hands the connection back for the next request; else it drops it
    if expired.is_set():
        raise DeadlineExpired(seconds)
    return bytes(body)


def _shutdown(raw):
    """End a read that blocks in another thread: urllib3 2.3+ has shutdown(); before it, shut the socket down ourselves."""
    if hasattr(raw, "shutdown"):
        raw.shutdown()
        return
    sock = getattr(getattr(raw, "_connection", None), "sock", None)  # urllib3 < 2.3 keeps the connection there
    if sock is not None:
        sock.shutdown(socket.SHUT_RD)


def simulator_name(headers):
    """The dataset named by the simulator's header, fit for a report (at most 100 plain characters), or None."""
    value = headers.get(SIMULATOR_HEADER)
    if value is None:
        return None
    return re.sub(r"[^A-Za-z0-9._:$/+-]", "?", value.strip())[:100] or "unnamed"


def redirect_host(location):
    """The host a redirect points to, fit for a one-line error (never the full URL: it may carry secrets)."""
    try:
        host = urlsplit((location or "").strip()).hostname
    except ValueError:
        host = None
    if not host:
        return "an address on the same host" if (location or "").strip() else "no address (no Location header)"
    return "host %s" % _HOST_CHARS.sub("?", host)[:100]


def network_reason(exc, requests):
    """Name the network cause of a requests exception in a few words."""
    text = "%s %r" % (exc, exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "read timed out (no answer within the timeout)"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or "IncompleteRead" in text:
        return "the response was cut short (connection closed mid-body)"
    if "Connection refused" in text or "ConnectionRefusedError" in text:
        return REFUSED
    if "reset" in text.lower() or "RemoteDisconnected" in text or "Connection aborted" in text:
        return "connection reset by the server"
    if "Name or service not known" in text or "NameResolutionError" in text or "getaddrinfo" in text:
        return UNRESOLVED
    return "network error (%s)" % type(exc).__name__


def tls_failure(exc):
    """(reason, hint) for a TLS failure of a requests SSLError, in a few words instead of urllib3's text."""
    text = str(exc)
    if re.search(r"WRONG_VERSION_NUMBER|wrong version number|record layer failure|HTTP_REQUEST|packet length too long", text):
        return ("the server answered in plain HTTP, not TLS",
                "api_url says https:// but the server speaks plain http; use http:// for the simulator on loopback, or the server's TLS port")
    found = re.search(r"\[\w+(?:: \w+)?\] ([^(]*?)\s*\(_ssl", text)  # OpenSSL's own words, e.g. "[SSL: X] what (_ssl.c:1)"
    detail = found.group(1) if found else text[-200:]
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return "its TLS certificate could not be verified (%s)" % detail, "check validate_certs / ca_path"
    return "the TLS handshake failed (%s)" % detail, "check validate_certs / ca_path"


def error_body(body, content_type):
    """Return (code, Kentik's message, None) from a gRPC-gateway error body, else (None, None, a short description).

    A body that is not the gateway's (a proxy's HTML page) is described, never passed off as Kentik's message.
    """
    if not body.strip():
        return None, None, None
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict) and ("message" in data or "code" in data):
        message = data.get("message")
        code = data.get("code")
        return (code if isinstance(code, int) and not isinstance(code, bool) else None), (str(message)[:500] if message else None), None
    return None, None, describe_body(body, content_type)


def decode_answer(status, body, content_type):
    """(the JSON object, None, None) of a 2xx answer's body; else (None, what is wrong with it, a hint or None)."""
    if not body.strip():
        return None, "HTTP %d with an empty body" % status, None
    try:
        data = json.loads(body.decode("utf-8"))
    except RecursionError:
        return None, "it is nested too deeply", None
    except ValueError:
        return None, "HTTP %d with malformed JSON (%s)" % (status, describe_body(body, content_type)), PROXY_HINT
    if isinstance(data, dict):
        return data, None, None
    return None, "a JSON %s, not an object" % type(data).__name__, None


def describe_body(body, content_type):
    """A body that is not the gateway's JSON, in a few words: its type and its HTML title, or its size."""
    kind = (content_type or "unknown type").split(";")[0].strip()[:60]
    title = re.search(rb"<title>(.*?)</title>", body[:65536], re.IGNORECASE | re.DOTALL)
    if title:
        return "non-JSON %s body titled %r" % (kind, title.group(1).decode("utf-8", "replace").strip()[:120])
    return "non-JSON %s body of %d bytes" % (kind, len(body))


def secret_pattern(secrets):
    """A regex that finds each secret in any letter case, as it is and percent-encoded (None without secrets)."""
    forms = set()
    for secret in secrets:
        if secret:
            forms.update((secret, quote(secret, safe=""), quote_plus(secret)))
    if not forms:
        return None
    return re.compile("|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)), re.IGNORECASE)
