# Verbs a user types. Every target sets up .venv itself from the pinned requirements.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready

.PHONY: validate test build docs bench release export clean

$(READY): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.txt
	touch $(READY)

validate: $(READY)  ## check the package: reports, tables, datapackage.json
	$(BIN)/python validate.py

test: $(READY)      ## run the whole test suite
	$(BIN)/python -m pytest

build: $(READY)     ## rebuild data/*.csv and datapackage.json from schema/ and data/reports/
	$(BIN)/python -m war_report_events build

clean:
	rm -rf $(VENV) site dist .pytest_cache
