# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cache options of every kentik.kmi lookup and module, as module_utils/_kmi_options.OPTIONS defines them (a unit test holds
the two together; code: plugin_utils/_kmi_cache.py)."""

from __future__ import annotations


class ModuleDocFragment:
    # The options themselves, shared by modules and lookups.
    DOCUMENTATION = r"""
options:
  cache:
    description:
      - Keep answers across runs in an Ansible cache plugin (O(cache_plugin)) for O(cache_timeout) seconds.
      - Within one run, answers are always shared by all hosts and forks, whatever this option says.
      - A module uses these cache options only when it runs in the controller's process (see the C(action) attribute of
        the modules); a module that runs on another host, or with C(become), C(async) or a task C(environment),
        asks the API and warns that it did not use the cache.
      - When not set, the E(KENTIK_KMI_CACHE) environment variable is used.
    type: bool
    default: false
  cache_plugin:
    description:
      - The Ansible cache plugin that keeps answers across runs, for example V(ansible.builtin.jsonfile) on one machine
        or V(community.general.redis) for all jobs of an AWX cluster.
      - When not set, the E(KENTIK_KMI_CACHE_PLUGIN) environment variable is used.
    type: str
    default: ansible.builtin.jsonfile
  cache_timeout:
    description:
      - Seconds an answer is kept by the persistent cache. V(0) keeps it until the cache is flushed.
      - KMI recomputes its data once a day.
      - When not set, the E(KENTIK_KMI_CACHE_TIMEOUT) environment variable is used.
    type: int
    default: 3600
  cache_connection:
    description:
      - Where the cache plugin keeps answers, in the plugin's own format. For V(ansible.builtin.jsonfile) a folder,
        C(~/.ansible/kentik_kmi_cache) when not set; for V(community.general.redis) C(host:port:db).
      - When not set, the E(KENTIK_KMI_CACHE_CONNECTION) environment variable is used.
    type: str
  cache_prefix:
    description:
      - Prefix of the cache plugin's keys (file names, Redis keys).
      - When not set, the E(KENTIK_KMI_CACHE_PREFIX) environment variable is used.
    type: str
    default: kentik_kmi_
notes:
  - Within one run, each distinct KMI request is sent once, however many hosts and forks ask for it (lookups, and modules
    that run in the controller's process); the forks share the answers through files in Ansible's per-run temporary
    folder, which Ansible removes when the run ends.
  - Cache keys and entries never hold the API token or email in clear. Entries are signed (HMAC-SHA256) with a key derived
    from the API token; an entry that is corrupt, signed with another token, changed, stored in the future, or (jsonfile)
    in a file or folder that other users can write or own, is not used and is fetched again (C(-v) says why).
  - P(ansible.builtin.jsonfile#cache) entries are private files (0600) in a folder created private (0700); an existing folder open
    to other users gets a warning.
"""

    # Where lookups, and modules that run in the controller's process, also read the cache options from (env, vars, ini).
    PLUGINS = r"""
options:
  cache:
    env:
      - name: KENTIK_KMI_CACHE
    vars:
      - name: kmi_cache
    ini:
      - section: kentik_kmi
        key: cache
  cache_plugin:
    env:
      - name: KENTIK_KMI_CACHE_PLUGIN
    vars:
      - name: kmi_cache_plugin
    ini:
      - section: kentik_kmi
        key: cache_plugin
  cache_timeout:
    env:
      - name: KENTIK_KMI_CACHE_TIMEOUT
    vars:
      - name: kmi_cache_timeout
    ini:
      - section: kentik_kmi
        key: cache_timeout
  cache_connection:
    env:
      - name: KENTIK_KMI_CACHE_CONNECTION
    vars:
      - name: kmi_cache_connection
    ini:
      - section: kentik_kmi
        key: cache_connection
  cache_prefix:
    env:
      - name: KENTIK_KMI_CACHE_PREFIX
    vars:
      - name: kmi_cache_prefix
    ini:
      - section: kentik_kmi
        key: cache_prefix
"""
