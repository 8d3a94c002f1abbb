# Verbs a user types. Every target sets up .venv itself from the pinned requirements.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# -P: Python never imports from the working directory (a planted jsonschema.py or importlib.py in a checked
# folder would run before our code); the package comes from this Makefile's folder. See README "Security".
RUN    := PYTHONPATH="$(CURDIR)" $(BIN)/python -P -m war_report_events

.PHONY: validate test build docs bench release export clean review

$(READY): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.txt
	touch $(READY)

validate: $(READY)  ## check the package: reports, tables, datapackage.json
	$(BIN)/python -P validate.py

test: $(READY)      ## run the whole test suite
	$(BIN)/python -m pytest

build: $(READY)     ## rebuild data/*.csv and datapackage.json from schema/ and data/reports/, then docs/one-night.md
	$(RUN) build
	$(RUN) one-night

clean:
	rm -rf $(VENV) site dist .pytest_cache

docs: $(READY)      ## build the documentation site into site/ (fails on warnings and broken links)
	$(RUN) docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

export: $(READY)    ## write Parquet (one file per table), reports.jsonl and load.sql (typed DuckDB tables from data/*.csv) to dist/
	$(RUN) export

release: $(READY)   ## rebuild a recorded release (VERSION=X.Y.Z, default the latest) into dist/, or refuse
	$(RUN) release $(if $(VERSION),--version $(VERSION))

bench: $(READY)     ## time validate.py against stock frictionless at 100,000, 300,000 and 1,000,000 rows and on the shipped package
	$(BIN)/python tests/benchmarks/bench.py --rows 100000 300000 1000000 --repeat 3 --shipped

REVIEW ?= .
review: $(READY)    ## write HTML pages to review the data (or REVIEW="path ...") into review/: figures in their sources, errors in place
	$(RUN) review $(REVIEW) --out review
