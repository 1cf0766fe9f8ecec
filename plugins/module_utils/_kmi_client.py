# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one client of the Kentik Market Intelligence (KMI) v202212 REST API: its five RPCs.

Modules (on the target) and lookups (on the controller) both call KmiClient: it checks inputs (_kmi_inputs.py),
asks the cache, else sends the request through its Transport (_kmi_transport.py: auth, timeouts, pacing, retries),
and turns answers into snake_case, typed dicts (_kmi_response.py). Every failure is a KmiApiError or a KmiInputError.
"""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_inputs as inputs
from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_options as options
from ansible_collections.kentik.kmi.plugins.module_utils import _kmi_response as response
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_account import account_id, cache_secret
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_countries import COUNTRY_NAMES
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import BAD_VALUE_HINT, KmiInputError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_transport import HAS_REQUESTS, SIMULATOR_FIELD, Transport

TLS_OFF_WARNING = (
    "validate_certs is false: the KMI API's TLS certificate is not checked, so whoever sits between this host and the API "
    "can read the Kentik token and change the answers. Use ca_path for a private or proxy CA instead."
)

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

        self._account = account_id(api_email, api_token)
        self._cache_secret = cache_secret(api_token)
        self._cache = cache
        self.base_url = inputs.base_url_for(pick("region", region), api_url, pick("allow_insecure_http", allow_insecure_http))
        self._markets_lock = threading.Lock()
        self._markets = None
        self.warnings = []
        self._warn = warn or self.warnings.append
        self.simulator = None
        verify = ca_path if ca_path else bool(pick("validate_certs", validate_certs))
        if verify is False and self.base_url.startswith("https:"):
            (warn_once or (lambda _key, text: self._warn(text)))("validate_certs", TLS_OFF_WARNING)
        self._transport = Transport(
            self.base_url,
            api_email,
            api_token,
            verify=verify,
            timeout=(float(pick("connect_timeout", connect_timeout)), float(pick("timeout", timeout))),
            retries=int(pick("retries", retries)),
            retry_backoff=float(pick("retry_backoff", retry_backoff)),
            max_retry_wait=float(pick("max_retry_wait", max_retry_wait)),
            limits=((pick("requests_per_minute", requests_per_minute), 60.0), (pick("requests_per_hour", requests_per_hour), 3600.0)),
            max_response_bytes=int(pick("max_response_bytes", max_response_bytes)),
            ledger_folder=ledger_folder,
            warn=self._warn,
            log=log,
        )

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
        raise self._transport.error(operation, "the answer of %s is not valid KMI JSON: %s" % (operation, problem), hint=hint) from None

    def _call(self, operation, fields, method, path, params=None, body=None):
        """Run one RPC, through the cache when the client has one; return its answer typed and checked after ``fields``.

        An answer is checked before the cache keeps it, so a refused answer is never cached.
        """
        if self._cache is None:
            data = self._transport.send(operation, method, path, params, body)
            self._note_simulator(data)
            return self._typed(operation, data, fields)
        fresh = []

        def send():
            data = self._transport.send(operation, method, path, params, body)
            fresh.append(self._typed(operation, data, fields))  # raises before the cache stores a refused answer
            return data

        data = self._cache.fetch(self.cache_key(method, path, params, body), send, self._cache_secret)
        self._note_simulator(data)
        return fresh[0] if fresh else self._typed(operation, data, fields)

    def _note_simulator(self, data):
        name = data.get(SIMULATOR_FIELD)
        if isinstance(name, str):
            self.simulator = name

    def cache_key(self, method, path, params=None, body=None):
        """A digest that names one request of this account at this API; no secret is in it."""
        request = {"account": self._account, "url": self.base_url + inputs.API_PREFIX + path, "method": method, "params": params, "body": body}
        return hashlib.sha256(json.dumps(request, sort_keys=True).encode("utf-8")).hexdigest()
