# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
TRANSLATIONS := sponsorship/translations
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
PORT ?= 5000

.PHONY: run serve test lint format translations extract-messages clean browser-deps

$(STAMP): setup.cfg pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) -l $*

translations: $(COMPILED)

## Start the app with demo data and the scheduler on http://127.0.0.1:5000
run: $(STAMP) translations
	$(FLASK) setup
	@$(MAKE) --no-print-directory serve

## The web app and the scheduler side by side, without set-up; Ctrl+C stops both.
# The trap is cleared before `kill 0`: that signal reaches this shell too, and under dash a trap
# still set would run again and again until the shell crashed ("Segmentation fault").
serve:
	@echo "Starting the web app on http://127.0.0.1:$(PORT) and the scheduler (Ctrl+C stops both)."
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	  $(FLASK) jobs run & $(FLASK) run --host 127.0.0.1 --port $(PORT)

## Lint, then the whole suite on SQLite, and again on TEST_DATABASE_URL when it is set
test: $(STAMP) translations browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "== migrations on a fresh SQLite database: upgrade, then check for drift"
	@tmp=$$(mktemp -d) && DATABASE_URL="sqlite:///$$tmp/check.db" $(FLASK) db upgrade \
	  && DATABASE_URL="sqlite:///$$tmp/check.db" $(FLASK) db check; rc=$$?; rm -rf $$tmp; exit $$rc
	@echo "== pytest on SQLite"
	env -u TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== pytest on $${TEST_DATABASE_URL%%://*}"; \
	  $(BIN)/pytest; \
	fi

## Chromium for the browser tests, from Debian's package, when it is missing and we may install it
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and cannot be installed here: browser tests will be skipped"; fi; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Refresh the catalogs from the source after adding strings
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
