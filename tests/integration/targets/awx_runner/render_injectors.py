# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render docs/awx/credential_type.yml's injectors into an ansible-runner private data dir, as AWX does.

Usage: python render_injectors.py CREDENTIAL_TYPE_YML PRIVATE_DATA_DIR JOB_VARS_JSON

The credential's inputs come from the environment (KTAPI_AUTH_EMAIL, KTAPI_AUTH_TOKEN, KTAPI_URL), never
from the command line. Like AWX, the injector templates are rendered with a Jinja2
ImmutableSandboxedEnvironment over the inputs that are set. Writes (mode 0600):
  env/envvars    the `env` injectors, plus ANSIBLE_COLLECTIONS_PATH (the collection under test)
  env/extravars  the `extra_vars` injectors, plus JOB_VARS_JSON (what a job template's extra variables would add)
"""

from __future__ import annotations

import json
import os
import sys

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

EXPECTED_ENV = {"KTAPI_AUTH_EMAIL", "KTAPI_AUTH_TOKEN", "KTAPI_URL"}
EXPECTED_EXTRA_VARS = {"kmi_api_email", "kmi_api_token", "kmi_api_url"}


def render(injectors, inputs):
    """Return the rendered (env, extra_vars) of ``injectors``: only non-empty inputs are defined, as in AWX."""
    sandbox = ImmutableSandboxedEnvironment()
    namespace = {name: value for name, value in inputs.items() if value}
    env = {name: sandbox.from_string(tmpl).render(**namespace) for name, tmpl in injectors.get("env", {}).items()}
    extra_vars = {name: sandbox.from_string(tmpl).render(**namespace) for name, tmpl in injectors.get("extra_vars", {}).items()}
    return env, extra_vars


def check_definition(definition):
    """The shape the collection's docs promise; a change here must be a deliberate one."""
    fields = {field["id"]: field for field in definition["inputs"]["fields"]}
    problems = []
    if set(fields) != {"email", "token", "url"}:
        problems.append("fields are %s, not email, token, url" % sorted(fields))
    if fields.get("token", {}).get("secret") is not True:
        problems.append("the token field is not secret: true")
    if sorted(definition["inputs"].get("required", [])) != ["email", "token"]:
        problems.append("required is not [email, token]")
    if set(definition["injectors"].get("env", {})) != EXPECTED_ENV:
        problems.append("env injectors are not %s" % sorted(EXPECTED_ENV))
    if set(definition["injectors"].get("extra_vars", {})) != EXPECTED_EXTRA_VARS:
        problems.append("extra_vars injectors are not %s" % sorted(EXPECTED_EXTRA_VARS))
    # An empty optional URL must render as '' (the collection then uses the region's API), not fail.
    env, extra_vars = render(definition["injectors"], {"email": "e", "token": "t", "url": ""})
    if env.get("KTAPI_URL") != "" or extra_vars.get("kmi_api_url") != "":
        problems.append("an empty url does not render as ''")
    if problems:
        sys.exit("render_injectors: docs/awx/credential_type.yml: " + "; ".join(problems))


def write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        yaml.safe_dump(data, handle, default_flow_style=False)


def main():
    definition_path, private_data_dir, job_vars = sys.argv[1:4]
    with open(definition_path, encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    check_definition(definition)

    inputs = {
        "email": os.environ.get("KTAPI_AUTH_EMAIL", ""),
        "token": os.environ.get("KTAPI_AUTH_TOKEN", ""),
        "url": os.environ.get("KTAPI_URL", ""),
    }
    env, extra_vars = render(definition["injectors"], inputs)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.environ["ANSIBLE_COLLECTIONS_PATH"]
    extra_vars.update(json.loads(job_vars))

    os.makedirs(os.path.join(private_data_dir, "env"), exist_ok=True)
    write_private(os.path.join(private_data_dir, "env", "envvars"), env)
    write_private(os.path.join(private_data_dir, "env", "extravars"), extra_vars)
    print("rendered env %s and extra vars %s" % (sorted(env), sorted(extra_vars)))


if __name__ == "__main__":
    main()
