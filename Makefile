# Värna: the everyday commands. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
# Quality checks, translations and tests use the test settings (no real secret needed).
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings
BIN := .venv/bin
LOCALE_IGNORE := --ignore=.venv --ignore=var
header = @printf '\n==> %s\n' "$(1)"

.PHONY: help sync run test lint fmt check-project test-sqlite pg-test messages
.NOTPARALLEL:

help:
	@echo "make run          set up, load the demo municipality and serve on http://127.0.0.1:\$${PORT:-8000}/"
	@echo "make test         everything CI runs: lint, types, migrations, translations, tests on SQLite and PostgreSQL"
	@echo "make lint         ruff check, ruff format --check, mypy, import-linter"
	@echo "make fmt          format the code and apply ruff's safe fixes"
	@echo "make test-sqlite  only the tests on SQLite"
	@echo "make pg-test      only the database tests on PostgreSQL (a temporary cluster unless DATABASE_URL is set)"
	@echo "make messages     update the sv and en message catalogues and compile them"

sync:
	@scripts/bootstrap.sh

run:
	@scripts/run.sh

lint: sync
	$(call header,ruff check)
	$(BIN)/ruff check .
	$(call header,ruff format --check)
	$(BIN)/ruff format --check .
	$(call header,mypy)
	$(BIN)/mypy varna tests
	$(call header,import-linter: the rules of docs/architecture.md)
	$(BIN)/lint-imports --no-cache

fmt: sync
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Each step in turn, with its wall time printed at the end (scripts/test.sh).
test:
	@scripts/test.sh

check-project: sync
	$(call header,makemigrations --check)
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(call header,compilemessages)
	@mkdir -p varna/locale
	$(TEST_ENV) $(BIN)/varna manage compilemessages $(LOCALE_IGNORE) --verbosity=0
	$(call header,Chromium)
	@scripts/chromium.sh

# Both cores (pytest-xdist); the browser tests share one server, so they go to one worker (tests/conftest.py).
# The order is random (pytest-randomly prints its seed; `--randomly-seed=N` repeats an order, `-p no:randomly` stops it).
# pytest exits with 5 when it collects no tests: make stops on that as on any failure.
PYTEST := $(BIN)/pytest -n 2 --dist load --durations=10

test-sqlite: sync
	$(call header,pytest on SQLite: every test, browser tests included)
	env -u DATABASE_URL $(PYTEST)

# What does not touch the database (pure Python, the browser tests' own server) and the `wording` crawl ran in the SQLite pass.
pg-test: sync
	$(call header,pytest on PostgreSQL: the tests that use the database)
	scripts/postgres.sh $(PYTEST) --database-tests-only

messages: sync
	@mkdir -p varna/locale
	$(call header,makemessages)
	$(TEST_ENV) $(BIN)/varna manage makemessages -l sv -l en $(LOCALE_IGNORE)
	$(call header,compilemessages)
	$(TEST_ENV) $(BIN)/varna manage compilemessages $(LOCALE_IGNORE)
