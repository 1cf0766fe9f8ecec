# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two errors: a failed request reads as one line, with the status, Kentik's message and a hint that fits."""

from __future__ import annotations

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiApiError, KmiError, KmiInputError


def test_an_api_failure_names_the_rpc_the_status_kentiks_message_and_a_hint():
    error = KmiApiError("GetRankings", "Forbidden", status=403, code=7, kentik_message="no access to\n  KMI", attempts=1)
    assert str(error) == (
        "KMI GetRankings failed: HTTP 403: Forbidden: Kentik says: no access to KMI "
        "(hint: the user has no Market Intelligence permission; ask your Kentik admin)"
    )
    assert (error.operation, error.status, error.code, error.attempts) == ("GetRankings", 403, 7, 1)


def test_retries_and_network_failures_say_so():
    error = KmiApiError("ListMarkets", "connection reset", attempts=6, hint="check the network")
    assert str(error) == "KMI ListMarkets failed: gave up after 6 attempts: connection reset (hint: check the network)"
    assert error.status is None


@pytest.mark.parametrize(
    "operation, status, hint",
    [
        ("GetASNDetails", 404, "check the market and the AS number"),
        ("ListMarkets", 404, "the API path was not found; check that api_url is the API's base URL alone"),
        ("GetGlobalInsights", 404, "the API path was not found"),
        ("GetRankings", 429, "Kentik's rate limit was hit"),
        ("GetRankings", 503, "the API or a proxy in between is unavailable; try again later"),
        ("GetRankings", 418, None),
    ],
)
def test_the_hint_fits_the_status_and_the_rpc(operation, status, hint):
    text = str(KmiApiError(operation, "error", status=status))
    if hint is None:
        assert "hint" not in text
    else:
        assert "(hint: %s" % hint in text


def test_an_input_error_is_a_value_error_that_names_its_option():
    error = KmiInputError("limit: 0 is not allowed", option="limit")
    assert isinstance(error, ValueError) and isinstance(error, KmiError)
    assert error.option == "limit"
    assert not issubclass(KmiApiError, ValueError)
