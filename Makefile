# Tildel: two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_SIZE ?= medium

.PHONY: run test lint bench bench-clean bench-pg bench-insight bench-exchange bench-search bench-load clean install serve demo format e2e

# The virtual environment is rebuilt when pyproject.toml changes.
$(BIN)/tildel: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/tildel

# The benchmark tools (gunicorn, locust) only for make bench.
$(VENV)/.bench: $(BIN)/tildel
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	@touch $@

## run: install, migrate, load the demo municipality if the database is empty, serve.
run: install
	$(BIN)/tildel migrate --no-input -v 0
	$(BIN)/tildel demo --size $(DEMO_SIZE) --if-empty
	$(BIN)/tildel figures --refresh
	$(BIN)/tildel collectstatic --no-input -v 0
	@echo ""
	@$(BIN)/tildel demo_logins
	@echo ""
	@echo "Tildel kjører på http://$(HOST):$(PORT)/  (Ctrl+C for å stoppe)"
	$(BIN)/tildel runserver --noreload $(HOST):$(PORT)

## test: ruff and the whole pytest suite (DATABASE_URL picks the database).
test: install lint
	$(BIN)/pytest -n 2 --dist loadfile -q

## e2e: the browser journeys (Playwright, Debian's Chromium, axe-core) on SQLite, one
## process; screenshots in var/e2e/. Needs /usr/bin/chromium (apt-get install chromium).
e2e: install
	env -u DATABASE_URL $(BIN)/pytest -m e2e -q tests/e2e

lint: install
	$(BIN)/ruff check src tests

format: install
	$(BIN)/ruff check --fix src tests

## bench: every benchmark in one table, on a PostgreSQL server kept in var/bench (the city
## demo is built the first time, about 5 minutes, then reused); exits non-zero when a
## budget is missed. Not part of test. bench-clean starts over.
bench: install $(VENV)/.bench
	TILDEL_BENCH_CACHE=$(CURDIR)/var/bench bench/with-postgres --keep var/bench/pg \
		$(BIN)/python bench/suite.py

bench-clean:
	rm -rf var/bench

## bench-insight: key figures on the city-size demo (no visits) on a throwaway PostgreSQL.
bench-insight: install
	bench/with-postgres $(BIN)/python bench/insight_bench.py

## bench-exchange: KPR export and JSONL import on the city-size demo on a throwaway PostgreSQL.
bench-exchange: install
	bench/with-postgres $(BIN)/python bench/exchange_bench.py

## bench-search: person search over the city (60,000) and 500,000 persons on a throwaway
## PostgreSQL.
bench-search: install
	bench/with-postgres $(BIN)/python bench/search_bench.py

## bench-load: 20 users against gunicorn (2 workers) and PostgreSQL, on the city demo.
bench-load: install $(VENV)/.bench
	bench/with-postgres $(BIN)/python bench/load_bench.py

## bench-pg: the same benchmarks on a throwaway PostgreSQL server (5 million visit rows).
bench-pg: install
	bench/with-postgres $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var build src/*.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
