# kentik.kmi — every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
# Outside the git work tree: ansible-test would otherwise see the copy as git-ignored files.
BUILD := /tmp/kentik.kmi-build/$(shell printf %s "$(CURDIR)" | md5sum | cut -c1-8)
COLL := $(BUILD)/ansible_collections/kentik/kmi
PY_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
export PATH := $(BIN):$(PATH)

.PHONY: help test unit sanity integration sync demo bench simulator clean test-redis test-dataset matrix lint

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# Debian packages some targets need (shellcheck for sanity, redis-server for test-redis): installed when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL = command -v $(1) >/dev/null || { $(SUDO) apt-get update -qq && \
    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(2) >/dev/null; }

$(BIN)/.installed: requirements.txt tests/requirements-dev.txt
	@echo "== creating $(VENV) and installing requirements"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r tests/requirements-dev.txt
	touch $@

sync: $(BIN)/.installed  ## copy the collection to /tmp/kentik.kmi-build/<hash of this folder>/ansible_collections/kentik/kmi
	rm -rf $(COLL)
	mkdir -p $(COLL)
	tar --exclude=./.git --exclude=./.venv --exclude=./tests/output \
	    --exclude=__pycache__ --exclude=.pytest_cache -cf - . | tar -xf - -C $(COLL)

# A tool whose dependencies must stay out of the test venv gets a venv of its own, inside .venv (so sync, clean and
# .gitignore already cover it): $(call TOOL_VENV,folder,requirements file), the recipe of its .installed marker.
define TOOL_VENV
@echo "== creating $(1) and installing $(2)"
$(PYTHON) -m venv $(1)
$(1)/bin/python -m pip install --quiet --upgrade pip
$(1)/bin/python -m pip install --quiet -r $(2)
touch $@
endef

# schemathesis, for the simulator's conformance test.
CONFORMANCE_BIN := $(VENV)/conformance/bin
$(CONFORMANCE_BIN)/.installed: tests/requirements-conformance.txt
	$(call TOOL_VENV,$(VENV)/conformance,tests/requirements-conformance.txt)

# Kentik's official spec files, beside the repository (present for developers and CI, absent on a user's machine).
SPEC_DIR := $(abspath $(CURDIR)/../shared/kentik-spec)

# ansible-test passes the tests an environment of its own: where schemathesis and the spec are goes in a file
# (tests/unit/make_settings.py reads it). It runs the modules' and module_utils' tests apart from controller code.
unit: sync $(CONFORMANCE_BIN)/.installed  ## ansible-test units (plugins and simulator, over real HTTP on loopback; the simulator against the spec with schemathesis)
	cd $(COLL)
	mkdir -p tests/output
	$(BIN)/python -c 'import json, sys; json.dump(dict(a.split("=", 1) for a in sys.argv[1:]), open("tests/output/make-settings.json", "w"))' \
	    KMI_SCHEMATHESIS=$(CONFORMANCE_BIN)/schemathesis $(if $(wildcard $(SPEC_DIR)),KMI_SPEC_DIR=$(SPEC_DIR))
	$(BIN)/ansible-test units --local --python $(PY_VERSION) --color no

# ansible-test downloads a get-pip script from a host we cannot reach: give it ours.
GET_PIP_CACHE := $(HOME)/.ansible/test/cache
$(GET_PIP_CACHE)/.kentik-kmi: hacking/get_pip_offline.py
	mkdir -p $(GET_PIP_CACHE)
	for v in 24_2 25_2 25_3; do cp hacking/get_pip_offline.py $(GET_PIP_CACHE)/get_pip_$$v.py; done
	touch $@

sanity: sync $(GET_PIP_CACHE)/.kentik-kmi  ## ansible-test sanity, no ignore files
	$(call APT_INSTALL,shellcheck,shellcheck)  # else ansible-test skips the shellcheck test
	cd $(COLL)
	$(BIN)/ansible-test sanity --venv --python $(PY_VERSION) --color no

# The linters: galaxy-importer pins attrs<24 and Sphinx docutils<0.23, which would downgrade the test venv.
LINT_BIN := $(VENV)/lint/bin
$(LINT_BIN)/.installed: tests/requirements-lint.txt
	$(call TOOL_VENV,$(VENV)/lint,tests/requirements-lint.txt)

lint: sync $(LINT_BIN)/.installed  ## linters as gates: ansible-lint (production), antsibull-docs, antsibull-changelog, galaxy-importer
	bash hacking/lint.sh $(LINT_BIN) $(BUILD)

integration: sync  ## ansible-test integration (real playbooks against the simulator)
	cd $(COLL)
	$(BIN)/ansible-test integration --local --python $(PY_VERSION) --color no

# MATRIX picks versions and/or a Python, e.g. make matrix MATRIX="2.16 2.22" or MATRIX="--python 3.12 2.19".
matrix:  ## sanity + unit tests on ansible-core 2.16-2.19 (Python 3.11), 2.20 (3.12), 2.21 and the next, 2.22 (3.13), each in its own venv
	$(call APT_INSTALL,shellcheck,shellcheck)  # else ansible-test skips the shellcheck test
	bash hacking/matrix.sh $(BUILD) $(MATRIX)

test: unit sanity lint integration  ## everything CI runs (make matrix runs after it in .ci/run)
	@echo "== make test: all passed"

PORT ?= 8700
simulator: $(BIN)/.installed  ## run the KMI simulator on http://127.0.0.1:$(PORT) (PORT=8700; Ctrl-C stops it)
	$(BIN)/python -m simulator --port $(PORT)

ASN ?= 22773
MARKET ?= US
DEMO_OUT ?= $(CURDIR)/demo-output
demo: sync  ## the main job: a market report for ASN in MARKET (default: Cox, US) against the simulator or Kentik
	bash hacking/demo.sh $(BIN) $(BUILD) $(ASN) "$(MARKET)" $(DEMO_OUT)

# REPEAT runs of each scenario (scenario 3 runs once: minutes of real time under Kentik's limits);
# QUICK=1 for a short smoke run (results in $(BUILD)/bench-quick); BENCH_ARGS for more (see bench/run.py --help).
REPEAT ?= 3
BENCH_ARGS ?=
$(BIN)/.bench-installed: bench/requirements.txt $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	touch $@

bench: sync $(BIN)/.bench-installed  ## benchmarks: API calls and time of kentik.kmi vs ansible.builtin.uri, against the simulator; writes bench/results/
	cd $(COLL)
	$(BIN)/python bench/run.py --bin $(BIN) --collections $(BUILD) --repeat $(REPEAT) \
	    $(if $(QUICK),--quick --results $(BUILD)/bench-quick,--results $(CURDIR)/bench/results --docs $(CURDIR)/docs/benchmarks.md) $(BENCH_ARGS)

clean:  ## remove the venv and build output
	rm -rf $(VENV) $(BUILD) tests/output

# The redis cache test needs redis-server (Debian), the redis client (PyPI) and community.general,
# which only the `ansible` package on PyPI carries: we unpack that one collection from its wheel.
ANSIBLE_PKG := ansible==12.3.0
SLOW := $(BUILD)/slow
$(SLOW)/.installed: tests/requirements-slow.txt $(BIN)/.installed
	$(call APT_INSTALL,redis-server,redis-server)
	$(BIN)/python -m pip install --quiet -r tests/requirements-slow.txt
	rm -rf $(SLOW) && mkdir -p $(SLOW)/wheel
	$(BIN)/python -m pip download --quiet --no-deps -d $(SLOW)/wheel '$(ANSIBLE_PKG)'
	$(BIN)/python -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); \
	    z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith("ansible_collections/community/general/")])' \
	    $(SLOW)/wheel/*.whl $(SLOW)
	rm -rf $(SLOW)/wheel
	touch $@

test-redis: sync $(SLOW)/.installed  ## slow: the lookups' persistent cache on a real redis-server (community.general.redis)
	cd $(COLL)
	ANSIBLE_COLLECTIONS_PATH=$(BUILD):$(SLOW) PYTHONPATH=$(BUILD):$(COLL) $(BIN)/python -m pytest -q -p no:cacheprovider tests/slow

# The builder downloads 4 Debian packages once into $(BUILD)/routeviews (kept), then builds twice.
test-dataset: $(BIN)/.installed  ## slow: rebuild the RouteViews dataset twice from the Debian packages and compare it with the committed file
	work=$(BUILD)/routeviews; out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT
	mkdir -p $$work
	for run in 1 2; do
	    $(BIN)/python hacking/make_routeviews_dataset.py --work $$work --output $$out/$$run.json.gz >$$out/$$run.stats
	    echo "== build $$run: $$(sha256sum <$$out/$$run.json.gz | cut -c1-64)"
	done
	first=$$(sha256sum <$$out/1.json.gz | cut -c1-64); second=$$(sha256sum <$$out/2.json.gz | cut -c1-64)
	committed=$$(sha256sum <simulator/datasets/routeviews.json.gz | cut -c1-64)
	[ "$$first" = "$$second" ] || { echo "test-dataset: FAILED: two builds from the same packages differ: the builder is not deterministic" >&2; exit 1; }
	[ "$$first" = "$$committed" ] || { echo "test-dataset: FAILED: the rebuilt dataset ($$first) is not simulator/datasets/routeviews.json.gz ($$committed): rebuild it with hacking/make_routeviews_dataset.py, or find what changed" >&2; exit 1; }
	echo "== test-dataset: both builds are byte for byte simulator/datasets/routeviews.json.gz ($$committed)"
