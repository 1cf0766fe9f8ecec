# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kentik's OpenAPI v3 spec of KMI v202212 as the simulator's tests read it: its operations by operationId,
strict validators for their bodies, and one request of an operation sent as the spec describes it.

Strict: objects refuse fields the spec does not name, and the integer fields (the generated spec's ``int64``,
the proto's ``uint32``) take a JSON integer only in an answer, as the gateway writes uint32.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import quote

from jsonschema import Draft7Validator

from ansible_collections.kentik.kmi.tests.unit.simulator.sim_http import AUTH

SPEC_FILE = "kmi.v202212.openapiv3.json"
# The spec's integer fields (int64 in the generated spec, uint32 in the proto): the gateway writes a JSON integer,
# and reads a request's as a JSON integer or a decimal string (protojson parses both).
ANSWER_INT = {"type": "integer"}
REQUEST_INT = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}]}
# gRPC status code in the error body, by HTTP status (google.rpc.Code).
GRPC_CODE = {400: 3, 401: 16, 403: 7, 404: 5}


def strict(node, integer):
    """Return a copy of a schema: int64 as ``integer``, closed objects."""
    if isinstance(node, list):
        return [strict(item, integer) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "integer" and node.get("format") == "int64":
        return copy.deepcopy(integer)
    result = {key: strict(value, integer) for key, value in node.items()}
    # protobufAny is the one open object: it says so with its own additionalProperties.
    if result.get("type") == "object" and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


class Spec:
    """The OpenAPI document, its operations by operationId and strict validators."""

    def __init__(self, document):
        self.document = document
        self.operations = {}
        self._validators = {}
        for path, methods in document["paths"].items():
            for method, operation in methods.items():
                self.operations[operation["operationId"]] = dict(operation, path=path, method=method.upper())

    def validator(self, schema, integer):
        root = {"allOf": [strict(schema, integer)], "components": {"schemas": strict(self.document["components"]["schemas"], integer)}}
        Draft7Validator.check_schema(root)
        return Draft7Validator(root)

    def _cached(self, key, content, integer):
        if key not in self._validators:
            self._validators[key] = self.validator(content["application/json"]["schema"], integer)
        return self._validators[key]

    def response_validator(self, operation_id, status):
        return self._cached((operation_id, status), self.operations[operation_id]["responses"][status]["content"], ANSWER_INT)

    def request_validator(self, operation_id):
        return self._cached((operation_id, "request"), self.operations[operation_id]["requestBody"]["content"], REQUEST_INT)

    def query_names(self, operation_id):
        return {p["name"] for p in self.operations[operation_id].get("parameters", []) if p["in"] == "query"}


def path_of(template, **params):
    return re.sub(r"\{(\w+)\}", lambda m: quote(str(params[m.group(1)]), safe=""), template)


def call(spec, http, sim, operation_id, params=None, query=None, body=None, headers=None):
    """Send one request of ``operation_id`` as the spec describes it; return the response."""
    operation = spec.operations[operation_id]
    assert set(query or {}) <= spec.query_names(operation_id)
    if operation["method"] == "POST":
        body = body or {}
        spec.request_validator(operation_id).validate(body)
    return http.request(
        operation["method"],
        sim.url + path_of(operation["path"], **(params or {})),
        params=query,
        json=body,
        headers=AUTH if headers is None else headers,
        timeout=5,
    )
