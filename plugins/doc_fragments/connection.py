# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of every kentik.kmi module and lookup, as module_utils/_kmi_options.OPTIONS defines them (a unit test
holds the two together)."""

from __future__ import annotations


class ModuleDocFragment:
    # The options themselves, shared by modules and lookups.
    DOCUMENTATION = r"""
options:
  api_email:
    description:
      - Email of the Kentik user, sent as C(X-CH-Auth-Email).
      - When not set, the E(KTAPI_AUTH_EMAIL) environment variable is used.
    type: str
    aliases: [email]
  api_token:
    description:
      - API token of the Kentik user, sent as C(X-CH-Auth-API-Token). It never appears in output.
      - When not set, the E(KTAPI_AUTH_TOKEN) environment variable is used.
    type: str
    aliases: [token]
  region:
    description:
      - Kentik region whose API is called when O(api_url) is not set.
      - V(us) is U(https://grpc.api.kentik.com), V(eu) is U(https://grpc.api.kentik.eu).
      - When not set, the E(KTAPI_REGION) environment variable is used.
    type: str
    choices: [us, eu]
    default: us
  api_url:
    description:
      - Base URL of the API, for example the KMI simulator C(http://127.0.0.1:8700).
      - Overrides O(region). When not set, the E(KTAPI_URL) environment variable is used.
      - Plain C(http://) is accepted only for loopback addresses unless O(allow_insecure_http=true).
    type: str
  allow_insecure_http:
    description:
      - Allow a plain C(http://) O(api_url) that is not a loopback address. The token then travels unencrypted.
    type: bool
    default: false
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle file (or directory) to verify the API's certificate with, for example a TLS-inspecting proxy's CA.
    type: path
  timeout:
    description:
      - Seconds one request may take, from sending it to the last byte of its answer. An answer that is not whole by
        then is dropped and the request is retried like a read timeout, also when the server keeps sending slowly.
    type: float
    default: 30
  connect_timeout:
    description:
      - Seconds to wait for the connection to the API.
    type: float
    default: 10
  retries:
    description:
      - How many times a request is retried after HTTP 429, 502, 503, 504, a refused or reset connection or a timeout.
        Each retry is shown at C(-v) when the task runs on the controller.
      - HTTP 400, 401, 403 and 404, TLS errors, an API host name that does not resolve and a connection refused on
        loopback (nothing listens on that port of this host) are never retried.
    type: int
    default: 5
  retry_backoff:
    description:
      - Base of the jittered exponential backoff between retries, in seconds. A C(Retry-After) header wins.
    type: float
    default: 1
  max_retry_wait:
    description:
      - Cap on the total seconds spent waiting between retries of one request.
      - On the controller, a request that would wait longer than this for a 429 that another request of the account got
        (its C(Retry-After)) fails at once without being sent. A wait for O(requests_per_minute) or O(requests_per_hour)
        that passes it goes on, and says so at C(-v).
    type: float
    default: 120
  requests_per_minute:
    description:
      - Pacing. At most this many requests in any minute (Kentik answers 429 past 60). V(0) turns pacing off.
      - On the controller (lookups, and modules that run in the controller's process) the budget is the account's (API
        URL and user), so every fork and task of a run shares it, and so do the runs that share a jsonfile cache folder.
        A module that runs on another host paces only itself.
    type: int
    default: 60
  requests_per_hour:
    description:
      - Pacing. At most this many requests in any hour (Kentik answers 429 past 3750), kept as O(requests_per_minute) is.
        V(0) turns pacing off.
    type: int
    default: 3750
  max_response_bytes:
    description:
      - The most bytes of one answer that are read. A longer answer fails at once, is not retried and is not kept.
      - The default, 64 MiB, is about a hundred times the largest answer KMI gives (a network with thousands of customers).
      - Answers are also never followed to another address, whatever the API says; a redirect fails.
    type: int
    default: 67108864
requirements:
  - requests >= 2.25.0
"""

    # Where lookups also read the connection options from (env, vars, ini); modules take them as options.
    PLUGINS = r"""
options:
  api_email:
    env:
      - name: KTAPI_AUTH_EMAIL
    vars:
      - name: kmi_api_email
    ini:
      - section: kentik_kmi
        key: api_email
  api_token:
    env:
      - name: KTAPI_AUTH_TOKEN
    vars:
      - name: kmi_api_token
  region:
    env:
      - name: KTAPI_REGION
    vars:
      - name: kmi_region
    ini:
      - section: kentik_kmi
        key: region
  api_url:
    env:
      - name: KTAPI_URL
    vars:
      - name: kmi_api_url
    ini:
      - section: kentik_kmi
        key: api_url
  allow_insecure_http:
    vars:
      - name: kmi_allow_insecure_http
    ini:
      - section: kentik_kmi
        key: allow_insecure_http
  validate_certs:
    vars:
      - name: kmi_validate_certs
    ini:
      - section: kentik_kmi
        key: validate_certs
  ca_path:
    vars:
      - name: kmi_ca_path
    ini:
      - section: kentik_kmi
        key: ca_path
  timeout:
    vars:
      - name: kmi_timeout
    ini:
      - section: kentik_kmi
        key: timeout
  connect_timeout:
    vars:
      - name: kmi_connect_timeout
    ini:
      - section: kentik_kmi
        key: connect_timeout
  retries:
    vars:
      - name: kmi_retries
    ini:
      - section: kentik_kmi
        key: retries
  retry_backoff:
    vars:
      - name: kmi_retry_backoff
    ini:
      - section: kentik_kmi
        key: retry_backoff
  max_retry_wait:
    vars:
      - name: kmi_max_retry_wait
    ini:
      - section: kentik_kmi
        key: max_retry_wait
  requests_per_minute:
    vars:
      - name: kmi_requests_per_minute
    ini:
      - section: kentik_kmi
        key: requests_per_minute
  requests_per_hour:
    vars:
      - name: kmi_requests_per_hour
    ini:
      - section: kentik_kmi
        key: requests_per_hour
  max_response_bytes:
    vars:
      - name: kmi_max_response_bytes
    ini:
      - section: kentik_kmi
        key: max_response_bytes
"""
