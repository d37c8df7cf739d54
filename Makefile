# Silver College: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
FLASK := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: install demo serve test test-sqlite test-postgres services browser lint bench

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) timetable solve --time-limit 60 --publish
	$(FLASK) run --host 127.0.0.1 --port 5000

serve: install
	$(FLASK) run --host 127.0.0.1 --port 5000

# Start PostgreSQL and Redis when they are installed but stopped; install chromium for browser tests.
services:
	bash tests/services.sh

browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

# The whole suite on SQLite, then the data layer again on PostgreSQL, each in TEST_WORKERS processes
# (pytest-xdist; each worker has its own database, browser and server port). TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

test: install services browser
	$(BIN)/ruff check .
	$(PYTEST)
	SILVER_TEST_DATABASE=postgresql SILVER_PG_URL=$(PG_TEST_URL) $(PYTEST) tests/college

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/solver_bench.py
	$(BIN)/python bench/bound_bench.py
	$(BIN)/python bench/ctt_bench.py --time-limit 45
	$(BIN)/python bench/pages_bench.py --runs 3
