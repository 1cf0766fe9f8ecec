# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client of the Kentik Market Intelligence (KMI) v202212 REST API.

Modules (on the target) and lookups (on the controller) both call KmiClient:
it checks inputs, sends the request (auth, timeouts, pacing, retries), turns
failures into KmiApiError and answers into snake_case, typed dicts.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from importlib.util import find_spec
from urllib.parse import quote, urlsplit

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_http as http
from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_inputs as inputs
from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_options as options
from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_response as response
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_account import account_id, cache_secret
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_countries import COUNTRY_NAMES
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import (
    BAD_VALUE_HINT,
    NETWORK_HINT,
    RATE_LIMIT_HINT,
    KmiApiError,
    KmiInputError,
)
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_pacing import BudgetPaused, FileLedger, ProcessBudget

# requests is imported when the first request is sent (_requests()), not here: a lookup answered from the cache
# never pays for it, and every host's fork would (about 70 ms a host).
HAS_REQUESTS = find_spec("requests") is not None
REQUESTS_IMPORT_ERROR = None if HAS_REQUESTS else "ImportError: No module named 'requests'"


def _requests():
    """The requests module (imported on first use)."""
    return import_module("requests")


# Where a decoded answer keeps the simulator's dataset name: no API field can be named so (proto JSON names have no '/').
_SIMULATOR_FIELD = "kentik.kmi/simulator"

TLS_OFF_WARNING = (
    "validate_certs is false: the KMI API's TLS certificate is not checked, so whoever sits between this host and the API "
    "can read the Kentik token and change the answers. Use ca_path for a private or proxy CA instead."
)

RETRY_STATUSES = frozenset((429, 502, 503, 504))

# Characters left as they are in a path segment (RFC 3986 pchar without '/').
_PATH_SAFE = "-._~!$&'()*+,;=:@"


def _segment(value):
    return quote(str(value), safe=_PATH_SAFE)


def client_from_options(get, **controller):
    """A KmiClient from the connection options; ``get(name)`` reads one option. ``controller``: see KmiClient."""
    return KmiClient(**{name: get(name) for name in options.CONNECTION_OPTIONS}, **controller)


class KmiClient:
    """Client of the five KMI RPCs. Thread-safe; one per play or module run.

    Connection values left as None come from the option's environment variables
    and then from its default (_kmi_options.OPTIONS). ``warn`` receives
    one-line warnings (e.g. that retries happened); without it they are kept in
    ``self.warnings``. ``warn_once(key, text)``, when given, receives the
    warnings to say once per run (TLS_OFF_WARNING). ``cache`` (on the controller, see plugin_utils/_kmi_cache.py)
    answers repeated requests: ``cache.fetch(key, send, secret)`` returns the decoded
    answer for ``key``, calling ``send()`` only when it has none it can trust.

    Requests are paced by requests_per_minute and requests_per_hour. With
    ``ledger_folder`` (on the controller) the budget is the account's ledger
    file in that folder, shared by every process that uses the folder; without
    it, this client's own (_kmi_pacing.py). ``log(text)`` hears each retry, and a
    wait for the budget that goes past max_retry_wait.

    ``simulator`` is None until an answer (fresh or from a cache) comes from the
    kentik.kmi simulator; then the name of its dataset, so that output made from
    it can say that the data is simulated.
    """

    def __init__(
        self,
        api_email=None,
        api_token=None,
        region=None,
        api_url=None,
        validate_certs=None,
        ca_path=None,
        timeout=None,
        connect_timeout=None,
        retries=None,
        retry_backoff=None,
        max_retry_wait=None,
        requests_per_minute=None,
        requests_per_hour=None,
        allow_insecure_http=None,
        max_response_bytes=None,
        warn=None,
        warn_once=None,
        cache=None,
        ledger_folder=None,
        log=None,
    ):
        if not HAS_REQUESTS:
            raise KmiInputError("the Python library 'requests' is required on this host: pip install requests")
        api_email = api_email if api_email is not None else options.env_value("api_email")
        api_token = api_token if api_token is not None else options.env_value("api_token")
        api_url = api_url if api_url is not None else options.env_value("api_url")
        region = region if region is not None else options.env_value("region")
        if not api_email or not api_token:
            missing = [name for name, value in (("api_email", api_email), ("api_token", api_token)) if not value]
            raise KmiInputError(
                "%s: missing; set the option(s) or the environment variables %s."
                % (" and ".join(missing), " and ".join(options.env_names("api_email") + options.env_names("api_token"))),
                option=missing[0],
            )

        def pick(name, value):
            value = options.default(name) if value is None else value
            return inputs.normalize_connection_number(value, name) if name in inputs.CONNECTION_RANGES else value

        self._secret_pattern = http.secret_pattern((str(api_token), str(api_email)))
        self._account = account_id(api_email, api_token)
        self._cache_secret = cache_secret(api_token)
        self._cache = cache
        self.base_url = inputs.base_url_for(pick("region", region), api_url, pick("allow_insecure_http", allow_insecure_http))
        self._loopback = inputs.is_loopback(urlsplit(self.base_url).hostname)
        self.timeout = (float(pick("connect_timeout", connect_timeout)), float(pick("timeout", timeout)))
        self.max_response_bytes = int(pick("max_response_bytes", max_response_bytes))
        self.retries = int(pick("retries", retries))
        self.retry_backoff = float(pick("retry_backoff", retry_backoff))
        self.max_retry_wait = float(pick("max_retry_wait", max_retry_wait))
        limits = ((pick("requests_per_minute", requests_per_minute), 60.0), (pick("requests_per_hour", requests_per_hour), 3600.0))
        if ledger_folder:
            # One ledger per account: this API and this user (Kentik's limits are per user), named by a digest.
            account = hashlib.sha256(("kentik.kmi ledger\n%s\n%s" % (self.base_url, api_email)).encode("utf-8")).hexdigest()
            path = os.path.join(ledger_folder, "ledger-%s.json" % account[:32])
            self._budget = FileLedger(path, limits, max_wait=self.max_retry_wait, say=log)
        else:
            self._budget = ProcessBudget(limits, max_wait=self.max_retry_wait, say=log)
        self._count_lock = threading.Lock()
        self._markets_lock = threading.Lock()
        self._markets = None
        self.warnings = []
        self._warn = warn or self.warnings.append
        self._log = log or (lambda text: None)
        self.request_count = 0
        self.simulator = None

        self._headers = {
            "User-Agent": http.user_agent(),
            "Accept": "application/json",
            "X-CH-Auth-Email": str(api_email),
            "X-CH-Auth-API-Token": str(api_token),
        }
        self._verify = ca_path if ca_path else bool(pick("validate_certs", validate_certs))
        if self._verify is False and self.base_url.startswith("https:"):
            (warn_once or (lambda _key, text: self._warn(text)))("validate_certs", TLS_OFF_WARNING)
        self._session = None  # made by _http_session() when the first request is sent
        self._session_lock = threading.Lock()

    # ------------------------------------------------------------------ RPCs

    def list_markets(self):
        """ListMarkets: return [{market_id, name}]."""
        return self._call("ListMarkets", response.LIST_MARKETS, "GET", "/markets")["markets"]

    def resolve_market(self, market):
        """Return {market_id, name} for a market id, name (any case) or ISO country code."""
        text = inputs.normalize_market_text(market)
        markets = self._market_list()
        lowered = text.lower()
        for key in ("market_id", "name"):
            for entry in markets:
                if entry[key] == text or entry[key].lower() == lowered:
                    return {"market_id": entry["market_id"], "name": entry["name"]}
        country_names = [n.lower() for n in COUNTRY_NAMES.get(text.upper(), ())] if len(text) == 2 else []
        for entry in markets:
            if entry["name"].lower() in country_names:
                return {"market_id": entry["market_id"], "name": entry["name"]}
        hint = inputs.did_you_mean(text, [m["name"] for m in markets] + [m["market_id"] for m in markets])
        raise KmiInputError(
            "market: %r is not a KMI market (by id, name or ISO country code); %d markets exist, "
            "list them with kentik.kmi.kmi_markets_info.%s" % (text, len(markets), hint),
            option="market",
        )

    def get_rankings(self, market, rank_type="customer_base", ip="v4", limit=600):
        """GetRankings: return {market, rankings: [...], invalid_count}."""
        return self.get_rankings_many([market], rank_type, ip, limit)[0]

    def get_rankings_many(self, markets, rank_type="customer_base", ip="v4", limit=600):
        """GetRankings for several markets, in order. Every input, each market too, is checked before the first GetRankings."""
        rank_type = inputs.normalize_rank_type(rank_type)
        ip = inputs.normalize_ip(ip)
        limit = inputs.normalize_limit(limit)
        results = []
        for resolved in [self.resolve_market(market) for market in markets]:
            path = "/market/%s/rankings/%s/ip/%s" % (_segment(resolved["market_id"]), _segment(rank_type), ip)
            result = self._call("GetRankings", response.GET_RANKINGS, "POST", path, body={"limit": limit})
            result["market"] = resolved
            results.append(result)
        return results

    def get_asn_details(
        self,
        market,
        asn,
        relationship="all",
        ip="v4",
        mutual_provider="all",
        mutual_customer="all",
        singlehomed_customer="all",
    ):
        """GetASNDetails: return {asn, name, country_name, customers, providers, peers}."""
        asn = inputs.normalize_asn(asn)
        relationship, body = inputs.details_query(relationship, ip, mutual_provider, mutual_customer, singlehomed_customer)
        market_id = self.resolve_market(market)["market_id"]
        return self._asn_details(market_id, asn, relationship, body)

    def get_asn_details_many(
        self,
        market,
        asns,
        workers=4,
        relationship="all",
        ip="v4",
        mutual_provider="all",
        mutual_customer="all",
        singlehomed_customer="all",
    ):
        """GetASNDetails for several ASNs at once (``workers`` in parallel, paced); results in request order.

        Every input is checked before the first request.
        """
        numbers = inputs.normalize_asn_list(asns)
        workers = inputs.normalize_workers(workers)
        relationship, body = inputs.details_query(relationship, ip, mutual_provider, mutual_customer, singlehomed_customer)
        market_id = self.resolve_market(market)["market_id"]
        with ThreadPoolExecutor(max_workers=min(workers, len(numbers))) as pool:
            return list(pool.map(lambda asn: self._asn_details(market_id, asn, relationship, body), numbers))

    def _asn_details(self, market_id, asn, relationship, body):
        """Send one checked GetASNDetails request."""
        path = "/market/%s/network/%d/%s" % (_segment(market_id), asn, relationship)
        details = self._call("GetASNDetails", response.GET_ASN_DETAILS, "POST", path, body=body)["asn_details"]
        if not details["asn"]:
            details["asn"] = asn
        return details

    def get_insights(self, asn=None, market=None, ip="v4", lookback=1, types=None, magnitude=1, limit=100):
        """GetGlobalInsights (asn None) or GetASNInsights: return [insight]."""
        asn = None if asn is None else inputs.normalize_asn(asn)
        params = {
            "ip": inputs.normalize_ip(ip),
            "lookback": inputs.normalize_lookback(lookback),
            "magnitude": inputs.normalize_magnitude(magnitude),
            "limit": inputs.normalize_limit(limit),
        }
        kinds = inputs.normalize_insight_types(types)
        if kinds:
            params["types"] = kinds
        if market is not None:
            params["marketId"] = self.resolve_market(market)["market_id"]
        if asn is None:
            operation, path = "GetGlobalInsights", "/insights"
        else:
            operation, path = "GetASNInsights", "/insights/%d" % asn
        return self._call(operation, response.GET_INSIGHTS, "GET", path, params=params)["insights"]

    # -------------------------------------------------------------- plumbing

    def _market_list(self):
        with self._markets_lock:
            if self._markets is None:
                self._markets = self.list_markets()
            return self._markets

    def _typed(self, operation, data, fields):
        """The decoded answer ``data``, typed and checked after ``fields`` (_kmi_response.py); a KmiApiError if it is not."""
        hint = None
        try:
            return response.normalize(data, fields)
        except response.ResponseValueError as exc:
            problem, hint = "a value out of bounds: %s" % exc, BAD_VALUE_HINT
        except response.ResponseShapeError as exc:
            problem = "not the spec's shape: %s" % exc
        except RecursionError:
            problem = "it is nested too deeply"
        raise self._api_error(operation, "the answer of %s is not valid KMI JSON: %s" % (operation, problem), hint=hint) from None

    def _redact(self, text):
        """``text`` with the token and the email masked: in any letter case, and percent-encoded."""
        return self._secret_pattern.sub("********", text) if self._secret_pattern else text

    def _api_error(self, operation, reason, **kwargs):
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
            raise self._api_error(
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

    def _call(self, operation, fields, method, path, params=None, body=None):
        """Run one RPC, through the cache when the client has one; return its answer typed and checked after ``fields``.

        An answer is checked before the cache keeps it, so a refused answer is never cached.
        """
        if self._cache is None:
            data = self._send(operation, method, path, params, body)
            self._note_simulator(data)
            return self._typed(operation, data, fields)
        fresh = []

        def send():
            data = self._send(operation, method, path, params, body)
            fresh.append(self._typed(operation, data, fields))  # raises before the cache stores a refused answer
            return data

        data = self._cache.fetch(self.cache_key(method, path, params, body), send, self._cache_secret)
        self._note_simulator(data)
        return fresh[0] if fresh else self._typed(operation, data, fields)

    def _note_simulator(self, data):
        name = data.get(_SIMULATOR_FIELD)
        if isinstance(name, str):
            self.simulator = name

    def cache_key(self, method, path, params=None, body=None):
        """A digest that names one request of this account at this API; no secret is in it."""
        request = {"account": self._account, "url": self.base_url + inputs.API_PREFIX + path, "method": method, "params": params, "body": body}
        return hashlib.sha256(json.dumps(request, sort_keys=True).encode("utf-8")).hexdigest()

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

    def _send(self, operation, method, path, params, body):
        """Send one RPC with pacing and retries; return the decoded JSON object."""
        requests = _requests()
        session = self._http_session()
        url = self.base_url + inputs.API_PREFIX + path
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
                raise self._api_error(operation, str(exc), attempts=attempt) from None
            except http.DeadlineExpired as exc:  # retried like a read timeout
                reason = str(exc)
            except requests.exceptions.SSLError as exc:
                reason, hint = http.tls_failure(exc)
                raise self._api_error(operation, "TLS error talking to %s: %s" % (self.base_url, reason), attempts=attempt, hint=hint) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                reason = http.network_reason(exc, requests)
                if reason == http.UNRESOLVED:  # a wrong host name stays wrong: fail at once
                    raise self._api_error(operation, "%s (%s)" % (reason, self.base_url), attempts=attempt, hint="check api_url / region") from None
                if reason == http.REFUSED and self._loopback:  # nothing listens on this host: waiting would not help
                    raise self._api_error(operation, "%s (%s)" % (reason, self.base_url), attempts=attempt, hint=http.LOOPBACK_REFUSED_HINT) from None
            except requests.exceptions.RequestException as exc:
                raise self._api_error(operation, "request error: %s" % exc, attempts=attempt) from None
            else:
                status = resp.status_code
                if 300 <= status < 400:
                    raise self._api_error(
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
                    raise self._api_error(
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
                raise self._api_error(operation, detail, **kwargs)
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
            raise self._api_error(operation, "the answer of %s is not valid KMI JSON: %s" % (operation, problem), attempts=attempt, hint=hint)
        simulator = http.simulator_name(resp.headers)
        if simulator:
            data[_SIMULATOR_FIELD] = simulator  # kept with the answer in the caches; _typed drops it
        return data
