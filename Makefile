# Two commands for a newcomer: `make run` and `make test` (see README).
# Supported: 3.11 to 3.13 (requires-python in pyproject.toml).
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The embedded default: SQLite, tasks in-process, email to var/mail/.
DEV_ENV := DJANGO_DEBUG=true
# Port of `make run` (make run PORT=8001).
PORT ?= 8000

.PHONY: run test lint lock clean worker beat bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py demo_cargar
	$(DEV_ENV) $(BIN)/python manage.py demo_historial
	$(DEV_ENV) $(BIN)/python manage.py demo_participacion
	@# The PIDE and ID GOB.PE stand-ins, then runserver (tools/desarrollo.py).
	$(DEV_ENV) $(BIN)/python tools/desarrollo.py $(PORT)

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint, and no model change without its migration.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate the pinned requirements from requirements.in / requirements-dev.in.
lock: $(VENV)/.dev
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

# A worker and a beat against a local Redis, for trying the production path.
worker: $(VENV)/.runtime
	$(BIN)/celery -A egov worker -Q default,pdf --loglevel INFO

beat: $(VENV)/.runtime
	$(BIN)/celery -A egov beat --loglevel INFO

clean:
	rm -rf var/ staticfiles/ .pytest_cache

# Throughput of the main pages as a ratio to a bare Django view (see bench/run.py).
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py
