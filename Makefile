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

LOCK := requirements/dev.lock
RUNTIME_LOCK := requirements/runtime.lock
COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --generate-hashes --quiet

# Installs exactly what the lock names (hashes checked, nothing resolved), then oms itself.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "oms needs Python >= 3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) translations ## Create .venv from requirements/dev.lock (oms, its demo data and dev tools)

.PHONY: lock
lock: $(STAMP) ## Re-lock requirements/*.lock after editing pyproject.toml (other pins stay)
	$(COMPILE) --extra dev -o $(LOCK)
	$(COMPILE) -c $(LOCK) -o $(RUNTIME_LOCK)

.PHONY: upgrade-lock
upgrade-lock: $(STAMP) ## Move every pin in requirements/*.lock to the newest allowed release
	$(COMPILE) --extra dev --upgrade -o $(LOCK)
	$(COMPILE) -c $(LOCK) -o $(RUNTIME_LOCK)

.PHONY: demo
demo: $(STAMP) translations pdf-fonts ## Migrate an embedded SQLite database, load the demo merchant and serve on :8000
	$(BIN)/oms db upgrade
	$(BIN)/oms demo load
	OMS_CONSOLE_SECURE_COOKIE=$${OMS_CONSOLE_SECURE_COOKIE:-false} $(BIN)/oms serve

.PHONY: serve
serve: $(STAMP) translations ## Serve the API on the configured database (OMS_DATABASE_URL)
	$(BIN)/oms serve

# Invoices render Chinese text: WeasyPrint needs a CJK font from the system (and HarfBuzz's subset
# library to embed only the glyphs used). Installed from Debian's packages when missing.
PDF_PACKAGES := fonts-wqy-zenhei libharfbuzz-subset0

.PHONY: pdf-fonts
pdf-fonts: ## Install the system fonts invoices need (Debian packages), if missing
	@if [ "$$(dpkg-query -W -f='$${Status}\n' $(PDF_PACKAGES) 2>/dev/null | grep -c 'install ok installed')" != 2 ]; then \
		echo "installing $(PDF_PACKAGES) (invoice PDFs in Chinese)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get install -y --no-install-recommends $(PDF_PACKAGES) >/dev/null \
		|| { $$SUDO apt-get update >/dev/null && $$SUDO apt-get install -y --no-install-recommends $(PDF_PACKAGES) >/dev/null; }; \
	fi

# The console's browser tests drive Debian's Chromium through Playwright (no browser download).
.PHONY: chromium
chromium: ## Install Debian's Chromium for the console's browser tests, if missing
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing chromium (the console's browser tests)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get install -y --no-install-recommends chromium >/dev/null \
		|| { $$SUDO apt-get update >/dev/null && $$SUDO apt-get install -y --no-install-recommends chromium >/dev/null; }; \
	fi

.PHONY: test
test: $(STAMP) translations pdf-fonts chromium ## All tests on SQLite, and on PostgreSQL when a server answers at 127.0.0.1:5432
	$(BIN)/python tools/postgres_for_tests.py -- $(MAKE) --no-print-directory suite

.PHONY: suite
suite: $(STAMP) translations ## All tests, on PostgreSQL only if OMS_TEST_POSTGRES_URL names a database
	$(BIN)/pytest -q -n 2 --dist loadfile --durations=30 -m "not exclusive" tests
	$(BIN)/pytest -q -m exclusive tests

.PHONY: unit
unit: $(STAMP) translations ## Unit tests only (no database, seconds)
	$(BIN)/pytest -q tests/unit

.PHONY: check
check: $(STAMP) translations pdf-fonts ## ruff, mypy --strict, import-linter contracts and unit tests
	$(BIN)/ruff check src tests tools bench
	$(BIN)/ruff format --check src tests tools bench
	$(BIN)/mypy src
	$(BIN)/lint-imports
	$(BIN)/pytest -q tests/unit

# Customer mail is translated with gettext: the templates' English texts are extracted to
# messages.pot, merged into each language's .po (translated there), and compiled to the .mo files
# the mailer reads. The .mo files are built, not committed: every target that runs oms builds
# them first, so a fresh clone sends German mail in German.
MAIL_LOCALES := src/oms/notifications/locales
MAIL_CATALOGUES := $(wildcard $(MAIL_LOCALES)/*/LC_MESSAGES/messages.po)

.PHONY: messages
messages: $(STAMP) ## Extract the mail templates' texts to messages.pot and merge them into every .po
	$(BIN)/pybabel -q extract -F babel.cfg --add-location=file --sort-output \
		--add-comments=Translators: --project=oms --copyright-holder="oms contributors" \
		-o $(MAIL_LOCALES)/messages.pot src/oms/notifications/templates
	$(BIN)/pybabel -q update -i $(MAIL_LOCALES)/messages.pot -d $(MAIL_LOCALES) \
		--ignore-obsolete --ignore-pot-creation-date

# The console and the customer pages have their own catalogue (domain "console"), made the same way.
CONSOLE_LOCALES := src/oms/console/locales
CONSOLE_LANGUAGES := de fr es zh
CONSOLE_CATALOGUES := $(wildcard $(CONSOLE_LOCALES)/*/LC_MESSAGES/console.po)

.PHONY: console-messages
console-messages: $(STAMP) ## Extract the console's and customer pages' texts to console.pot and merge them into every .po
	$(BIN)/pybabel -q extract -F babel.cfg --add-location=file --sort-output \
		--add-comments=Translators: --project=oms --copyright-holder="oms contributors" \
		-o $(CONSOLE_LOCALES)/console.pot src/oms/console
	@for language in $(CONSOLE_LANGUAGES); do \
		po=$(CONSOLE_LOCALES)/$$language/LC_MESSAGES/console.po; \
		if [ -f $$po ]; then \
			$(BIN)/pybabel -q update -D console -i $(CONSOLE_LOCALES)/console.pot -d $(CONSOLE_LOCALES) -l $$language \
				--ignore-obsolete --ignore-pot-creation-date; \
		else \
			$(BIN)/pybabel -q init -D console -i $(CONSOLE_LOCALES)/console.pot -d $(CONSOLE_LOCALES) -l $$language; \
		fi; \
	done

.PHONY: translations
translations: $(MAIL_CATALOGUES:.po=.mo) $(CONSOLE_CATALOGUES:.po=.mo) ## Compile the mail and console catalogues (.po to .mo)

$(MAIL_LOCALES)/%/LC_MESSAGES/messages.mo: $(MAIL_LOCALES)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel -q compile -l $* -i $< -o $@

$(CONSOLE_LOCALES)/%/LC_MESSAGES/console.mo: $(CONSOLE_LOCALES)/%/LC_MESSAGES/console.po | $(STAMP)
	$(BIN)/pybabel -q compile -D console -l $* -i $< -o $@

.PHONY: bench
bench: $(STAMP) translations ## Benchmark order placement (raw SQL vs service vs HTTP) and the console's pages, on PostgreSQL and SQLite
	$(BIN)/python -m bench
	$(BIN)/python -m bench.console
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.imports

.PHONY: bench-quick
bench-quick: $(STAMP) translations ## A short benchmark run (a few minutes) for development
	$(BIN)/python -m bench --quick
	$(BIN)/python -m bench.console --quick

.PHONY: bench-console
bench-console: $(STAMP) translations ## Only the console's page timings (demo data, then 100,000 orders more)
	$(BIN)/python -m bench.console

.PHONY: bench-import
bench-import: $(STAMP) ## Import the whole Online Retail file into SQLite and PostgreSQL, timed, checked against its known figures, rerun
	$(BIN)/python -m bench.imports

.PHONY: bench-reports
bench-reports: $(STAMP) ## Only the reports' timings (dataset-sized history, then 1,000,000 orders; PostgreSQL and SQLite)
	$(BIN)/python -m bench.reports

DATASET := ../shared/data/online_retail.csv.xz
INSIGHT_DIR := build/insight

.PHONY: insight
insight: $(STAMP) ## Full-dataset checks on the real data: the demand backtest (all SKUs), the CLV holdout check, the reports; times in docs/insight.md
	@mkdir -p $(INSIGHT_DIR)
	@test -f $(DATASET) || { echo "$(DATASET) is missing"; exit 1; }
	/usr/bin/time -f "DEMAND_BACKTEST_S %e" $(BIN)/oms forecast backtest --file $(DATASET) \
		--json $(INSIGHT_DIR)/demand_backtest.json --scores $(INSIGHT_DIR)/demand_backtest_skus.csv
	/usr/bin/time -f "CLV_CHECK_S %e" $(BIN)/oms clv check --file $(DATASET) | tee $(INSIGHT_DIR)/clv_check.txt
	$(MAKE) --no-print-directory reports-check

.PHONY: reports-check
reports-check: $(STAMP) ## Every report equal to DuckDB over the Parquet export, the whole real dataset, PostgreSQL and SQLite
	@test -f $(DATASET) || { echo "$(DATASET) is missing"; exit 1; }
	/usr/bin/time -f "REPORTS_CHECK_S %e" $(BIN)/python -m bench.reports_check --dataset $(DATASET)

.PHONY: format
format: $(STAMP) ## Format and auto-fix the code
	$(BIN)/ruff format src tests tools bench
	$(BIN)/ruff check --fix src tests tools bench

.PHONY: migration
migration: $(STAMP) ## Autogenerate a migration: make migration m="what changed"
	$(BIN)/alembic revision --autogenerate -m "$(m)"

.PHONY: events-doc
events-doc: $(STAMP) ## Write docs/events.md (every event type's schema and example) from the code
	$(BIN)/oms events docs --output docs/events.md

.PHONY: clean
clean: ## Remove the virtualenv, caches and the embedded database
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis oms.db oms.db-wal oms.db-shm
