# -*- coding: utf-8 -*-
# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Forge every entry of a jsonfile cache folder as a local user who cannot sign could (forged_cache target).

python forge.py DIR PREFIX rename   every name in the answers becomes FORGED ..., with a plain SHA-256 of the
                                    changed answer in "digest" (what the unsigned format checked)
python forge.py DIR PREFIX future   every entry's time stored moves ten years ahead (and its file's mtime)
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time

TEN_YEARS = 10 * 365 * 86400
PAYLOAD = "__payload__"  # ansible-core 2.19+ keeps each entry as JSON text under this key


def _rename(value):
    if isinstance(value, dict):
        return {key: ("FORGED %s" % item if key == "name" else _rename(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [_rename(item) for item in value]
    return value


def _forge(entry, how):
    if how == "rename":
        entry["value"] = _rename(entry["value"])
        entry["digest"] = hashlib.sha256(json.dumps(entry["value"], sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    else:
        entry["stored"] += TEN_YEARS
    return entry


def main(folder, prefix, how):
    names = [name for name in os.listdir(folder) if name.startswith(prefix)]
    if not names:
        raise SystemExit("no entry in %s" % folder)
    for name in names:
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if PAYLOAD in data:
            data[PAYLOAD] = json.dumps(_forge(json.loads(data[PAYLOAD]), how))
        else:
            data = _forge(data, how)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        if how == "future":
            os.utime(path, (time.time() + TEN_YEARS, time.time() + TEN_YEARS))
    print("%s: %d entries" % (how, len(names)))


if __name__ == "__main__":
    main(*sys.argv[1:])
