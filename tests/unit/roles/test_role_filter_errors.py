# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A kentik.kmi filter that fails inside a role's expression reaches the user as the filter's own message.

On ansible-core 2.19 and later, "plain_list + filter(...)" turned a filter error into "can only concatenate list
(not CapturedExceptionMarker) to list"; these tests render the roles' own expressions, as written in their files,
on every ansible-core of the matrix.
"""

from __future__ import annotations

import os

import pytest
import yaml
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

try:
    from ansible.template import trust_as_template  # ansible-core >= 2.19: role files are trusted templates
except ImportError:  # older ansible-core templates every string
    trust_as_template = str

ROLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles")
ME = {"asn": 64500, "name": "ME", "country_name": "", "customers": [], "providers": [{"asn": 64496, "name": "P", "score": 1}],
      "peers": []}
# A ranking entry the decision filters refuse (the client would refuse it too: these tests bypass it).
BAD_RANKING = [{"asn": -7691730781423667, "name": "X", "rank": 1, "rank_change": 0, "score": 10, "score_change": 0}]


@pytest.fixture()
def templar(ansible_loads_filters):
    """A Templar that finds kentik.kmi.* filters through Ansible's collection loader, as ansible-playbook does."""
    return Templar(loader=DataLoader(), variables={})


def _task_value(path, key):
    """The expression a role task sets ``key`` to (set_fact), as written in the role's file."""
    with open(os.path.join(ROLES, path)) as handle:
        for task in yaml.safe_load(handle):
            value = (task.get("ansible.builtin.set_fact") or {}).get(key)
            if value is not None:
                return value
    raise AssertionError("%s sets no %s" % (path, key))


def _render(templar, expression, variables):
    templar.available_variables = variables
    return templar.template(trust_as_template(expression))


def test_market_report_upstreams_say_the_filter_error(templar):
    expression = _task_value("market_report/tasks/market.yml", "market_report_upstream_asns")
    variables = {"market_report_me": ME, "market_report_candidate_count": 3, "market_report_asn_number": 64500,
                 "market_report_sellers": [64497]}
    ranking = [dict(BAD_RANKING[0], asn=64499), dict(BAD_RANKING[0], asn=64497, rank=2)]
    good = _render(templar, expression, dict(variables, market_report_rankings=ranking))
    # the providers, then the transit options: not the AS itself, nor 64499, which sells no transit (no wholesale rank)
    assert list(good) == [64496, 64497]
    with pytest.raises(AnsibleError) as caught:
        _render(templar, expression, dict(variables, market_report_rankings=BAD_RANKING))
    text = str(caught.value)
    assert "kentik.kmi.transit_options: rankings[0].asn must be an AS number" in text
    assert "concatenate" not in text and "Marker" not in text


def test_drift_check_violations_say_the_filter_error(templar):
    with open(os.path.join(ROLES, "drift_check", "vars", "main.yml")) as handle:
        role_vars = yaml.safe_load(handle)
    variables = {key: trust_as_template(value) if isinstance(value, str) else value for key, value in role_vars.items()}
    variables.update(drift_check_policy={}, drift_check_asn=64500, _drift_check_previous=[{"asn": "not an AS"}],
                     _drift_check_snapshot={"details": ME, "rankings": []}, drift_check_ranking={"rankings": []})
    with pytest.raises(AnsibleError) as caught:
        _render(templar, "{{ _drift_check_violations | join('; ') }}", variables)
    text = str(caught.value)
    assert "kentik.kmi.kmi_diff: " in text
    assert "concatenate" not in text and "Marker" not in text
