# cgsim developer tasks. Everything runs inside .venv, which is created on
# demand with a Python >= 3.12 found by .ci/find-python (override: PYTHON=...).
#
#   make test        run the test suite (PYTEST_ARGS="..." for extra options)
#   make baseline    run the baseline experiment (ARGS="..." for extra options)
#   make bench       run the core benchmark
#   make docs        regenerate docs/PARAMETERS.md
#   make venv        just create/update .venv
#   make viz-assets  (re)install the browser view's front-end files (needs npm)
#   make clean       remove .venv and results/

SHELL := /bin/sh

VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
ARGS        ?=
PYTEST_ARGS ?=

# Keep pip quiet but let errors through.
PIP := $(PY) -m pip --disable-pip-version-check --quiet

# Exits 0 iff the interpreter runs and is >= 3.12.
PY_OK := -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'

.PHONY: venv viz-assets baseline test bench docs clean

venv: $(STAMP)

# Reuse .venv if its python works and is new enough (and has pip); otherwise
# recreate it from scratch with the interpreter that find-python reports.
$(STAMP): pyproject.toml
	@if $(PY) $(PY_OK) >/dev/null 2>&1 && $(PY) -m pip --version >/dev/null 2>&1; then \
	    echo "Using existing $(VENV) ($$($(PY) -V 2>&1))"; \
	else \
	    base=$$(sh .ci/find-python) || exit 1; \
	    echo "Creating $(VENV) with $$base ($$("$$base" -V 2>&1))"; \
	    rm -rf $(VENV); \
	    "$$base" -m venv $(VENV) || { \
	        echo "error: '$$base -m venv' failed. On Debian/Ubuntu install the matching pythonX.Y-venv package." >&2; \
	        rm -rf $(VENV); exit 1; }; \
	fi
	@echo "Installing cgsim and dependencies into $(VENV) (pip install -e .[dev])"
	$(PIP) install --upgrade pip
	$(PIP) install -e ".[dev]"
	@$(PY) -m cgsim.viz.assets || echo "warning: the browser view's front-end files are not installed (see above); \
	everything else works. To add them later: install npm, then run 'make viz-assets'." >&2
	@touch $@

# the browser view's front-end files (Solara's, from the npm registry; needs npm)
viz-assets: venv
	$(PY) -m cgsim.viz.assets

baseline: venv
	$(PY) experiments/baseline/run.py --out results/baseline $(ARGS)

# pytest exit code 5 means "no tests collected": we always have tests, so
# say so explicitly (make then fails with that status).
test: venv
	@echo "$(PY) -m pytest $(PYTEST_ARGS)"
	@rc=0; $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then \
	    echo "error: pytest collected no tests (exit 5); treating as failure." >&2; \
	fi; \
	exit $$rc

bench: venv
	$(PY) benchmarks/bench_core.py

docs: venv
	$(PY) -m cgsim.docs

clean:
	rm -rf $(VENV) results
