# shellcheck shell=bash
# `make lint`: the linters as gates, run in the synced copy (BUILD/ansible_collections/kentik/kmi).
# Every gate runs, then the script fails if any of them found anything:
#   1. ansible-lint, production profile, offline (.ansible-lint, .ansible-lint-ignore);
#   2. antsibull-docs lint-collection-docs --plugin-docs: plugin and role docs as docs.ansible.com renders them;
#   3. antsibull-changelog lint; galaxy.yml's version is a release in changelogs/changelog.yaml and
#      CHANGELOG.rst is what `antsibull-changelog generate` makes of it (not edited by hand);
#   4. ansible-galaxy collection build, then galaxy-importer on the tarball (no ansible-test, no container),
#      judged by hacking/galaxy_importer_check.py (galaxy-importer itself always exits 0).
# Called by the Makefile from the repository root as: bash hacking/lint.sh LINT_BIN BUILD
set -euo pipefail

LINT_BIN=$(cd "$1" && pwd)
BUILD=$(cd "$2" && pwd)
SRC=$PWD
COLL=$BUILD/ansible_collections/kentik/kmi
OUT=$BUILD/lint
export PATH=$LINT_BIN:$PATH
export ANSIBLE_COLLECTIONS_PATH=$BUILD
export NO_COLOR=1
rm -rf "$OUT" "$COLL/.ansible"
mkdir -p "$OUT"
failed=()

# Runs a gate: prints its header, fails it on a non-zero exit or, when the gate is quiet on success, on any output.
gate() {
    local name=$1 quiet=$2 start rc=0
    shift 2
    start=$SECONDS
    echo "== lint: $name"
    (cd "$COLL" && "$@") >"$OUT/$name.log" 2>&1 || rc=$?
    cat "$OUT/$name.log"
    if [ "$rc" -ne 0 ] || { [ "$quiet" = quiet ] && [ -s "$OUT/$name.log" ]; }; then
        echo "== lint: $name FAILED (exit $rc, $((SECONDS - start)) s)"
        failed+=("$name")
    else
        echo "== lint: $name passed ($((SECONDS - start)) s)"
    fi
}

# These functions run left of `||`, where `set -e` is off: each step returns on failure itself.
changelog_check() {
    antsibull-changelog lint || return
    "$LINT_BIN/python" - galaxy.yml changelogs/changelog.yaml <<'EOF' || return
import sys
import yaml
version = yaml.safe_load(open(sys.argv[1]))["version"]
releases = (yaml.safe_load(open(sys.argv[2])) or {}).get("releases") or {}
if str(version) not in releases:
    sys.exit("galaxy.yml's version %s has no release in %s: run `antsibull-changelog release --version %s` "
             "in the synced copy and copy back CHANGELOG.rst and changelogs/" % (version, sys.argv[2], version))
EOF
    antsibull-changelog generate || return
    diff -u "$SRC/CHANGELOG.rst" CHANGELOG.rst >&2 ||
        { echo "CHANGELOG.rst differs from what antsibull-changelog generates from changelogs/changelog.yaml (above)" >&2; return 1; }
}

galaxy_import() {
    local dist=$OUT/dist imp=$OUT/importer
    mkdir -p "$dist" "$imp/tmp"
    ansible-galaxy collection build --output-path "$dist" . >/dev/null || return
    cat >"$imp/galaxy-importer.cfg" <<EOF
[galaxy-importer]
run_ansible_test = False
run_ansible_lint = True
offline_ansible_lint = True
run_ansible_doc = True
check_changelog = True
check_required_tags = True
require_v1_or_greater = False
ansible_local_tmp = $imp/tmp
tmp_root_dir = $imp/tmp
EOF
    (cd "$imp" && GALAXY_IMPORTER_CONFIG=$imp/galaxy-importer.cfg \
        "$LINT_BIN/python" -m galaxy_importer.main "$dist"/kentik-kmi-*.tar.gz >importer.log 2>&1) || true
    "$LINT_BIN/python" "$SRC/hacking/galaxy_importer_check.py" "$imp/importer.log" "$imp/importer_result.json"
}

gate ansible-lint loud ansible-lint --offline --profile production --strict --nocolor
gate antsibull-docs quiet antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
    --disallow-unknown-collection-refs --check-extra-docs-refs .
gate antsibull-changelog quiet changelog_check
gate galaxy-importer loud galaxy_import

if [ ${#failed[@]} -gt 0 ]; then
    echo "make lint: FAILED: ${failed[*]} (logs in $OUT)" >&2
    exit 1
fi
echo "== make lint: all four gates passed"
