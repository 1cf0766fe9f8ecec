# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scale generator's ``zipf`` knob (and the dataset spec generated:SEED:ASES:ZIPF): the default
is the calibrated Internet, unchanged; a larger exponent concentrates customers on the largest
transit networks, enough for one AS of 40,000 to have 10,000 direct customers (big_answers target)."""

from __future__ import annotations

import pytest

from simulator.dataset import Dataset, DatasetError
from simulator.generator import ZIPF, generate


def _customer_counts(topology):
    return sorted((len(members) for members in topology.customers().values()), reverse=True)


def _shape(topology):
    return (
        sorted(topology.names.items()),
        sorted((asn, sorted(providers)) for asn, providers in topology.providers.items()),
        sorted((asn, sorted(peers)) for asn, peers in topology.peers.items()),
    )


def test_default_exponent_is_the_calibrated_one():
    assert _shape(generate(seed=3, ases=1500)) == _shape(generate(seed=3, ases=1500, zipf=ZIPF))


def test_larger_exponent_concentrates_customers_deterministically():
    steep = generate(seed=3, ases=3000, zipf=3.0)
    assert _shape(steep) == _shape(generate(seed=3, ases=3000, zipf=3.0))
    assert _shape(steep) != _shape(generate(seed=3, ases=3000))
    assert _customer_counts(steep)[0] > 1.5 * _customer_counts(generate(seed=3, ases=3000))[0]
    # Same ASes, same number of transit networks: only who buys from whom changes.
    assert sorted(steep.asns()) == sorted(generate(seed=3, ases=3000).asns())


def test_exponent_must_be_positive():
    for bad in (0, -1.3, float("nan")):
        with pytest.raises(ValueError):
            generate(seed=1, ases=1000, zipf=bad)


def test_ten_thousand_direct_customers_at_40000_ases():
    """What the big_answers integration target relies on (about 2 s)."""
    assert _customer_counts(generate(seed=1, ases=40000, zipf=3.0))[0] >= 10000


def test_dataset_spec_takes_the_exponent():
    dataset = Dataset.load("generated:2:800:3")
    assert dataset.source == "generated:2:800:3"
    assert Dataset.load("generated:2:800").source == "generated:2:800"
    with pytest.raises(DatasetError):
        Dataset.load("generated:2:800:3:4")
    with pytest.raises(ValueError):
        Dataset.load("generated:2:800:steep")
