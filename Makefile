# Peer Journal: `make run` serves the app, `make test` runs the tests. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PORT

.PHONY: run dev test test-clock bench lint migrate browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

migrate: $(VENV)/.installed
	$(BIN)/flask --app wsgi db upgrade

## Serve the app with gunicorn (and the push worker beside it) on http://127.0.0.1:$(PORT)
run: migrate
	exec $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

## The Flask development server with the debugger and reloader: for development only.
dev: migrate
	$(BIN)/flask --app wsgi run --debug --port $(PORT)

## Browser tests need Debian's Chromium; CI installs it, locally the tests skip without it.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -q chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium); \
	  else echo "Chromium missing: browser tests will skip (sudo apt-get install chromium)"; fi; \
	fi

test: $(VENV)/.installed-dev
	@if [ "$$CI" = true ]; then $(MAKE) --no-print-directory browser; fi
	$(BIN)/pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-clock

## The suite again with the clock started in the first half-minute of March after a short February (UTC) and
## in the last half-minute of a year at UTC+14 (tests/conftest.py, --clock; the main pass runs on its
## DEFAULT_CLOCK): no test may depend on the hour, day or zone it runs in. SQLite only and
## no browser (Chromium keeps its own clock), nor the scale test (a real server, on the real clock) or the
## fuzzers (their seeded sessions cannot follow a clock that restarts every test): the dates are the point.
CLOCK_TESTS := -q -m "not browser and not scale and not fuzz" -k "not postgresql"
test-clock: $(VENV)/.installed-dev
	$(BIN)/pytest $(CLOCK_TESTS) --clock=2027-03-01T00:00:30@UTC
	$(BIN)/pytest $(CLOCK_TESTS) --clock=2026-12-31T23:59:30@Pacific/Kiritimati

## ruff, and the import contracts that keep the floors honest (.importlinter, ARCHITECTURE.md)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
