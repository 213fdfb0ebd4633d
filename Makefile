# Afterline: `make run` serves the demo clinic, `make test` runs everything CI runs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install tools frontend test-frontend run test lint test-sqlite test-postgres bench mutation mutation-sample clean
FRONTEND_STAMP := frontend/node_modules/.installed-stamp

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The PWA: `npm ci` from the lock file, then a type-checked Vite build into frontend/dist,
# which the API serves at `/`.
$(FRONTEND_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $(FRONTEND_STAMP)

frontend: $(FRONTEND_STAMP)
	cd frontend && npm run build

test-frontend: $(FRONTEND_STAMP)
	cd frontend && npm test

# wrk drives `afterline bench` (and its smoke test); Chromium runs the browser tests in
# tests/e2e through Playwright (never `playwright install`). Debian packages both.
tools:
	@command -v wrk >/dev/null || { echo "installing wrk from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@test -x /usr/bin/chromium || { echo "installing chromium from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install frontend
	mkdir -p var
	$(BIN)/afterline migrate
	$(BIN)/afterline seed-demo --if-empty
	$(BIN)/afterline serve --host 127.0.0.1 --port 8000

# The two database passes share nothing (each has its own databases, ports and temp folder),
# so they run side by side, one per core; each line of their output says which pass it is.
# The PostgreSQL pass is the shorter, so it also takes BROWSER_SHARE of the browser tests
# (on SQLite, as they always are) and the two end together.
BROWSER_SHARE := tests/e2e/test_practitioner_screens.py tests/e2e/test_screens.py \
  tests/e2e/test_recovery_charts.py
test: install tools lint test-frontend frontend
	$(MAKE) --no-print-directory -j2 test-sqlite test-postgres SHARE_BROWSER=1

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy api jobs
	$(BIN)/afterline vocabulary --check

# The PWA's words come from api/core/vocabulary.py; this rewrites frontend/src/vocabulary.ts.
vocabulary: install
	$(BIN)/afterline vocabulary

test-sqlite: install tools
	mkdir -p .pytest-tmp
	set -o pipefail; env -u AFTERLINE_TEST_DATABASE_URL $(BIN)/pytest \
	  $(if $(SHARE_BROWSER),$(addprefix --ignore=,$(BROWSER_SHARE))) \
	  --basetemp=$(CURDIR)/.pytest-tmp/sqlite 2>&1 | sed -u 's/^/[sqlite] /'

# The browser tests and the benchmarks' smoke tests always run on their own SQLite database
# (they test the PWA and the bench, not the database): once, in the SQLite pass, is enough.
test-postgres: install tools
	mkdir -p .pytest-tmp
	set -o pipefail; PATH="$(CURDIR)/$(BIN):$$PATH" scripts/with-postgres.sh \
	  $(BIN)/pytest --ignore=tests/e2e --ignore=tests/test_bench.py -p no:cacheprovider \
	  --basetemp=$(CURDIR)/.pytest-tmp/postgres 2>&1 | sed -u 's/^/[postgres] /'
	$(if $(SHARE_BROWSER),set -o pipefail; env -u AFTERLINE_TEST_DATABASE_URL $(BIN)/pytest \
	  -p no:cacheprovider $(BROWSER_SHARE) --basetemp=$(CURDIR)/.pytest-tmp/browser \
	  2>&1 | sed -u 's/^/[browser] /')

bench: install tools
	$(BIN)/afterline bench

# Mutation testing (not part of `make test`): mutmut mutates api/alerts, api/checkins and
# api/notifications ([tool.mutmut] in pyproject.toml) into mutants/, and each mutant is judged
# by running the API tests that reach its function (SQLite); scripts/mutation_sample.py
# prints each verdict and the share killed. `make mutation` judges all ~4,900 (hours on two
# cores); `make mutation-sample` a seeded random SAMPLE of them (100: about half an hour).
SAMPLE ?= 100
mutation: install frontend
	env -u AFTERLINE_TEST_DATABASE_URL $(BIN)/python scripts/mutation_sample.py all

mutation-sample: install frontend
	rm -rf mutants
	env -u AFTERLINE_TEST_DATABASE_URL $(BIN)/python scripts/mutation_sample.py $(SAMPLE)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .pytest-tmp frontend/node_modules frontend/dist
