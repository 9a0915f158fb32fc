# The two commands in README.md: `make demo` and `make test`.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint format migrate bench clean

install:
	@bash scripts/bootstrap.sh

migrate: install
	@mkdir -p var
	@$(PY) manage.py migrate --no-input -v 0

demo: migrate
	@$(PY) manage.py seed_demo
	@$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@mkdir -p var artifacts
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) manage.py makemigrations --check --dry-run -v 0
	@$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	@$(PY) -m ruff check --fix .
	@$(PY) -m ruff format .

clean:
	rm -rf .venv var artifacts
