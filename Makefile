# dlopt: two commands set everything up on a fresh machine with Python 3 and make.
#   make lab    create .venv, install the course, open JupyterLab on notebooks/
#               (make lab LANG=zh: the Chinese edition, notebooks/zh/, in JupyterLab's Chinese UI)
#   make test   create / update .venv, run unit tests + browser tests, then strict nbval on every notebook:
#               the English edition on all cores, the Chinese edition with each notebook pinned to one CPU
#               core (another machine setup, and the same code: tests/test_translations.py proves it)
#   make check  the fast loop while editing: lint + unit tests not marked slow (under a minute)
#   make fmt    format and auto-fix with ruff
# The environment is rebuilt only when pyproject.toml (the one dependency spec) or constraints.txt change.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.dlopt-installed
# the hub's proxy, from npm (install time only), inside the venv: make clean removes it with the rest
PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
LAB_ARGS ?=
# the course's language: Chinese when LANG starts with zh (make lab LANG=zh, or a zh_CN locale), else English
COURSE_LANG := $(if $(filter zh%,$(LANG)),zh,en)
EDITION := $(if $(filter zh,$(COURSE_LANG)),notebooks/zh,notebooks)
# the folder JupyterLab opens (the browser tests open a copy elsewhere, so nothing is saved into notebooks/)
LAB_ROOT ?= $(EDITION)
VOILA_ARGS ?=
# JupyterLab refuses to run as root unless told (containers, CI machines)
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
PYTEST_ARGS ?=
# pytest-xdist workers per pass (tests spread one by one; a notebook's cells stay on one worker)
TEST_JOBS ?= 2
# the extras of pyproject.toml that make installs: Lab + Voila, the tests, ruff, dp-accounting (notebook 09),
# nbgrader + bwrap (make student, make grade), JupyterHub (make hub)
EXTRAS ?= lab,test,dev,privacy,classroom,hub
# make check: unit tests without the slow ones (training, subprocesses, servers) and the browser tests
CHECK_MARKERS ?= not slow and not e2e

# Quiet TensorFlow's timestamped import notices (they would become notebook outputs), keep
# bytecode caches out of the repository, and make kernels start the same way every time.
export TF_ENABLE_ONEDNN_OPTS ?= 0
export TF_CPP_MIN_LOG_LEVEL ?= 3
export PYTHONHASHSEED := 0
export PYTHONPYCACHEPREFIX ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/dlopt/pycache
export PIP_DISABLE_PIP_VERSION_CHECK := 1


.PHONY: help venv lab dashboards test check lint fmt test-e2e notebooks notebooks-zh translations nbclean nbcheck bench lock deps student grade hub clean

help:
	@echo "make lab        open the course in JupyterLab (creates .venv on first use); make lab LANG=zh: 中文版"
	@echo "make test       lint, unit and browser tests, then strict nbval over every notebook (English: all cores; 中文: one core each)"
	@echo "make check      the fast loop: lint + unit tests not marked slow (under a minute)"
	@echo "make fmt        format the code and notebooks, apply ruff's safe fixes"
	@echo "make dashboards serve the course's dashboards as a web app (Voila, no code shown)"
	@echo "make test-e2e   only the browser tests (JupyterLab and Voila in headless Chromium)"
	@echo "make notebooks  re-execute every notebook in a fresh kernel and store clean outputs"
	@echo "make translations  refresh the translation catalogs from the English (new / changed entries to translate)"
	@echo "make notebooks-zh  build the Chinese edition (notebooks/zh) from the catalogs and execute it"
	@echo "make nbclean    clean notebooks before a commit (widget state, run metadata)"
	@echo "make bench      run the benchmarks (print ratios against a baseline)"
	@echo "make student    build the class edition: an nbgrader course, every chapter released (build/classroom)"
	@echo "make grade      grade a class: make grade SUBMISSIONS=folder ASSIGNMENT=04_regularization"
	@echo "make hub        the course on JupyterHub for a class, on this machine (127.0.0.1:8000; deploy/README.md)"
	@echo "make lock       rewrite constraints.txt from the current .venv"
	@echo "make deps       rewrite requirements.txt from pyproject.toml"
	@echo "make clean      remove .venv"

# constraints.txt pins the versions tested on Python 3.11-3.13; some of them (numpy 2.4,
# scikit-learn 1.9) need Python >= 3.11, so Python 3.10 gets the newest versions inside the ranges.
# PYTHONWARNINGS: setuptools' "Editable installation ... folders with the same name" notice is about this very folder.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]" \
	  $$($(BIN)/python -c 'import sys; print("-c constraints.txt" if sys.version_info >= (3, 11) else "")')
	touch $(STAMP)

venv: $(STAMP)

# the course's Lab settings (tools/lab-overrides.json): widget state saved with the notebook (a reopened
# notebook shows its dashboards as they were, not "model not found"), no news pop-up
# (and its interface language: the Chinese edition opens in JupyterLab's Chinese UI, language pack zh_CN)
lab: $(STAMP)
	mkdir -p $(VENV)/share/jupyter/lab/settings && $(BIN)/python tools/lab_settings.py $(COURSE_LANG) > $(VENV)/share/jupyter/lab/settings/overrides.json
	$(BIN)/jupyter lab --ServerApp.root_dir=$(LAB_ROOT) $(ALLOW_ROOT) $(LAB_ARGS)

# progressive rendering: the page and each dashboard appear as their cells finish, not after a bare spinner;
# the Lab extensions of nbgrader and Notebook 7 (classroom extra) need Lab's file browser, which Voila lacks
VOILA_DENY := ["@jupyter/nbgrader","@jupyter-notebook/lab-extension"]
dashboards: $(STAMP)
	$(BIN)/voila $(EDITION)/dashboards.ipynb --progressive_rendering=True \
	  '--VoilaConfiguration.extension_denylist=$(VOILA_DENY)' $(VOILA_ARGS)

# Strict nbval under two machine setups: the English notebooks on all cores (seeds in worker processes), the
# Chinese edition -- the same code cells, tests/test_translations.py -- with one core per notebook (--one-core,
# conftest.py: other thread pools, seeds in-process; Linux only: macOS has no CPU pinning, so there the
# Chinese edition runs on all cores, with a message).
# Trained numbers differ between the two; stored outputs must not (the 🎲 convention, README).
test: lint $(PROXY)
	$(BIN)/python -m pytest tests -n $(TEST_JOBS) --dist loadgroup $(PYTEST_ARGS)
	$(BIN)/python -m pytest notebooks --ignore=notebooks/zh -n $(TEST_JOBS) --dist loadfile $(PYTEST_ARGS)
	if $(BIN)/python -c 'import os, sys; sys.exit(not hasattr(os, "sched_setaffinity"))'; then \
	  $(BIN)/python -m pytest notebooks/zh -n $(TEST_JOBS) --dist loadfile --one-core $(PYTEST_ARGS); \
	else echo "one-core pinning needs Linux (os.sched_setaffinity): the Chinese edition runs on all cores"; \
	  $(BIN)/python -m pytest notebooks/zh -n $(TEST_JOBS) --dist loadfile $(PYTEST_ARGS); fi

# lint and format check (seconds): the code, the tests and the notebooks
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The fast loop: lint, then the unit tests not marked slow (tests/: `pytest.mark.slow` on any test that trains,
# starts processes or servers) and not the browser tests. `make test` runs everything, as CI does.
check: lint
	$(BIN)/python -m pytest tests -n $(TEST_JOBS) -m "$(CHECK_MARKERS)" -q $(PYTEST_ARGS)

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-e2e: $(STAMP)
	$(BIN)/python -m pytest tests/e2e -v $(PYTEST_ARGS)

notebooks: $(STAMP)
	$(BIN)/python tools/nbhygiene.py execute notebooks/*.ipynb

# the Chinese edition: translations/zh/notebooks/*.po + dlopt_helpers/locale/zh -> notebooks/zh/*.ipynb
translations: $(STAMP)
	$(BIN)/python tools/translate.py update

notebooks-zh: $(STAMP)
	$(BIN)/python tools/translate.py build
	$(BIN)/python tools/nbhygiene.py execute notebooks/zh/*.ipynb

nbclean: $(STAMP)
	$(BIN)/python tools/nbhygiene.py clean notebooks/*.ipynb notebooks/zh/*.ipynb

nbcheck: $(STAMP)
	$(BIN)/python tools/nbhygiene.py check notebooks/*.ipynb notebooks/zh/*.ipynb

# Each script prints its figures and one `GOAL <name>: met|missed (...)` line per goal; the summary at the end
# repeats those lines, so nobody reads goals out of prose. A script that fails counts as a missed goal. Speed
# depends on the machine, so a missed goal is reported, not an error (make's exit status stays 0).
bench: $(STAMP)
	@log=$$(mktemp); found=0; \
	for script in benchmarks/[!_]*.py; do \
	  [ -e "$$script" ] || continue; found=1; echo "== $$script"; \
	  { $(BIN)/python "$$script" || echo "GOAL $$script: missed (the script failed, exit $$?)"; } | tee -a "$$log"; \
	done; \
	[ $$found = 1 ] || echo "no benchmarks yet"; \
	echo "== goals"; grep '^GOAL ' "$$log" || echo "no GOAL lines printed"; \
	echo "$$(grep -c '^GOAL .*: met' "$$log") of $$(grep -c '^GOAL ' "$$log") goals met"; rm -f "$$log"

lock: $(STAMP)
	$(BIN)/python tools/deps.py lock

# requirements.txt is derived from pyproject.toml (tests/test_packaging.py checks it)
deps:
	$(PYTHON) tools/deps.py write

# the class edition: an nbgrader course (source/ with solutions, release/ for learners, gradebook.db)
STUDENT_DIR ?= build/classroom
student: $(STAMP)
	$(BIN)/python tools/student.py $(STUDENT_DIR)

# grade a folder of submissions (one folder per learner) with nbgrader, each kernel sandboxed:
# gradebook.csv (learner x exercise) and feedback/<learner>.html in build/grades/<assignment>
GRADE_ARGS ?=
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" -a -n "$(ASSIGNMENT)" || { echo "usage: make grade SUBMISSIONS=folder ASSIGNMENT=04_regularization"; exit 2; }
	$(BIN)/python -m dlopt_helpers.classroom.grade $(SUBMISSIONS) --assignment $(ASSIGNMENT) --course $(STUDENT_DIR) $(GRADE_ARGS)

# JupyterHub for a class on this machine (deploy/local/jupyterhub_config.py): JupyterHub from PyPI (the hub extra),
# its proxy from npm, the learners' folders and the hub's state in HUB_DIR; HUB_PORT on 127.0.0.1
HUB_DIR ?= build/hub
HUB_PORT ?= 8000
HUB_ARGS ?=
$(PROXY):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix $(VENV)/node --silent --no-fund --no-audit --no-save configurable-http-proxy@5; \
	else echo "npm not found: make hub and its browser test need it (Debian: apt-get install npm)"; fi

hub: $(STAMP) $(PROXY)
	DLOPT_HUB_DIR=$(abspath $(HUB_DIR)) DLOPT_HUB_PORT=$(HUB_PORT) $(BIN)/jupyterhub -f deploy/local/jupyterhub_config.py $(HUB_ARGS)

clean:
	rm -rf $(VENV)
