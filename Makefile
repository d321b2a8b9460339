# The reader's verbs. Each installs what it needs into .venv (from pinned requirements.txt).
#   make book    build the HTML book (re-executes chapters only when their inputs changed)
#   make test    lint, unit tests, every chapter (stored outputs at a tolerance, two BLAS kernels),
#                the strict build, a headless browser
# Author verbs: make outputs | outputs-one CHAPTER=x | preview CHAPTER=x | check-chapter CHAPTER=x
#               rerun CHAPTER=x SET="k=v .."
#               make bench | bench-build | bench-test | lint | clean
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: help venv book book-build test test-blas test-extremes check-chapter lint chromium outputs outputs-one preview rerun bench bench-build bench-test clean

help:
	@echo "make book   - build the HTML book into _build/html"
	@echo "make test   - run every test (unit, notebooks, strict build, browser)"
	@echo "make outputs | outputs-one CHAPTER=slug | preview CHAPTER=slug | bench | bench-build | bench-test | clean"
	@echo "make rerun CHAPTER=data_wall SET=\"usd_per_gpu_hour=3.0 mfu=0.5\""
	@echo "make lab [CHAPTER=data_wall] - JupyterLab on a chapter (your copy in mine/)"
	@echo "make clean (keeps reruns/ and mine/) | clean-reruns"

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
	@$(BIN)/python -P tools/own_analysis.py

# The build proper: strict, prints the failing notebook's error log, fails without HTML.
# Stale chapters execute first, in parallel on every core, into the cache the build reads (a
# chapter that fails there is executed again by the build, which prints its error log).
book-build: venv
	@$(BIN)/python -m tools.stamp check
	@$(BIN)/python -m tools.execute --quiet || true
	@$(BIN)/jupyter-book build . -W -n --keep-going || { \
	  status=$$?; \
	  for f in $$(find _build/html/reports -name '*.err.log' 2>/dev/null); do echo "==== $$f"; cat "$$f"; done; \
	  echo "book: the strict build FAILED (status $$status)"; exit $$status; }
	@test -f _build/html/index.html || { echo "book: no _build/html/index.html was produced"; exit 1; }

book: book-build
	@echo "book: built. Open file://$(CURDIR)/_build/html/index.html"

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "test: Debian's chromium is missing; installing it with apt-get (the browser test drives it)"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: venv
	@$(BIN)/ruff check analysis tests tools benchmarks book

# make test builds the book first (stale chapters execute on every core into the book's cache,
# then the strict build), then one pytest run spreads every test over the cores (pytest-xdist;
# a free core takes the next test, longest first): the unit tests; every chapter compared with
# its stored outputs under this machine's BLAS kernel (read from the cache the build filled) and
# under a second kernel with one thread; every chapter at the ends of its assumptions' ranges; the
# headless browser on the built pages. Every step runs and reports even when an earlier one failed.
XDIST := -n auto --dist load --maxschedchunk 2
test: venv chromium
	@status=0; \
	$(BIN)/ruff check analysis tests tools benchmarks book || status=1; \
	$(BIN)/python -m tools.outputs --check book/*.ipynb || status=1; \
	$(MAKE) --no-print-directory book-build || status=1; \
	$(BIN)/python -m pytest $(XDIST) tests || status=1; \
	if [ $$status -ne 0 ]; then echo "test: FAILED (every step above ran; see its report)"; fi; \
	exit $$status

# Parts of make test, for an author: the chapters under the second BLAS kernel and one thread
# (in a kernel each test process shares); every chapter at the ends of its ranges (tools/extremes.py).
test-blas: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) tests/test_chapters.py -k "prescott or second_kernel"

test-extremes: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) tests/test_extremes.py -k under_scenario

# One chapter cell by cell (nbval), for an author chasing a failing cell.
check-chapter: venv
	$(BIN)/python -m pytest -p no:cacheprovider --nbval-lax --nbval-current-env book/$(CHAPTER).ipynb

outputs: venv
	@$(BIN)/python -m tools.stamp check
	@$(BIN)/python -m tools.outputs

outputs-one: venv
	@$(BIN)/python -m tools.stamp check
	@$(BIN)/python -m tools.outputs book/$(CHAPTER).ipynb

preview: venv
	@$(BIN)/python -m tools.preview $(CHAPTER)

# The reader's verbs for rerunning (README, book/rerun.md):
#   make rerun CHAPTER=data_wall SET="mfu=0.5 gpu=HGX B200"   papermill, twice, into reruns/
#   make lab [CHAPTER=data_wall]    JupyterLab in .venv on your copy mine/data_wall.ipynb
#   make clean-reruns               deletes reruns/ (make clean keeps reruns/ and mine/)
# CHAPTER and SET are read from the environment (make exports command-line variables), so a
# value with spaces or quotes reaches tools/rerun.py intact.
.PHONY: lab clean-reruns
rerun: venv
	@$(BIN)/python -m tools.rerun "$${CHAPTER-}" "$${SET-}"

lab: venv
	@$(BIN)/python -m tools.lab "$${CHAPTER-}"

bench: venv
	@for b in benchmarks/bench_*.py; do case $$b in */bench_build.py|*/bench_floor.py) continue;; esac; \
	  echo "== $$b"; $(BIN)/python $$b; done

bench-build: venv
	@$(BIN)/python benchmarks/bench_build.py
	@$(BIN)/python benchmarks/bench_floor.py

# The README's two commands from a fresh clone of HEAD: make book, then make test (about 10 min).
bench-test: venv
	@$(BIN)/python benchmarks/bench_test.py --write-readme

# Screenshots of every built page at 1400x900 and 390x844, light and dark, into _build/screenshots/
# (offline, Debian's chromium). Builds nothing: run make book first.
.PHONY: screenshots
screenshots: venv chromium
	@$(BIN)/python tests/browser/screenshots.py _build/screenshots

# The reader's reruns/ and mine/ are kept; `make clean-reruns` deletes reruns/ and says so.
clean:
	rm -rf _build

clean-reruns:
	@if [ -d reruns ]; then echo "clean-reruns: deleting reruns/ ($$(find reruns -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | wc -l) notebook(s)):"; \
	  ls -1 reruns | sed 's/^/  /'; rm -rf reruns; else echo "clean-reruns: no reruns/ to delete"; fi
