# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decision filters (filter/decisions.py): Ansible finds each by its FQCN, they work in templates, and a bad
argument or input is one line that names the filter. What they decide: plugin_utils/test_kmi_decisions.py."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleError, AnsibleFilterError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import filter_loader
from ansible.template import Templar

from ansible_collections.kentik.kmi.plugins.filter.decisions import FilterModule
from ansible_collections.kentik.kmi.tests.unit.plugins.decisions_topology import (
    ME,
    NAMES,
    PROVIDERS,
    RANKING,
    RANKING_RESULT,
    one_line_error,
)

try:
    from ansible.template import trust_as_template  # ansible-core >= 2.19: playbook variables are trusted templates
except ImportError:  # older ansible-core templates every string
    trust_as_template = str

F = FilterModule().filters()


def _raises(name, *args, **kwargs):
    return one_line_error(AnsibleFilterError, F, name, *args, **kwargs)


# --------------------------------------------------------------------------------------- loading


def test_filter_module_exports_the_five_filters():
    assert sorted(F) == sorted(NAMES)
    assert all(callable(F[name]) for name in NAMES)


def test_filter_loader_finds_each_filter_by_its_fqcn(ansible_loads_filters):
    for name in NAMES:
        plugin = filter_loader.get("kentik.kmi." + name)
        assert plugin is not None, name
        assert plugin.j2_function.__name__ == name


def test_filters_in_templates_take_ansible_variables(ansible_loads_filters):
    variables = {"ranking": RANKING_RESULT, "me": ME, "upstreams": {"asn_details": PROVIDERS}, "old": ME,
                 "new": dict(ME, providers=ME["providers"][:1])}
    templar = Templar(loader=DataLoader(), variables=variables)

    def render(text):
        return str(templar.template(trust_as_template(text)))

    assert render("{{ ranking | kentik.kmi.peering_candidates(me, provider_details=upstreams, exclude_providers_customers=true)"
                  " | map(attribute='asn') | join(' ') }}") == "64497 64498 64509"
    assert render("{{ (ranking | kentik.kmi.transit_options(me, limit=1))[0].reason }}") == (
        "rank 2 in Germany, 23.3% of the ranking's total score; upstream overlap not checked: no details for AS64497")
    assert render("{{ me | kentik.kmi.single_homed | map(attribute='asn') | join(' ') }}") == "64506 64508 64505"
    assert render("{{ (me | kentik.kmi.mutual).providers | map(attribute='asn') | join(' ') }}") == "64496"
    assert render("{{ 'lost' if (old | kentik.kmi.kmi_diff(new)).providers_lost else 'same' }}") == "lost"
    assert render("{{ 'lost' if (old | kentik.kmi.kmi_diff(old)).providers_lost else 'same' }}") == "same"


def test_filter_errors_in_templates_name_the_filter(ansible_loads_filters):
    templar = Templar(loader=DataLoader(), variables={"me": ME})
    with pytest.raises(AnsibleError) as info:
        templar.template(trust_as_template("{{ 'not a ranking' | kentik.kmi.peering_candidates(me) }}"))
    assert "kentik.kmi.peering_candidates: rankings must be a ranking" in str(info.value)


# ------------------------------------------------------------------- argument errors name the arguments


def test_peering_candidates_unknown_option_and_missing_argument():
    assert "unexpected keyword argument 'exclude_provider_customers'" in _raises(
        "peering_candidates", RANKING, ME, exclude_provider_customers=True)
    assert "my_details" in _raises("peering_candidates", RANKING)


def test_transit_options_unknown_option():
    assert "unexpected keyword argument 'exclude'" in _raises("transit_options", RANKING, ME, exclude=[64497])


def test_a_decision_error_is_the_filters_one_line_error():
    assert _raises("single_homed", "not details").startswith("kentik.kmi.single_homed: ")


def test_unknown_keyword_names_the_arguments_and_the_close_one():
    message = _raises("peering_candidates", RANKING, ME, max_rnk=5)
    assert message == (
        "kentik.kmi.peering_candidates: got an unexpected keyword argument 'max_rnk'; its arguments are: rankings (the value piped in), "
        "my_details, min_rank, min_score, max_rank, exclude, exclude_providers_customers, provider_details, limit. "
        "Did you mean 'max_rank' for 'max_rnk'?"
    )


def test_argument_to_a_filter_without_arguments():
    message = _raises("single_homed", ME, 3)
    assert message.startswith("kentik.kmi.single_homed: too many positional arguments; ")
    assert message.endswith("it takes no argument but the value piped in (my_details).")
    assert "\n" not in message
