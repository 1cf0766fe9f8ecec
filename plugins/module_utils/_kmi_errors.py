# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two errors kentik.kmi raises: bad input (before any request) and API failure."""

from __future__ import annotations

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_options import env_names

# Hints shown after an API failure, by HTTP status.
_HINTS = {
    400: "check the options sent; the API rejected the request",
    401: "check %s (api_email / api_token)" % " / ".join(env_names("api_email") + env_names("api_token")),
    403: "the user has no Market Intelligence permission; ask your Kentik admin",
    404: "check the market and the AS number; list markets with kentik.kmi.kmi_markets_info",
    429: "Kentik's rate limit was hit; lower the request rate or raise max_retry_wait",
    500: "the API failed on its side; try again later, and tell Kentik support if it lasts",
    502: "the API or a proxy in between is unavailable; try again later, or raise retries / max_retry_wait",
    503: "the API or a proxy in between is unavailable; try again later, or raise retries / max_retry_wait",
    504: "the API or a proxy in between is unavailable; try again later, or raise retries / max_retry_wait",
}

RATE_LIMIT_HINT = _HINTS[429]

# A 404 on a request that names no market and no AS: the path itself is wrong.
_PATH_HINT = "the API path was not found; check that api_url is the API's base URL alone, e.g. https://grpc.api.kentik.com"
_OPERATION_HINTS = {("ListMarkets", 404): _PATH_HINT, ("GetGlobalInsights", 404): _PATH_HINT}

# Hint after a network failure that retries did not cure (refused, reset, timed out, cut short).
NETWORK_HINT = "check that api_url / region is reachable from where the task runs (proxy, firewall); " \
    "timeout, retries and max_retry_wait set how long to keep trying"


# Hint after an answer with a value KMI does not send (an AS number out of range, a bad market id).
BAD_VALUE_HINT = "nothing of this answer was used or kept; a proxy, or a change of the API, may have sent it"


class KmiError(Exception):
    """Base of every kentik.kmi error; str() is one line fit to show a user."""


class KmiInputError(KmiError, ValueError):
    """A value given by the user is not allowed. Raised before any request."""

    def __init__(self, message, option=None):
        super().__init__(message)
        self.option = option


class KmiApiError(KmiError):
    """A KMI request failed.

    Attributes: operation (e.g. 'GetRankings'), status (HTTP status or None for
    network failures), code and kentik_message (from Kentik's error body when it
    has one), reason (what went wrong, in words), attempts (requests sent).
    """

    def __init__(self, operation, reason, status=None, code=None, kentik_message=None, attempts=1, hint=None):
        self.operation = operation
        self.reason = reason
        self.status = status
        self.code = code
        self.kentik_message = kentik_message
        self.attempts = attempts
        self.hint = hint if hint is not None else _OPERATION_HINTS.get((operation, status), _HINTS.get(status))
        super().__init__(self._text())

    def _text(self):
        parts = ["KMI %s failed" % self.operation]
        if self.attempts > 1:
            parts.append("gave up after %d attempts" % self.attempts)
        if self.status is not None:
            parts.append("HTTP %d" % self.status)
        parts.append(self.reason)
        if self.kentik_message:
            parts.append("Kentik says: %s" % self.kentik_message)
        text = ": ".join(parts)
        if self.hint:
            text += " (hint: %s)" % self.hint
        return " ".join(text.split())
