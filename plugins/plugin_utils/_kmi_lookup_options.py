# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookups' option definitions, learnt once a run instead of once a host.

To know a lookup's options, Ansible's plugin loader parses its DOCUMENTATION and the doc fragments it extends
(YAML) when it loads the lookup, unless its config manager has the definitions already. Each host's fork loads
the lookup anew, and for a lookup answered from the run cache that parse was most of the fork's work. So the first
fork of a run that runs a lookup keeps the definitions Ansible made (``keep``) in the run cache's folder, and every
later fork hands them to the config manager when it imports the lookups' base (``reuse``), before the loader looks:
the same definitions, from the same Ansible and the same plugin files, without the parse. A fork that finds none,
or an unreadable one, leaves the loader to parse the documentation as usual.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os

from ansible import constants as C

from ansible_collections.kentik.kmi.plugins.plugin_utils._kmi_run_cache import RunCache, run_cache_dir

_PLUGIN_TYPE = "lookup"


def _folder():
    return os.path.join(run_cache_dir(), "lookup_options")


def _file_key(plugin):
    return hashlib.sha256(plugin.encode("utf-8")).hexdigest()


def reuse():
    """Give Ansible's config manager the definitions that earlier forks of this run kept, for each lookup it lacks."""
    folder = _folder()
    try:
        names = os.listdir(folder)
    except OSError:  # none kept yet in this run
        return
    for name in names:
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                kept = json.load(handle)
            plugin, options = kept["plugin"], kept["options"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(plugin, str) and isinstance(options, dict) and not C.config.has_configuration_definition(_PLUGIN_TYPE, plugin):
            C.config.initialize_plugin_configuration_definitions(_PLUGIN_TYPE, plugin, options)


def keep(plugin):
    """Keep the definitions of lookup ``plugin`` (its load name) for the later forks of this run, once."""
    key = _file_key(plugin)
    if os.path.exists(os.path.join(_folder(), key + ".json")):
        return
    options = C.config.get_configuration_definitions(_PLUGIN_TYPE, plugin)
    try:
        json.dumps(options)
    except (TypeError, ValueError):  # not plain data: let each fork parse the documentation
        return
    with contextlib.suppress(OSError):  # the folder cannot be written: each fork parses the documentation, as without this
        RunCache(_folder()).set(key, {"plugin": plugin, "options": options})
