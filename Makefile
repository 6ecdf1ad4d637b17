# oms — run `make help` for the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONPATH := tools

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "oms needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv and install oms with its development tools

.PHONY: demo
demo: $(STAMP) ## Migrate an embedded SQLite database, load the demo merchant and serve on :8000
	$(BIN)/oms db upgrade
	$(BIN)/oms demo load
	$(BIN)/oms serve

.PHONY: serve
serve: $(STAMP) ## Serve the API on the configured database (OMS_DATABASE_URL)
	$(BIN)/oms serve

.PHONY: test
test: $(STAMP) ## Unit, integration (SQLite; PostgreSQL when OMS_TEST_POSTGRES_URL is set) and e2e tests
	$(BIN)/pytest -q -n 2 --dist loadfile -m "not exclusive" tests
	$(BIN)/pytest -q -m exclusive tests

.PHONY: unit
unit: $(STAMP) ## Unit tests only (no database, seconds)
	$(BIN)/pytest -q tests/unit

.PHONY: check
check: $(STAMP) ## ruff, mypy --strict, import-linter contracts and unit tests
	$(BIN)/ruff check src tests tools bench
	$(BIN)/ruff format --check src tests tools bench
	$(BIN)/mypy src
	$(BIN)/lint-imports
	$(BIN)/pytest -q tests/unit

.PHONY: bench
bench: $(STAMP) ## Benchmark order placement (raw SQL vs service vs HTTP) on PostgreSQL and SQLite
	$(BIN)/python -m bench

.PHONY: bench-quick
bench-quick: $(STAMP) ## A short benchmark run (under 2 minutes) for development
	$(BIN)/python -m bench --quick

.PHONY: format
format: $(STAMP) ## Format and auto-fix the code
	$(BIN)/ruff format src tests tools bench
	$(BIN)/ruff check --fix src tests tools bench

.PHONY: migration
migration: $(STAMP) ## Autogenerate a migration: make migration m="what changed"
	$(BIN)/alembic revision --autogenerate -m "$(m)"

.PHONY: clean
clean: ## Remove the virtualenv, caches and the embedded database
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis oms.db oms.db-wal oms.db-shm
