# dlopt: two commands set everything up on a fresh machine with Python 3 and make.
#   make lab    create .venv, install the course, open JupyterLab on notebooks/
#   make test   create / update .venv, run unit tests + browser tests, then strict nbval on every notebook
#               twice: on all cores, then each notebook pinned to one CPU core (another machine setup)
# The environment is rebuilt only when requirements.txt, constraints.txt or pyproject.toml change.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.dlopt-installed
LAB_ARGS ?=
VOILA_ARGS ?=
# JupyterLab refuses to run as root unless told (containers, CI machines)
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
PYTEST_ARGS ?=
# pytest-xdist workers per pass (tests spread one by one; a notebook's cells stay on one worker)
TEST_JOBS ?= 2

# Quiet TensorFlow's timestamped import notices (they would become notebook outputs), keep
# bytecode caches out of the repository, and make kernels start the same way every time.
export TF_ENABLE_ONEDNN_OPTS ?= 0
export TF_CPP_MIN_LOG_LEVEL ?= 3
export PYTHONHASHSEED := 0
export PYTHONPYCACHEPREFIX ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/dlopt/pycache
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv lab dashboards test test-e2e notebooks nbclean nbcheck bench lock student clean

help:
	@echo "make lab        open the course in JupyterLab (creates .venv on first use)"
	@echo "make test       unit and browser tests, then strict nbval over every notebook, twice (all cores, one core each)"
	@echo "make dashboards serve the course's dashboards as a web app (Voila, no code shown)"
	@echo "make test-e2e   only the browser tests (JupyterLab and Voila in headless Chromium)"
	@echo "make notebooks  re-execute every notebook in a fresh kernel and store clean outputs"
	@echo "make nbclean    clean notebooks before a commit (widget state, run metadata)"
	@echo "make bench      run the benchmarks (print ratios against a baseline)"
	@echo "make student    build the student edition (no solutions, checks kept) into build/student"
	@echo "make lock       rewrite constraints.txt from the current .venv"
	@echo "make clean      remove .venv"

# constraints.txt pins the versions tested on Python 3.11 / 3.12; some of them (numpy 2.4,
# scikit-learn 1.9) need Python >= 3.11, so Python 3.10 gets the newest versions inside the ranges.
$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e . \
	  $$($(BIN)/python -c 'import sys; print("-c constraints.txt" if sys.version_info >= (3, 11) else "")')
	touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ALLOW_ROOT) $(LAB_ARGS)

dashboards: $(STAMP)
	$(BIN)/voila notebooks/dashboards.ipynb $(VOILA_ARGS)

# Every notebook passes strict nbval under two machine setups: all cores (seeds in worker processes)
# and one core per notebook (--one-core, conftest.py: other thread pools, seeds in-process).
# Trained numbers differ between the two; stored outputs must not (the 🎲 convention, README).
test: $(STAMP)
	$(BIN)/python -m pytest tests -n $(TEST_JOBS) $(PYTEST_ARGS)
	$(BIN)/python -m pytest notebooks -n $(TEST_JOBS) --dist loadfile $(PYTEST_ARGS)
	$(BIN)/python -m pytest notebooks -n $(TEST_JOBS) --dist loadfile --one-core $(PYTEST_ARGS)

test-e2e: $(STAMP)
	$(BIN)/python -m pytest tests/e2e -v $(PYTEST_ARGS)

notebooks: $(STAMP)
	$(BIN)/python tools/nbhygiene.py execute notebooks/*.ipynb

nbclean: $(STAMP)
	$(BIN)/python tools/nbhygiene.py clean notebooks/*.ipynb

nbcheck: $(STAMP)
	$(BIN)/python tools/nbhygiene.py check notebooks/*.ipynb

bench: $(STAMP)
	@set -e; found=0; for script in benchmarks/*.py; do \
	  [ -e "$$script" ] || continue; found=1; echo "== $$script"; $(BIN)/python "$$script"; done; \
	  [ $$found = 1 ] || echo "no benchmarks yet"

lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --exclude dlopt-helpers \
	  | sed '1i # Exact versions the course is tested with (make lock). requirements.txt has the ranges.' > constraints.txt

student: $(STAMP)
	$(BIN)/python tools/student.py $(STUDENT_DIR)

clean:
	rm -rf $(VENV)
