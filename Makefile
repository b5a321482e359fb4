# Two commands for a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run build test lint e2e quality bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(PY) -m dashboard build

run: setup
	$(PY) -m dashboard build --if-stale
	$(PY) -m streamlit run dashboard/app.py

lint: setup
	$(PY) -m ruff check dashboard tests

test: setup lint
	$(PY) -m pytest -q

e2e: setup
	$(PY) -m pytest -q tests/e2e

quality: setup
	$(PY) -m dashboard evaluate --write docs/QUALITY.md

bench: setup
	$(PY) -m dashboard bench --write docs/BENCHMARKS.md

clean:
	rm -rf $(VENV) data/cache data/reports.* data/incidents.* data/articles.parquet data/build.json
