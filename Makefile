# The two commands a new user needs: `make run` and `make test`. Both create or reuse .venv.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { command -v $$p; break; }; done)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test lint test-sqlite test-postgres browser bench clean screenshots

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

# The newcomer's start: the demo shop is on (TENDER_DEMO=true) for this loopback server.
run: $(STAMP)
	TENDER_DEMO=$${TENDER_DEMO:-true} $(BIN)/tender serve

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser),
# and valgrind for bench.instructions (its test counts a flow's instructions).
browser:
	@command -v chromium >/dev/null && command -v valgrind >/dev/null || { \
	  echo "installing Debian's chromium and valgrind for the tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium valgrind; }

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

test-sqlite: $(STAMP) browser
	TENDER_TEST_DATABASE=sqlite $(BIN)/pytest $(PYTEST_ARGS)

# Fails when PostgreSQL is unreachable under CI; elsewhere says so loudly and stops.
test-postgres: $(STAMP) browser
	TENDER_TEST_DATABASE=postgresql $(BIN)/pytest $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

# Re-take the README's screenshots (docs/screenshots/) from the browser tests.
screenshots: $(STAMP) browser
	TENDER_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q tests/web tests/demo


# The full payment flow on Tender (SQLite, PostgreSQL) and localstripe at c=1, 8, 32: bench/README.md.
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
