# Everyday verbs. Each target builds the virtual environment it needs from the lock file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgres test-browser lint serve install clean

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/tandem demo

serve: $(STAMP)
	$(BIN)/tandem serve

# The whole suite on SQLite with the browser tests (headless Chromium), then again on PostgreSQL.
test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider --db sqlite --playwright
	$(BIN)/python -m pytest -q -p no:cacheprovider --db postgres -m "not playwright"

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
