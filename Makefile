# Two commands for a newcomer: `make run` and `make test`. Nothing here needs a server.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and letters point here; follows HOST and PORT unless given.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run install test lint format bench bench-load bench-data migrate seed assets clean lock

run: install migrate seed ## install, migrate, load demo data, serve on http://$(HOST):$(PORT)
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

install: $(VENV)/.installed static/build/app.css

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || "$$(.ci/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/app.css: node_modules/.installed $(wildcard static/src/*)
	npm run --silent build

assets: static/build/app.css

migrate: install
	$(PY) manage.py migrate --no-input

seed: install
	SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo

test: install ## the whole suite; without servers, server-bound tests are skipped and named
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/bandit -c pyproject.toml -r accounts commissioning config core delivery documents grants opendata outcomes -q

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || true

# After changing dependencies: install the new versions (pip install -U X into .venv), then
# record them; commit requirements.lock.
lock:
	$(PY) .ci/lock.py > requirements.lock

bench: install
	$(PY) bench/run.py
	$(PY) bench/load.py

# The load benchmark alone (issue 18): gunicorn on PostgreSQL against bare Django; the data
# sets are built once (bench/generate.py). BENCH_ARGS="--sets small --pages ranking" etc.
bench-load: install
	$(PY) bench/load.py $(BENCH_ARGS)

# Only build (or keep) the load benchmark's data sets: the big one in about half a minute.
# BENCH_ARGS="--set small --force" etc.
bench-data: install
	$(PY) bench/generate.py $(or $(BENCH_ARGS),--set all)

clean:
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3
