# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
export FLASK_APP := app
# Links printed by the demo and put in e-mails point at the port being served.
export LMS_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test test-lowest install lint bench messages clean axe

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

# The compiled catalogues (.mo) are build products: made from the .po files on install.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard lms/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po $(STAMP)
	$(BIN)/pybabel -q compile -f -i $< -o $@ -l $(word 3,$(subst /, ,$<))

install: $(STAMP) $(CATALOGUES)

## Install, build the schema, load the course and the demo organisation, serve.
run: $(STAMP) $(CATALOGUES)
	$(BIN)/flask lms db upgrade
	$(BIN)/flask lms sync-courses
	$(BIN)/flask lms demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# axe-core, the accessibility checker the browser tests inject, comes from npm (never a
# CDN) into a gitignored cache. Without npm the accessibility tests skip (fail under CI=true).
AXE_DIR := .cache/axe
AXE_JS := $(AXE_DIR)/node_modules/axe-core/axe.min.js
axe:
	@if [ -f $(AXE_JS) ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm install --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error 'axe-core@^4.10'; \
	else echo "npm not found: axe-core not installed, the accessibility tests will be skipped"; fi

## Install and run the whole suite (on PostgreSQL too when LMS_TEST_DATABASE_URL is set),
## on every core (TEST_WORKERS=1 for one process; tests/workers.py).
TEST_WORKERS ?= auto
test: $(STAMP) $(CATALOGUES) axe
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal

## The suite (browser tests aside) against the lowest version of each runtime dependency
## that pyproject.toml allows, in its own venv: a host may have exactly those installed.
LOWEST := .venv-lowest
test-lowest: $(STAMP) $(CATALOGUES)
	test -x $(LOWEST)/bin/python || $(PYTHON) -m venv $(LOWEST)
	$(BIN)/python .ci/lowest_constraints.py > $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pip install --quiet -e '.[dev,postgres]' -c $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal --ignore=tests/browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Speed and scale on PostgreSQL (LMS_BENCH_DATABASE_URL); BENCH_ARGS=--quick for a short run.
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Refresh the translation template after changing UI strings.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k translatable --project flask-lms -o lms/translations/messages.pot lms

clean:
	rm -rf $(VENV) $(LOWEST) instance .pytest_cache
