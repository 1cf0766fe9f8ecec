# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark baseline, not part of the collection: kentik.kmi.kmi_rankings with its run cache
taken out, so that every host that templates it sends its own requests, as lookups without a
shared cache (netbox.netbox.nb_lookup, for one) do."""

from __future__ import annotations

DOCUMENTATION = r"""
name: kmi_rankings_nocache
short_description: kentik.kmi.kmi_rankings without its run cache (benchmark baseline)
description:
  - The same code as P(kentik.kmi.kmi_rankings#lookup) except that nothing is cached, so each host that templates
    it sends its own requests. Used only by the kentik.kmi benchmarks as the no-cache baseline.
author:
  - kentik.kmi contributors (@kentik-kmi)
options:
  _terms:
    description: Markets, each as its id, name or ISO 3166 country code.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - kentik.kmi.connection
  - kentik.kmi.connection.plugins
  - kentik.kmi.call_options.ip
  - kentik.kmi.call_options.rankings
  - kentik.kmi.cache
  - kentik.kmi.cache.plugins
  - kentik.kmi.lookup
"""

RETURN = r"""
_raw:
  description: One ranking per market term, as P(kentik.kmi.kmi_rankings#lookup) returns it.
  type: list
  elements: dict
"""

import os

from ansible import constants as C

from ansible_collections.kentik.kmi.plugins.lookup.kmi_rankings import LookupModule as CachedRankings
from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_run_cache import RunCache


class LookupModule(CachedRankings):
    def _run_cache(self):
        """A run cache of this worker process alone (Ansible forks one per host): no host sees another's answers."""
        return RunCache(os.path.join(C.DEFAULT_LOCAL_TMP, "kmi_nocache_%d" % os.getpid()))
