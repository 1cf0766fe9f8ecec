# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One KMI request over HTTP: the session (auth headers, TLS), a place in the account's request budget, retries with
their backoff, and every failure as one KmiApiError line with the token and the email masked.

KmiClient (_kmi_client.py) decides what to ask and sends it with Transport.send(); _kmi_pacing.py keeps the budget;
_kmi_http.py reads and describes each answer.
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
from importlib import import_module
from importlib.util import find_spec
from urllib.parse import urlsplit

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_http as http
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import NETWORK_HINT, RATE_LIMIT_HINT, KmiApiError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs import API_PREFIX, is_loopback
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_pacing import BudgetPaused, FileLedger, ProcessBudget

# requests is imported when the first request is sent (_requests()), not here: a lookup answered from the cache
# never pays for it, and every host's fork would (about 70 ms a host).
HAS_REQUESTS = find_spec("requests") is not None
REQUESTS_IMPORT_ERROR = None if HAS_REQUESTS else "ImportError: No module named 'requests'"

# Where a decoded answer keeps the simulator's dataset name: no API field can be named so (proto JSON names have no '/').
SIMULATOR_FIELD = "kentik.kmi/simulator"

RETRY_STATUSES = frozenset((429, 502, 503, 504))


def _requests():
    """The requests module (imported on first use)."""
    return import_module("requests")


class Transport:
    """Sends the requests of one account (``api_email``, ``api_token``) to the API at ``base_url``. Thread-safe.

    ``verify`` is requests' (a CA path, or whether to check the certificate); ``timeout`` is (connect, whole answer);
    ``limits`` are the budget's ((requests, seconds), ...). With ``ledger_folder`` (on the controller) the budget is
    the account's ledger file there, shared by every process that uses the folder; without it, this transport's own.
    ``warn(text)`` hears that a request succeeded after retries; ``log(text)`` hears each retry, and a wait for the
    budget that goes past max_retry_wait.
    """

    def __init__(self, base_url, api_email, api_token, verify, timeout, retries, retry_backoff, max_retry_wait, limits,
                 max_response_bytes, ledger_folder=None, warn=None, log=None):
        self.base_url = base_url
        self._loopback = is_loopback(urlsplit(base_url).hostname)
        self._secret_pattern = http.secret_pattern((str(api_token), str(api_email)))
        self.timeout = timeout
        self.retries = retries
        self.retry_backoff = retry_backoff
        self.max_retry_wait = max_retry_wait
        self.max_response_bytes = max_response_bytes
        if ledger_folder:
            # One ledger per account: this API and this user (Kentik's limits are per user), named by a digest.
            account = hashlib.sha256(("kentik.kmi ledger\n%s\n%s" % (base_url, api_email)).encode("utf-8")).hexdigest()
            path = os.path.join(ledger_folder, "ledger-%s.json" % account[:32])
            self._budget = FileLedger(path, limits, max_wait=max_retry_wait, say=log)
        else:
            self._budget = ProcessBudget(limits, max_wait=max_retry_wait, say=log)
        self._count_lock = threading.Lock()
        self.request_count = 0
        self._warn = warn or (lambda text: None)
        self._log = log or (lambda text: None)
        self._headers = {
            "User-Agent": http.user_agent(),
            "Accept": "application/json",
            "X-CH-Auth-Email": str(api_email),
            "X-CH-Auth-API-Token": str(api_token),
        }
        self._verify = verify
        self._session = None  # made by _http_session() when the first request is sent
        self._session_lock = threading.Lock()

    def _redact(self, text):
        """``text`` with the token and the email masked: in any letter case, and percent-encoded."""
        return self._secret_pattern.sub("********", text) if self._secret_pattern else text

    def error(self, operation, reason, **kwargs):
        """A KmiApiError for ``operation``, the token and the email masked in all its text: for the caller to raise."""
        exc = KmiApiError(operation, reason, **kwargs)
        exc.args = (self._redact(str(exc)),)
        exc.reason = self._redact(exc.reason)
        if exc.kentik_message:
            exc.kentik_message = self._redact(exc.kentik_message)
        return exc

    def _pace(self, operation, attempt):
        """Wait for a place in the request budget; return its slot."""
        try:
            slot = self._budget.take()
        except BudgetPaused as exc:
            raise self.error(
                operation,
                "not sent: Kentik answered 429 to another request of this account and asked it to wait %.1f s more, "
                "which would pass max_retry_wait %g s" % (exc.seconds, self.max_retry_wait),
                attempts=attempt - 1,
                hint=RATE_LIMIT_HINT,
            ) from None
        with self._count_lock:
            self.request_count += 1
        return slot

    def _backoff(self, attempt):
        ceiling = self.retry_backoff * (2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _retry_after(self, resp):
        value = resp.headers.get("Retry-After")
        if not value:
            return None
        try:
            return max(0.0, float(import_module("urllib3.util.retry").Retry(0).parse_retry_after(value)))
        except Exception:  # an unparsable header falls back to our own backoff
            return None

    def _http_session(self):
        """The requests session (auth headers, TLS verification), made on first use."""
        with self._session_lock:
            if self._session is None:
                session = _requests().Session()
                session.headers.update(self._headers)
                session.verify = self._verify
                if self._verify is False:  # said once, in our words (TLS_OFF_WARNING), not by urllib3 on every request
                    urllib3 = import_module("urllib3")
                    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
                self._session = session
            return self._session

    def _exchange(self, session, method, url, params, body):
        """Send one request and read its answer; return (response, body bytes). Redirects are never followed."""
        deadline = time.monotonic() + self.timeout[1]
        # verify= explicitly: else REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE would override ca_path and validate_certs=false
        resp = session.request(
            method, url, params=params, json=body, timeout=self.timeout, verify=self._verify, allow_redirects=False, stream=True
        )
        if 300 <= resp.status_code < 400:
            resp.close()  # its body is not read: nothing from the redirect is used
            return resp, b""
        return resp, http.read_body(resp, self.max_response_bytes, deadline, self.timeout[1])

    def send(self, operation, method, path, params=None, body=None):
        """Send one RPC with pacing and retries; return the decoded JSON object (KmiApiError when it fails)."""
        requests = _requests()
        session = self._http_session()
        url = self.base_url + API_PREFIX + path
        attempt = 0
        waited = 0.0
        failures = []
        while True:
            attempt += 1
            slot = self._pace(operation, attempt)
            status, retry_after = None, None
            try:
                try:
                    resp, content = self._exchange(session, method, url, params, body)
                finally:
                    self._budget.release(slot)
            except http.AnswerTooLarge as exc:
                raise self.error(operation, str(exc), attempts=attempt) from None
            except http.DeadlineExpired as exc:  # retried like a read timeout
                reason = str(exc)
            except requests.exceptions.SSLError as exc:
                reason, hint = http.tls_failure(exc)
                raise self.error(operation, "TLS error talking to %s: %s" % (self.base_url, reason), attempts=attempt, hint=hint) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                reason = http.network_reason(exc, requests)
                if reason == http.UNRESOLVED:  # a wrong host name stays wrong: fail at once
                    raise self.error(operation, "%s (%s)" % (reason, self.base_url), attempts=attempt, hint="check api_url / region") from None
                if reason == http.REFUSED and self._loopback:  # nothing listens on this host: waiting would not help
                    raise self.error(operation, "%s (%s)" % (reason, self.base_url), attempts=attempt, hint=http.LOOPBACK_REFUSED_HINT) from None
            except requests.exceptions.RequestException as exc:
                raise self.error(operation, "request error: %s" % exc, attempts=attempt) from None
            else:
                status = resp.status_code
                if 300 <= status < 400:
                    raise self.error(
                        operation,
                        "%s: a redirect to %s, which is not followed" % (resp.reason or "Redirect", http.redirect_host(resp.headers.get("Location"))),
                        status=status,
                        attempts=attempt,
                        hint=http.REDIRECT_HINT,
                    )
                if status < 400:
                    return self._decode(operation, resp, content, attempt, failures, waited)
                code, message, other_body = http.error_body(content, resp.headers.get("Content-Type"))
                status_reason = (resp.reason or "error") + (" (%s)" % other_body if other_body else "")
                body_hint = http.PROXY_HINT if other_body else None
                if status not in RETRY_STATUSES:
                    raise self.error(
                        operation, status_reason, status=status, code=code, kentik_message=message, attempts=attempt, hint=body_hint
                    )
                reason = "HTTP %d" % status
                retry_after = self._retry_after(resp)
            failures.append(reason)
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            if status == 429:  # every request of the account waits it out, not only this one
                self._budget.pause(delay)
            if attempt > self.retries or waited + delay > self.max_retry_wait:
                detail = "%s (%s)" % (failures[-1], self.base_url) if status is None else status_reason
                if attempt <= self.retries:
                    so_far = "waited %.1f s; " % waited if waited else ""
                    detail += " (%sthe next wait of %.1f s would pass max_retry_wait %g s)" % (so_far, delay, self.max_retry_wait)
                kwargs = {"status": status, "attempts": attempt}
                if status is not None:
                    kwargs["code"], kwargs["kentik_message"], kwargs["hint"] = code, message, body_hint
                else:
                    kwargs["hint"] = NETWORK_HINT
                raise self.error(operation, detail, **kwargs)
            self._log("KMI %s: attempt %d of %d failed (%s); the next in %.1f s" % (operation, attempt, self.retries + 1, failures[-1], delay))
            time.sleep(delay)
            waited += delay

    def _decode(self, operation, resp, content, attempt, failures, waited):
        """The decoded JSON object of a 2xx answer, with the simulator's dataset when it sent it; anything else fails in one line."""
        if failures:
            self._warn(
                "KMI %s succeeded after %d retries (%s); waited %.1f s in all."
                % (operation, len(failures), ", ".join(failures), waited)
            )
        data, problem, hint = http.decode_answer(resp.status_code, content, resp.headers.get("Content-Type"))
        if data is None:
            raise self.error(operation, "the answer of %s is not valid KMI JSON: %s" % (operation, problem), attempts=attempt, hint=hint)
        simulator = http.simulator_name(resp.headers)
        if simulator:
            data[SIMULATOR_FIELD] = simulator  # kept with the answer in the caches; the client's _typed drops it
        return data
