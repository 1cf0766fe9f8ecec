# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API's base URL from api_url or region: what is accepted, and what is refused before any request."""

from __future__ import annotations

import pytest

from ansible_collections.kentik.kmi.plugins.module_utils._kmi_errors import KmiInputError
from ansible_collections.kentik.kmi.plugins.module_utils._kmi_inputs import base_url_for


def test_base_urls():
    assert base_url_for("us") == base_url_for() == "https://grpc.api.kentik.com"
    assert base_url_for("EU") == "https://grpc.api.kentik.eu"
    assert base_url_for(api_url="http://localhost:8700/") == "http://localhost:8700"
    assert base_url_for(api_url="http://[::1]:8700") == "http://[::1]:8700"
    assert base_url_for(api_url="http://127.0.0.2:1") == "http://127.0.0.2:1"
    assert base_url_for(api_url="http://kmi.internal:80", allow_insecure_http=True) == "http://kmi.internal:80"
    assert base_url_for(api_url="https://proxy.example/kentik/") == "https://proxy.example/kentik"


@pytest.mark.parametrize(
    "url, what",
    [
        ("https://user:s3cr3t-pw@grpc.api.kentik.com", "a user name or password"),
        ("https://s3cr3t-pw@grpc.api.kentik.com", "a user name or password"),
        ("http://me:s3cr3t-pw@127.0.0.1:8700/", "a user name or password"),
        ("https://grpc.api.kentik.com/?key=s3cr3t-pw", "a query"),
        ("https://grpc.api.kentik.com?", "a query"),
        ("https://grpc.api.kentik.com/#s3cr3t-pw", "a fragment"),
    ],
)
def test_userinfo_query_and_fragment_are_refused_without_echo(url, what):
    with pytest.raises(KmiInputError) as info:
        base_url_for(api_url=url)
    text = str(info.value)
    assert info.value.option == "api_url"
    assert text.startswith("api_url: must not contain %s" % what)
    assert "s3cr3t" not in text and "user" not in text.split("contain", 1)[1].split(";")[1]


def test_a_bad_api_url_sends_nothing(sim, make_client):
    for url in ("http://u:p@%s" % sim.url[7:], sim.url + "/?x=1", sim.url + "#f"):
        with pytest.raises(KmiInputError):
            make_client(api_url=url).list_markets()
    assert sim.log() == []


@pytest.mark.parametrize(
    "url, base",
    [
        ("https://grpc.api.kentik.com/kmi/v202212", "https://grpc.api.kentik.com"),
        ("https://grpc.api.kentik.com/kmi/v202212/", "https://grpc.api.kentik.com"),
        ("http://127.0.0.1:8700/KMI/V202212", "http://127.0.0.1:8700"),
        ("https://proxy.example/kentik/kmi/v202212", "https://proxy.example/kentik"),
    ],
)
def test_the_api_path_in_api_url_is_refused_with_the_base_url_to_give(sim, make_client, url, base):
    with pytest.raises(KmiInputError) as info:
        base_url_for(api_url=url)
    assert str(info.value) == (
        "api_url: %r ends in the API's path /kmi/v202212, which kentik.kmi adds itself; give the base URL alone, e.g. %s." % (url, base)
    )
    with pytest.raises(KmiInputError):
        make_client(api_url=sim.url + "/kmi/v202212").list_markets()
    assert sim.log() == []
