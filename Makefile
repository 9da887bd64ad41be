# Commonplace: `make run` to try it, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run install migrate seed test test-fast test-browser bench lint format clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

install: $(BIN)/.installed

# Local commands run with DEBUG on unless told otherwise: with DEBUG off the settings refuse
# the development secret key (production sets SECRET_KEY).
run seed migrate: export DEBUG ?= 1

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py import_seeds
	$(PY) manage.py rerender_terms
	$(PY) manage.py rebuild_search_index --if-stale

# The web server and the task worker together; Ctrl-C stops both.
run: seed
	@$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest -n 2 --ignore=tests/bench $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -n 2 --ignore=tests/bench -m "not slow" $(PYTEST_ARGS)

test-browser: install
	$(BIN)/pytest tests/browser -p no:xdist $(PYTEST_ARGS)

bench: install
	$(BIN)/pytest tests/bench -s -p no:xdist $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
