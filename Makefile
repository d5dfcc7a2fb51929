# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# make run listens on loopback only; HOST=0.0.0.0 make run opens it to the network.
HOST ?= 127.0.0.1
export PATHWAYS_DATA_DIR ?= $(CURDIR)/var

.PHONY: install run lint test bench demo clean chromium messages

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# The gettext catalogues, compiled from their .po files (the .mo files are not in git).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard service/translations/*/LC_MESSAGES/*.po))

install: $(BIN)/.installed $(CATALOGUES)

%.mo: %.po $(BIN)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

## The msgids to translate, for translators: var/messages.pot (every msgid the code and the templates mark,
## mapped by babel.cfg) and var/labels.pot (the labels of values, each with its kind as context).
## tests/unit/test_translations_complete.py names what a language lacks.
messages: $(BIN)/.installed
	mkdir -p var
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -k Msg \
		--project Pathways --sort-by-file -o var/messages.pot .
	$(BIN)/python -m service.translations.labels > var/labels.pot

## The whole system on the embedded default (SQLite, Kombu's SQLite transport) with demo data:
## the API under gunicorn, the relay and the workers, stopped together with Ctrl-C. The demo is
## loaded on the first run only (its tokens are kept); the URL and the tokens are printed once
## the API answers. DEMO_ARGS=--reissue-tokens replaces the demo tokens.
run: install
	@echo "pathways: migrating and loading the demo if it is not there yet (about a minute the first time)"
	$(BIN)/pathways demo --quiet $(DEMO_ARGS)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/pathways run

## The gates before the suite: ruff (rules in pyproject.toml) and mypy on service/domain,
## service/services and workers.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

## The lowest line coverage of service, workers and schemas the suite may fall to: measured 95.2 % on
## 2026-12-05 (7,625 statements, 369 missed), less one point for paths that depend on timing.
COVERAGE_FLOOR ?= 94

## axe-core for the browser tests' accessibility checks: Deque's package from the npm registry, at the version
## tests/browser/package-lock.json pins. Without npm the browser tests skip (fail under REQUIRE_SERVICES=1).
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent \
		|| echo "warning: npm could not install axe-core for the browser tests" >&2

## Debian's chromium and chromium-driver for the browser tests (tests/browser), installed with apt-get when
## missing, as bench installs wrk; nothing else downloads a browser. Without them the browser tests skip.
chromium: install $(AXE)
	$(BIN)/python -m tests.browser.chromium

## The whole suite after the gates; REQUIRE_SERVICES=1 turns "PostgreSQL unreachable" (or no chromium) into failures.
test: install lint chromium
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS)

## The benchmark suite against PostgreSQL and RabbitMQ on loopback (not part of `make test`):
## prints one table and writes bench/results/latest.{json,md}. BENCH_ARGS="--help" lists its options.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
