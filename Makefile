# netauto — the two commands in README.md: `make demo` and `make test`.
# Both install what they need first (Debian packages when missing, a virtualenv in .venv).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NETAUTO := $(VENV)/bin/netauto
# Debian packages the lab, the checks and the tests need.
APT_PACKAGES := frr frr-pythontools openssh-server openssh-client netcat-openbsd iproute2 \
	iputils-ping traceroute ruby nftables chromium lldpd
DEMO_DIR := build/demo

.PHONY: demo test install system-deps lint unit clean lab-down help example bench-render constraints

help:
	@echo "make demo   install, then run the main job on the bundled example province"
	@echo "make test   install, then run lint, type checks and the whole test suite (lab included)"

system-deps:
	@bash scripts/install-system-deps.sh $(APT_PACKAGES)

$(VENV)/.installed: pyproject.toml constraints.txt
	@if ! $(PYTHON) -m venv --help >/dev/null 2>&1 || ! $(PYTHON) -c 'import ensurepip' >/dev/null 2>&1; then \
		bash scripts/install-system-deps.sh python3-venv; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,init]'
	@# byte-compile netauto as pip does for a regular install (an editable one is left to the
	@# first import, which never happens where PYTHONDONTWRITEBYTECODE is set)
	@$(PY) -m compileall -q netauto >/dev/null
	@touch $@

install: system-deps $(VENV)/.installed

demo: install
	@bash scripts/demo.sh

lint: install
	$(VENV)/bin/ruff check netauto tests benchmarks
	$(VENV)/bin/mypy --strict netauto
	$(VENV)/bin/lint-imports

test: install lint
	@$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

unit: install
	$(PY) -m pytest -m 'not lab'

# netauto plan + render against netlab create on a 237-router province (#4); installs netlab
# (PyPI networklab, the bench extra) into the virtualenv first.
bench-render: install
	@$(PY) -m pip install --quiet -c constraints.txt -e '.[bench]'
	@$(PY) benchmarks/render_vs_netlab.py

# Refresh constraints.txt from a fresh resolution (review the diff, then commit it).
constraints:
	rm -rf build/constraints-venv && $(PYTHON) -m venv build/constraints-venv
	build/constraints-venv/bin/pip install --quiet --upgrade pip
	build/constraints-venv/bin/pip install --quiet -e '.[dev,init]'
	{ sed -n '1,2p' constraints.txt; build/constraints-venv/bin/pip freeze --exclude-editable \
		| grep -v '^netauto' | sort -f; } > constraints.txt.new && mv constraints.txt.new constraints.txt
	rm -rf build/constraints-venv

example: install
	$(NETAUTO) init --province 96 --out inventory --force

lab-down: install
	-$(NETAUTO) lab down

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
