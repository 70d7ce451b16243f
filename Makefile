# The README's two commands: `make run` and `make test` do all the set-up themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` is for a desk on one machine: DEBUG on unless the caller says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}
# Tests need a key but no secrets; CI and developers get the same one.
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-test-only-secret-key} DEBUG=

.PHONY: run serve test setup lint format admin clean schema bench

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Test-only tools from npm (HTML checker, axe-core); skipped with a message where npm is missing.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else echo "npm not found: HTML-validity and accessibility tests will be skipped."; fi

setup: $(BIN)/.installed

run: setup
	$(RUN_ENV) $(BIN)/python manage.py compilecatalogues
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py loaddata seed
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "Newsroom is at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/$(or $(ADMIN_URL),admin/))."
	@echo "To log in to the admin, create your account once with:  make admin"
	@echo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# `make serve` is production mode on this machine: DEBUG off whatever the caller says,
# gunicorn (newsroom/gunicorn.py: workers from the CPU count), whitenoise's compressed,
# hashed static files, and the configured DATABASE_URL. It refuses to start without
# SECRET_KEY. Run one per app server, behind nginx (newsroom/nginx.conf.example).
SERVE_ENV := DEBUG=

serve: setup
	@$(SERVE_ENV) $(BIN)/python -c "import newsroom.gunicorn as g; g.check_settings()"
	$(SERVE_ENV) $(BIN)/python manage.py compilecatalogues
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/gunicorn --config newsroom/gunicorn.py --bind $(HOST):$(PORT) newsroom.wsgi

admin: setup
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py createsuperuser

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: setup node_modules/.installed lint
	$(TEST_ENV) $(BIN)/python manage.py compilecatalogues
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The content API's OpenAPI schema, committed; test_api_schema.py fails when it is stale.
schema: setup
	$(TEST_ENV) $(BIN)/python manage.py spectacular --lang en --validate --fail-on-warn --file articles/api/openapi.yaml

# The benchmark (newsroom/bench.py): generates the newsroom at each of BENCH_SIZES (default
# "100 10000" stories), serves it with gunicorn and loads it with wrk (Debian's `wrk`) for
# BENCH_SECONDS (10) per page. SQLite: a file of its own under artifacts/bench/; PostgreSQL
# (DATABASE_URL or BENCH_DATABASE_URL): that database is emptied. Report, data and chart in
# artifacts/bench/bench-<database>.{md,json,png}. A smoke run: BENCH_SIZES=50 BENCH_SECONDS=1.
bench: setup
	$(BIN)/python -m newsroom.bench

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache
