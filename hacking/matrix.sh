# shellcheck shell=bash
# `make matrix`: ansible-test sanity (--venv, no ignore files) and ansible-test units (--local, in the version's venv,
# as `make unit`) on every ansible-core minor the collection supports: 2.16-2.19 on Python 3.11,
# 2.20 on Python 3.12 and 2.21 on Python 3.13 when such an interpreter exists here (else SKIP), and on the next
# minor before it ships (NEXT_VERSION, 2.22 on Python 3.13): its newest release, rc or final.
# Each version gets BUILD/matrix/<version>/venv (kept; rebuilt when its requirements change) and its
# own copy of the collection in BUILD/matrix/<version>/coll/ansible_collections/kentik/kmi
# (BUILD/matrix/<version>-py<X.Y>/ with --python X.Y other than the version's default).
# Called by the Makefile as: bash hacking/matrix.sh BUILD [--python X.Y] [--covered-by VENV] [VERSION ...]
#   VERSION           e.g. 2.16 (default: all of 2.16 2.17 2.18 2.19 2.20 2.21 2.22)
#   --python X.Y      run the listed versions on Python X.Y instead of their default (passed to ansible-test)
#   --covered-by VENV leave out the row of VENV's ansible-core minor on VENV's Python: the caller has just run
#                     the same sanity and units there (.ci/run: `make test` in .venv)
set -euo pipefail

ALL_VERSIONS=(2.16 2.17 2.18 2.19 2.20 2.21 2.22)
# The minor that has not shipped yet: pip takes its release candidates too, and its venv follows new ones on each run.
NEXT_VERSION=2.22
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GET_PIP_CACHE=$HOME/.ansible/test/cache

die() { echo "matrix: $*" >&2; exit 2; }

USAGE="usage: bash hacking/matrix.sh BUILD [--python X.Y] [--covered-by VENV] [VERSION ...]"
[ $# -ge 1 ] || die "$USAGE"
BUILD=$1
shift
MATRIX=$BUILD/matrix
python_override=
covered=
versions=()
while [ $# -gt 0 ]; do
    case $1 in
        --python) [ $# -ge 2 ] || die "--python needs a version (X.Y)"; python_override=$2; shift 2 ;;
        --python=*) python_override=${1#--python=}; shift ;;
        --covered-by)
            if [ $# -lt 2 ] || [ ! -x "$2/bin/python" ]; then die "--covered-by needs a venv (a folder with bin/python)"; fi
            # "<ansible-core minor> <Python X.Y>" of that venv
            covered=$("$2/bin/python" -c 'import sys; from ansible.release import __version__ as v; print(".".join(v.split(".")[:2]), "%d.%d" % sys.version_info[:2])') \
                || die "--covered-by: no ansible-core in $2"
            shift 2 ;;
        2.[0-9]*) versions+=("$1"); shift ;;
        *) die "unknown argument: $1 ($USAGE)" ;;
    esac
done
[ ${#versions[@]} -gt 0 ] || versions=("${ALL_VERSIONS[@]}")
[ -z "$python_override" ] || [[ $python_override =~ ^3\.[0-9]+$ ]] || die "--python wants X.Y, not $python_override"

default_python() {
    case $1 in
        2.16 | 2.17 | 2.18 | 2.19) echo 3.11 ;;
        2.20) echo 3.12 ;;
        2.21 | 2.22) echo 3.13 ;;
        *) return 1 ;;
    esac
}

# True when $1 runs and is Python $2 (pyenv's pythonX.Y shims exist but exit 127 for non-global versions).
is_python() {
    [ "$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$2" ]
}

# The path of a working Python X.Y interpreter: pyenv's newest X.Y.*, else pythonX.Y or python3 on PATH.
find_python() {
    local want=$1 name prefix candidate
    if command -v pyenv >/dev/null; then
        while read -r name; do
            prefix=$(pyenv prefix "$name" 2>/dev/null) || continue
            if is_python "$prefix/bin/python$want" "$want"; then echo "$prefix/bin/python$want"; return; fi
        done < <(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}\.[0-9]+$" | sort -t. -k3,3nr)
    fi
    for name in "python$want" python3; do
        candidate=$(command -v "$name") || continue
        if is_python "$candidate" "$want"; then echo "$candidate"; return; fi
    done
    return 1
}

# ansible-test bootstraps pip in its venvs from ~/.ansible/test/cache/get_pip_<pip version>.py, which it
# would download from a host we cannot reach: put our offline stand-in under the name this version wants.
ensure_get_pip() {
    local venv=$1 pip_version target
    pip_version=$("$venv/bin/python" - <<'PY'
import os, re, ansible_test
source = open(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")).read()
print(re.search(r"pip='([0-9.]+)'", source).group(1))
PY
    ) || return 1
    target=$GET_PIP_CACHE/get_pip_${pip_version//./_}.py
    mkdir -p "$GET_PIP_CACHE"
    cmp -s "$SRC/hacking/get_pip_offline.py" "$target" || cp "$SRC/hacking/get_pip_offline.py" "$target"
}

# ansible-test may pin a sanity test's requirement to an archive URL instead of a release on the package index
# (2.22.0rc1: pylint's dill, on github.com). Where that host cannot be reached, as here, this version's copy of
# ansible-test takes the package's newest release from the index instead, and says so.
index_only_sanity_requirements() {
    "$1/bin/python" - <<'PY'
import glob, os, re, socket, ansible_test

def reachable(host):
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True

folder = os.path.join(os.path.dirname(ansible_test.__file__), "_data", "requirements")
for path in sorted(glob.glob(os.path.join(folder, "sanity.*.txt"))):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    swapped = []

    def swap(match):
        if reachable(match.group(2)):
            return match.group(0)
        swapped.append("%s (%s cannot be reached)" % (match.group(1), match.group(2)))
        return match.group(1)

    new = re.sub(r"^([A-Za-z0-9_.-]+) @ https?://([^/\s]+)/\S*$", swap, text, flags=re.M)
    if swapped:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(new)
        print("matrix: %s: from the package index: %s" % (os.path.basename(path), ", ".join(swapped)))
PY
}

core_version() { "$1/bin/python" -c 'from ansible.release import __version__; print(__version__)'; }

# This machine's pip config lists extra file:// indexes that lack most projects: pip warns about each one.
quiet_pip() { sed -u '/^WARNING: Location .file:.* is ignored: it is neither a file nor a directory\.$/d'; }

# The pip requirement for ansible-core <version>: its newest release; for NEXT_VERSION, release candidates count too
# (a pre-release in the specifier lets pip take them; "<" keeps the next minor's out).
core_requirement() {
    local version=$1
    if [ "$version" = "$NEXT_VERSION" ]; then
        echo "ansible-core>=$version.0rc1,<${version%.*}.$((${version#*.} + 1))"
    else
        echo "ansible-core==$version.*"
    fi
}

# Create (or reuse) the venv for one version: ansible-core, the collection's and the tests' requirements.
make_venv() {
    local version=$1 interpreter=$2 venv=$3 stamp
    stamp=$(cat <(echo "$version $interpreter") "$SRC/requirements.txt" "$SRC/tests/requirements-matrix/units.txt" | md5sum | cut -c1-32)
    if [ "$(cat "$venv/.installed" 2>/dev/null)" = "$stamp" ]; then
        if [ "$version" = "$NEXT_VERSION" ]; then
            "$venv/bin/python" -m pip install --quiet --upgrade "$(core_requirement "$version")" 2> >(quiet_pip >&2)
        fi
        echo "== ansible-core $version: reusing $venv (ansible-core $(core_version "$venv"))"
        return
    fi
    echo "== ansible-core $version: creating $venv with $interpreter"
    rm -rf "$venv"
    "$interpreter" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet "$(core_requirement "$version")" \
        -r "$SRC/requirements.txt" -r "$SRC/tests/requirements-matrix/units.txt" 2> >(quiet_pip >&2)
    echo "$stamp" >"$venv/.installed"
    echo "== ansible-core $version: installed ansible-core $(core_version "$venv")"
}

# Copy the collection (as `make sync` does), keeping the previous copy's tests/output: it holds
# ansible-test's --venv delegation environment, which makes warm runs fast.
copy_collection() {
    local dir=$1 coll=$2
    rm -rf "$dir/output.keep"
    if [ -d "$coll/tests/output" ]; then mv "$coll/tests/output" "$dir/output.keep"; fi
    rm -rf "$dir/coll"
    mkdir -p "$coll"
    (cd "$SRC" && tar --exclude=./.git --exclude=./.venv --exclude=./tests/output --exclude=./.build \
        --exclude=__pycache__ --exclude=.pytest_cache -cf - .) | tar -xf - -C "$coll"
    if [ -d "$dir/output.keep" ]; then mkdir -p "$coll/tests" && mv "$dir/output.keep" "$coll/tests/output"; fi
}

# One line of the summary table: core, python, sanity, units.
row() { printf '%-8s %-7s %-16s %-16s' "$@"; }

rows=()
failed=0
start_all=$SECONDS
for version in "${versions[@]}"; do
    default_python "$version" >/dev/null || die "unknown ansible-core version $version (known: ${ALL_VERSIONS[*]})"
    python=${python_override:-$(default_python "$version")}
    if [ "$covered" = "$version $python" ]; then
        echo "SKIP ansible-core $version on Python $python: the caller has run sanity and units there (--covered-by)"
        rows+=("$(row "$version" "$python" "covered" "covered")")
        continue
    fi
    if ! interpreter=$(find_python "$python"); then
        echo "SKIP ansible-core $version: no Python $python interpreter on this machine"
        rows+=("$(row "$version" "$python" "SKIP (no python)" "-")")
        continue
    fi
    dir=$MATRIX/$version
    [ "$python" = "$(default_python "$version")" ] || dir=$MATRIX/$version-py$python
    venv=$dir/venv
    coll=$dir/coll/ansible_collections/kentik/kmi
    sanity=- units=-
    echo
    echo "======== ansible-core $version on Python $python ($interpreter)"
    if ! { make_venv "$version" "$interpreter" "$venv" && ensure_get_pip "$venv" && index_only_sanity_requirements "$venv" && copy_collection "$dir" "$coll"; }; then
        echo "FAIL ansible-core $version: could not set up $venv" >&2
        rows+=("$(row "$version" "$python" "SETUP FAILED" "-")")
        failed=1
        continue
    fi
    # ansible-test looks up pythonX.Y on PATH for --python: give it the real interpreter, not a pyenv shim.
    mkdir -p "$dir/bin"
    ln -sfn "$interpreter" "$dir/bin/python$python"

    echo "== ansible-core $version: ansible-test sanity --venv --python $python"
    t=$SECONDS
    if (cd "$coll" && PATH="$dir/bin:$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --venv --python "$python" --color no) 2> >(quiet_pip >&2); then
        sanity="pass $((SECONDS - t))s"
    else
        sanity="FAIL $((SECONDS - t))s"
        failed=1
    fi

    echo "== ansible-core $version: ansible-test units --local --python $python"
    t=$SECONDS
    if (cd "$coll" && PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" units --local --python "$python" --color no); then
        units="pass $((SECONDS - t))s"
    else
        units="FAIL $((SECONDS - t))s"
        failed=1
    fi
    rows+=("$(row "$version" "$python" "$sanity" "$units")")
done

echo
echo "== make matrix: summary ($((SECONDS - start_all))s)"
row "core" "python" "sanity" "units"
echo
printf '%s\n' "${rows[@]}"
if [ "$failed" != 0 ]; then
    echo "== make matrix: FAILED" >&2
    exit 1
fi
echo "== make matrix: all that ran passed"
