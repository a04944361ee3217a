# The README's commands. `make lab` and `make test` both set up .venv first;
# the set-up is skipped when pyproject.toml has not changed since the last one.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KERNEL := rnn-course
# Extra arguments for `jupyter lab`, e.g. make lab LAB_ARGS="--no-browser --port 8899"
LAB_ARGS ?=
# No news, update checks or PyPI extension searches: the course works offline. (The news prompt
# ignores these flags; `make setup` also writes the environment's overrides.json, see course_tools/lab_settings.py.)
LAB_OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
               --LabApp.extension_manager=readonly
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: setup lab test clean kernel student html slides hub distribute

setup: $(STAMP)

$(STAMP): pyproject.toml course_tools/lab_settings.py course_tools/hub/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed, found " + sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (rnn-course)" >/dev/null
	$(PY) -m course_tools.lab_settings >/dev/null
	$(PY) -m course_tools.hub.proxy
	touch $(STAMP)

# Also make the kernel visible to a Jupyter outside .venv (e.g. a JupyterHub).
kernel: $(STAMP)
	$(PY) -m ipykernel install --user --name $(KERNEL) --display-name "Python (rnn-course)"

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(LAB_OFFLINE) $(ROOT_FLAG) $(LAB_ARGS)

# Both cores: two xdist workers; a notebook's nbval cells, and a test module, stay on one worker
# (tests/course_session.py says how the work is split).
TEST_WORKERS ?= 2
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope

# JupyterHub for a class on this machine (127.0.0.1:8000 unless HUB_ARGS says otherwise), e.g.
#   make hub HUB_ARGS="--users ana,ben,chen --admin prof --idle-timeout 1800"
# `.venv/bin/python -m course_tools.hub --help` lists the options; README, "A class on JupyterHub".
HUB_ARGS ?=
hub: $(STAMP)
	$(PY) -m course_tools.hub.proxy --if-missing
	$(PY) -m course_tools.hub $(HUB_ARGS)

# The student copies, committed into the git repository students pull from with nbgitpuller, e.g.
#   make distribute COURSE_REPO=../rnn-course-students HUB_URL=https://hub.example.edu \
#                   REPO_URL=https://git.example.edu/prof/rnn-course-students
# (REPO_URL: where the hub pulls from, when that is not the folder COURSE_REPO on the hub's machine)
COURSE_REPO ?= classroom/course-repo
HUB_URL ?= http://127.0.0.1:8000
REPO_URL ?=
distribute: $(STAMP)
	$(PY) -m course_tools.hub.distribute --repo $(COURSE_REPO) --hub-url $(HUB_URL) $(if $(REPO_URL),--repo-url $(REPO_URL))

# Hand-out copies: every exercise solution replaced by a "not implemented yet" stub, outputs cleared.
student: $(STAMP)
	$(PY) -m course_tools.student --out student

# The executed site (full mode, ~8 min on 2 cores) and static reveal.js slides, both in site/ and
# readable from disk with no network. Both use the executed copies in build/executed/publish/ (remade when
# the notebook, the course_utils sources, the pins or the mode change).
html: $(STAMP)
	$(PY) -m course_tools.site

slides: $(STAMP)
	$(PY) -m course_tools.slides

clean:
	rm -rf $(VENV) data/cache build dist site student *.egg-info course_utils.egg-info .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
