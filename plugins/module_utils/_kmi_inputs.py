# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks and canonical forms for every value a user passes to KMI.

Each function takes the user's value and the option name it came from, and
returns the form the API expects or raises KmiInputError naming the option and
the allowed values. All of them run before any request is sent.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiInputError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_options import REGION_URLS, default

ASN_MIN = 1
ASN_MAX = 4294967295

IP_FAMILIES = ("v4", "v6")

# The six rank types of the spec, spelled as the API spells them.
RANK_TYPES = (
    "customer_base",
    "customer_base_retail",
    "customer_base_wholesome",
    "customer_base_backbone",
    "customer_growth",
    "peering_base",
)
# "wholesome" is the API's spelling of wholesale; accept the English word too.
_RANK_TYPE_ALIASES = {"wholesale": "customer_base_wholesome"}

RELATIONSHIPS = ("all", "customers", "providers", "peers")
_RELATIONSHIP_ALIASES = {"customer": "customers", "provider": "providers", "peer": "peers"}

FILTER_VALUES = ("all", "only", "exclude")

LOOKBACK_DAYS = (1, 7, 30)
MAGNITUDE_MIN = 1
MAGNITUDE_MAX = 5

INSIGHT_TYPES = (
    "market_entrance",
    "market_exit",
    "ranking_gain",
    "ranking_loss",
    "start_prefix_origination",
    "stop_prefix_origination",
    "increase_prefix_origination",
    "decrease_prefix_origination",
    "customer_gain",
    "customer_loss",
    "customer_routing_gain",
    "customer_routing_loss",
    "provider_gain",
    "provider_loss",
    "provider_routing_gain",
    "provider_routing_loss",
)

# KMI ranks a few thousand networks per market at most; a larger limit is a typo.
LIMIT_MAX = 10000


def did_you_mean(value, choices):
    """Return " Did you mean 'x'?" for the choices close to ``value`` (any case), or ""."""
    by_lower = {str(c).lower(): str(c) for c in choices}
    close = difflib.get_close_matches(str(value).strip().lower(), list(by_lower), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean %s?" % " or ".join("'%s'" % by_lower[c] for c in close)


def _choice(value, option, choices, aliases=None):
    """Return the canonical spelling of ``value`` among ``choices`` (case-insensitive)."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in choices:
            return key
        if aliases and key in aliases:
            return aliases[key]
    allowed = ", ".join(choices)
    raise KmiInputError(
        "%s: %r is not allowed; use one of: %s.%s" % (option, value, allowed, did_you_mean(value, list(choices) + list(aliases or ()))),
        option=option,
    )


def normalize_asn(value, option="asn"):
    """Return an AS number as int from 15169, '15169', 'AS15169' or 'as15169'."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text[:2].lower() == "as":
            text = text[2:]
        if text.isdigit() and text.isascii():
            number = int(text)
    if number is None or not ASN_MIN <= number <= ASN_MAX:
        raise KmiInputError(
            "%s: %r is not an AS number; use an integer from %d to %d, written as 15169, 'AS15169' or 'as15169'."
            % (option, value, ASN_MIN, ASN_MAX),
            option=option,
        )
    return number


def normalize_asn_list(value, option="asn"):
    """Return a list of AS numbers from one ASN or a list of them, keeping order."""
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise KmiInputError("%s: the list is empty; give at least one AS number." % option, option=option)
    return [normalize_asn(item, option) for item in items]


def normalize_ip(value, option="ip"):
    """Return 'v4' or 'v6'."""
    return _choice(value, option, IP_FAMILIES)


def normalize_rank_type(value, option="rank_type"):
    """Return one of the spec's six rank types; 'wholesale' means 'customer_base_wholesome'."""
    return _choice(value, option, RANK_TYPES, _RANK_TYPE_ALIASES)


def normalize_relationship(value, option="relationship"):
    """Return 'all', 'customers', 'providers' or 'peers' (singular forms accepted)."""
    return _choice(value, option, RELATIONSHIPS, _RELATIONSHIP_ALIASES)


def normalize_filter(value, option):
    """Return 'all', 'only' or 'exclude' for the mutual/single-homed filters."""
    return _choice(value, option, FILTER_VALUES)


def _integer(value, option):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def normalize_limit(value, option="limit"):
    """Return a limit from 1 to LIMIT_MAX."""
    number = _integer(value, option)
    if number is None or not 1 <= number <= LIMIT_MAX:
        raise KmiInputError(
            "%s: %r is not allowed; use an integer from 1 to %d." % (option, value, LIMIT_MAX), option=option
        )
    return number


# The numeric connection options: (lowest, highest, integer only). 0 turns pacing off.
CONNECTION_RANGES = {
    "timeout": (0.1, 3600, False),
    "connect_timeout": (0.1, 3600, False),
    "retries": (0, 20, True),
    "retry_backoff": (0, 300, False),
    "max_retry_wait": (0, 86400, False),
    "requests_per_minute": (0, 100000, True),
    "requests_per_hour": (0, 10000000, True),
    "max_response_bytes": (1024, 2**31 - 1, True),
}


def normalize_connection_number(value, option):
    """Return a numeric connection option (a timeout, the retry budget, the pacing) within its range."""
    low, high, integer = CONNECTION_RANGES[option]
    number = _integer(value, option) if integer else None
    if not integer and not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
    if number is None or math.isnan(number) or not low <= number <= high:
        kind = "an integer" if integer else "a number of seconds"
        raise KmiInputError("%s: %r is not allowed; use %s from %s to %s." % (option, value, kind, low, high), option=option)
    return number


WORKERS_MAX = 16


def normalize_workers(value, option="workers"):
    """Return how many requests may run in parallel (1 to WORKERS_MAX)."""
    number = _integer(value, option)
    if number is None or not 1 <= number <= WORKERS_MAX:
        raise KmiInputError("%s: %r is not allowed; use an integer from 1 to %d." % (option, value, WORKERS_MAX), option=option)
    return number


def normalize_lookback(value, option="lookback"):
    """Return 1, 7 or 30 (days)."""
    number = _integer(value, option)
    if number not in LOOKBACK_DAYS:
        raise KmiInputError(
            "%s: %r is not allowed; use one of: 1, 7, 30 (days)." % (option, value), option=option
        )
    return number


def normalize_magnitude(value, option="magnitude"):
    """Return a minimum magnitude from 1 to 5."""
    number = _integer(value, option)
    if number is None or not MAGNITUDE_MIN <= number <= MAGNITUDE_MAX:
        raise KmiInputError(
            "%s: %r is not allowed; use an integer from %d to %d." % (option, value, MAGNITUDE_MIN, MAGNITUDE_MAX),
            option=option,
        )
    return number


def normalize_insight_types(value, option="types"):
    """Return a list of insight type names (empty: all types)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise KmiInputError("%s: %r is not a list of insight types." % (option, value), option=option)
    return [_choice(item, option, INSIGHT_TYPES) for item in items]


def details_query(relationship, ip, mutual_provider, mutual_customer, singlehomed_customer):
    """Check GetASNDetails' options; return (relationship path segment, request body)."""
    relationship = normalize_relationship(relationship)
    body = {
        "ip": normalize_ip(ip),
        "mutualProvider": normalize_filter(mutual_provider, "mutual_provider"),
        "mutualCustomer": normalize_filter(mutual_customer, "mutual_customer"),
        "singlehomedCustomer": normalize_filter(singlehomed_customer, "singlehomed_customer"),
    }
    return relationship, body


def normalize_market_text(value, option="market"):
    """Return the stripped market text (id, name or country code) before it is resolved."""
    if not isinstance(value, str) or not value.strip():
        raise KmiInputError(
            "%s: %r is not a market; give a market id (e.g. 'planet$earth'), a market name "
            "(e.g. 'Germany') or an ISO country code (e.g. 'DE')." % (option, value),
            option=option,
        )
    return value.strip()


API_PREFIX = "/kmi/v202212"  # the path of every RPC starts with it, after the base URL


def is_loopback(host):
    """Whether ``host`` (a name or an address) is this host's loopback."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url_for(region=None, api_url=None, allow_insecure_http=False):
    """Return the API base URL from ``api_url`` or ``region``; reject unsafe URLs."""
    if api_url:
        parts = urlsplit(api_url.strip())
        # Checked first, and never echoed: a user name or password in the URL is a secret, and a query or a
        # fragment would silently break every path appended to it.
        refused = (
            ("@" in parts.netloc, "a user name or password (user:pw@)"),
            ("?" in api_url, "a query (?...)"),
            ("#" in api_url, "a fragment (#...)"),
        )
        for present, what in refused:
            if present:
                raise KmiInputError(
                    "api_url: must not contain %s; give the API's base URL alone, e.g. https://grpc.api.kentik.com, "
                    "and the credentials in api_email / api_token." % what,
                    option="api_url",
                )
        try:
            if parts.port == 0:  # urlsplit accepts port 0, which no server listens on
                raise ValueError("port 0")
        except ValueError:
            raise KmiInputError("api_url: %r does not have a valid port (1 to 65535)." % api_url, option="api_url") from None
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise KmiInputError(
                "api_url: %r is not an http(s) URL; use e.g. https://grpc.api.kentik.com." % api_url, option="api_url"
            )
        if parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_insecure_http:
            raise KmiInputError(
                "api_url: plain http:// is only allowed for loopback addresses (127.0.0.0/8, ::1, localhost); "
                "use https://, or set allow_insecure_http=true to send the token unencrypted.",
                option="api_url",
            )
        if parts.path.rstrip("/").lower().endswith(API_PREFIX):
            raise KmiInputError(
                "api_url: %r ends in the API's path %s, which kentik.kmi adds itself; give the base URL alone, e.g. %s."
                % (api_url, API_PREFIX, urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/")[: -len(API_PREFIX)], "", ""))),
                option="api_url",
            )
        return api_url.strip().rstrip("/")
    region = (region or default("region")).strip().lower()
    if region not in REGION_URLS:
        raise KmiInputError("region: %r is not allowed; use one of: %s." % (region, ", ".join(REGION_URLS)), option="region")
    return REGION_URLS[region]
