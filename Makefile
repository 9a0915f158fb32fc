# The two commands in README.md: `make demo` and `make test`.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test lint format migrate bench clean

install:
	@bash scripts/bootstrap.sh

migrate: install
	@mkdir -p var
	@$(PY) manage.py migrate --no-input -v 0

# The demo runs with what production never gets: DEBUG, a published key, and the second factor not required, so
# that a visitor walks every role with the one demo password (enrolling a TOTP app stays possible, per account).
# Target-specific exports reach the prerequisites (migrate) too. The server, a task worker and the scheduler run
# together (scripts/demo.sh); Ctrl-C stops all three.
demo: export DEBUG := true
demo: export SECRET_KEY := quanke-demo-only-secret-key-never-use-in-production
demo: export OTP_REQUIRED := false
demo: export LOG_FORMAT := text
demo: migrate
	@$(PY) manage.py seed_demo
	@HOST=$(HOST) PORT=$(PORT) PY=$(PY) bash scripts/demo.sh

# Production-like: collectstatic, migrate and gunicorn with the environment you give (docs/DEPLOY.md).
serve: install
	@bash scripts/serve.sh

# The suite's own settings (config/settings_test.py: production's, with a test key); pytest reads them from
# pyproject.toml, manage.py from here.
test: export DJANGO_SETTINGS_MODULE := config.settings_test
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
