# The reader's verbs. Each installs what it needs into .venv (from pinned requirements.txt).
#   make book    build the HTML book (re-executes chapters only when their inputs changed)
#   make test    lint, unit tests, nbval on every chapter, the strict build, a headless browser
# Author verbs: make outputs | outputs-one CHAPTER=x | preview CHAPTER=x | rerun CHAPTER=x SET="k=v .."
#               make params | bench | lint | clean
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST_NB := --nbval-lax --nbval-current-env --nbval-sanitize-with sanitize.cfg -p no:cacheprovider

.PHONY: help venv params book book-build test lint chromium outputs outputs-one preview rerun bench bench-build clean

help:
	@echo "make book   - build the HTML book into _build/html"
	@echo "make test   - run every test (unit, notebooks, strict build, browser)"
	@echo "make outputs | outputs-one CHAPTER=slug | preview CHAPTER=slug | params | bench | clean"
	@echo "make rerun CHAPTER=data_wall SET=\"usd_per_gpu_hour=3.0 mfu=0.5\""

$(INSTALLED): requirements.txt pyproject.toml
	@$(PY) -c 'import sys; sys.exit("Python 3.11+ is required; found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(BIN)/python || { echo "venv: creating $(VENV)"; $(PY) -m venv $(VENV); }
	@echo "venv: installing pinned requirements (about a minute on a fresh machine)"
	@$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt 2> >(grep -v "^WARNING: Location" >&2)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e . 2> >(grep -v "^WARNING: Location" >&2)
	@touch $@

# MathJax for offline math: the npm package pinned in package-lock.json (tools/sphinx_site.py
# copies it into the site). npm ci is exact and fast (about a second); reinstalled when the lock changes.
MATHJAX := node_modules/mathjax/es5/tex-chtml.js
$(MATHJAX): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "venv: npm is missing; installing Debian's npm with apt-get (MathJax comes from npm)"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	@echo "venv: installing MathJax from npm (package-lock.json) so pages render math offline"
	@npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

venv: $(INSTALLED) $(MATHJAX)

params: venv
	@$(BIN)/python -m tools.params sync

# The build proper: strict, prints the failing notebook's error log, fails without HTML.
book-build: venv
	@$(BIN)/python -m tools.stamp check
	@$(BIN)/jupyter-book build . -W -n --keep-going || { \
	  status=$$?; \
	  for f in $$(find _build/html/reports -name '*.err.log' 2>/dev/null); do echo "==== $$f"; cat "$$f"; done; \
	  echo "book: the strict build FAILED (status $$status)"; exit $$status; }
	@test -f _build/html/index.html || { echo "book: no _build/html/index.html was produced"; exit 1; }

book: params book-build
	@echo "book: built. Open file://$(CURDIR)/_build/html/index.html"

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "test: Debian's chromium is missing; installing it with apt-get (the browser test drives it)"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: venv
	@$(BIN)/ruff check analysis tests tools benchmarks book

# Notebooks execute once: nbval runs every chapter and hands each passing execution to the
# book's cache (tools/nbval_cache.py), so the build that follows executes nothing.
test: venv chromium lint
	@$(BIN)/python -m tools.params check
	@$(BIN)/python -m tools.outputs --check book/*.ipynb
	@$(BIN)/python -m tools.stamp check
	$(BIN)/python -m pytest --ignore=tests/browser $(PYTEST_NB) tests $$($(BIN)/python -m tools.params list)
	@$(MAKE) --no-print-directory book-build
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser

outputs: params
	@$(BIN)/python -m tools.outputs $$($(BIN)/python -m tools.params list)

outputs-one: venv
	@$(BIN)/python -m tools.params sync book/$(CHAPTER).ipynb
	@$(BIN)/python -m tools.outputs book/$(CHAPTER).ipynb

preview: venv
	@$(BIN)/python -m tools.preview $(CHAPTER)

rerun: venv
	@$(BIN)/python -m tools.params sync book/$(CHAPTER).ipynb
	@$(BIN)/python -m tools.rerun $(CHAPTER) $(SET)

bench: venv
	@for b in benchmarks/bench_*.py; do [ "$$b" = benchmarks/bench_build.py ] && continue; \
	  echo "== $$b"; $(BIN)/python $$b; done

bench-build: venv
	@$(BIN)/python benchmarks/bench_build.py

# Screenshots of every built page at 1400x900 and 390x844, light and dark, into _build/screenshots/
# (offline, Debian's chromium). Builds nothing: run make book first.
.PHONY: screenshots
screenshots: venv chromium
	@$(BIN)/python tests/browser/screenshots.py _build/screenshots

clean:
	rm -rf _build reruns
