# Copyright (c) kentik.kmi contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn a galaxy-importer run into a pass or a fail (the last gate of `make lint`).

galaxy-importer exits 0 even when it finds problems: it only logs them (ansible-lint findings
become WARNING lines, a failed import an ERROR line). This script reads its log and its
importer_result.json and fails on:
  - any line of the log that starts with WARNING, ERROR or CRITICAL (also "[WARNING]" and
    "DEPRECATION WARNING", as Ansible prints them); every such line is printed;
  - a log without "Importer processing completed successfully", or no importer_result.json;
  - a module or lookup whose documentation galaxy-importer could not read, a role without
    a README (what Galaxy would show the user).

Usage: python hacking/galaxy_importer_check.py IMPORTER_LOG IMPORTER_RESULT_JSON
"""

import json
import re
import sys

PROBLEM = re.compile(r"^\s*\[?(DEPRECATION WARNING|WARNING|ERROR|CRITICAL)\b", re.IGNORECASE)
DONE = "Importer processing completed successfully"
DOCUMENTED_TYPES = ("module", "lookup")


def log_problems(lines):
    """Return the problem lines of the importer's log, and whether the import completed."""
    problems = [line.rstrip() for line in lines if PROBLEM.match(line)]
    completed = any(DONE in line for line in lines)
    return problems, completed


def result_problems(result):
    """Return what importer_result.json shows missing: docs of modules and lookups, role READMEs."""
    problems = []
    contents = result.get("docs_blob", {}).get("contents", [])
    if not contents:
        problems.append("importer_result.json lists no content")
    for content in contents:
        kind, name = content.get("content_type"), content.get("content_name")
        if kind in DOCUMENTED_TYPES and not content.get("doc_strings"):
            problems.append("%s %s: galaxy-importer found no documentation (ansible-doc failed?)" % (kind, name))
        if kind == "role" and not content.get("readme_html"):
            problems.append("role %s: no README.md (Galaxy shows it on the role's page)" % name)
    if not result.get("docs_blob", {}).get("collection_readme", {}).get("html"):
        problems.append("the collection README was not rendered")
    return problems, len(contents)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: galaxy_importer_check.py IMPORTER_LOG IMPORTER_RESULT_JSON\n")
        return 2
    log_path, result_path = argv[1], argv[2]
    with open(log_path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    problems, completed = log_problems(lines)
    if not completed:
        problems.append('the log has no "%s": the import did not finish. Its end:' % DONE)
        problems.extend("    " + line for line in lines[-20:])
    count = 0
    try:
        with open(result_path, encoding="utf-8") as handle:
            result = json.load(handle)
    except (OSError, ValueError) as exc:
        problems.append("cannot read %s: %s" % (result_path, exc))
    else:
        more, count = result_problems(result)
        problems.extend(more)
    if problems:
        print("galaxy-importer: FAILED, %d problem(s) (full log: %s):" % (len(problems), log_path))
        for problem in problems:
            print("  " + problem)
        return 1
    print("galaxy-importer: clean (%d contents imported, no warning or error)" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
