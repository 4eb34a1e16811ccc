# YOS Audit: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run setup test lint audit migrate demo assets lock clean serve loadtest benchmark

run: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Set up only what is missing or out of date: a second run installs nothing.
setup: $(VENV)/.installed node_modules/.installed static/build/application.css

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/application.css: node_modules/.installed static/scss/application.scss
	npx --no-install sass --load-path=. --load-path=node_modules --quiet-deps --no-source-map \
		--style=compressed static/scss/application.scss $@

assets: static/build/application.css

# Production serving: gunicorn with production settings (DEBUG off), workers from the CPU count,
# compressed and hashed static files. Needs SECRET_KEY, ALLOWED_HOSTS and a PostgreSQL DATABASE_URL
# (and REDIS_URL to run more than one instance). See docs/deploy.md.
serve: export DEBUG = 0
serve: export WHITENOISE_USE_FINDERS = 0
serve: setup
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "make serve needs DATABASE_URL=postgres://... (PostgreSQL)"; exit 2;; esac
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py record_initial_history
	GUNICORN_BIND=$${GUNICORN_BIND:-127.0.0.1:$(PORT)} \
		$(BIN)/gunicorn -c gunicorn.conf.py yos_audit.wsgi

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet --recursive inspections cases improvement yos_audit --severity-level high
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Speed (docs/performance.md). benchmark: build a data set in an empty database and time each page
# (SCALE=small|national). loadtest: 50 simulated people for 60 s against gunicorn on 127.0.0.1,
# over a database that `benchmark --scale national` built. Neither is part of `make test`.
SCALE ?= small
benchmark: setup
	$(BIN)/python manage.py migrate --no-input --verbosity 0
	$(BIN)/python manage.py benchmark --scale $(SCALE)

loadtest: setup
	BIN=$(BIN) bash scripts/loadtest.sh

# Security checks: bandit (no high-severity finding) and pip-audit (no known vulnerability in the
# pinned packages, or each justified in security/pip-audit-ignore.txt). pip-audit needs the network.
audit: setup
	$(BIN)/bandit --quiet --recursive inspections cases improvement yos_audit --severity-level high
	BIN=$(BIN) bash scripts/pip_audit.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Re-pin every Python package after changing requirements.in or requirements-dev.in.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	.lock-venv/bin/pip freeze --all --exclude pip --exclude setuptools --exclude wheel > requirements.txt
	.lock-venv/bin/pip install --quiet -r requirements-dev.in
	.lock-venv/bin/pip freeze --all --exclude pip --exclude setuptools --exclude wheel | grep -vxFf requirements.txt > requirements-dev.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules static/build staticfiles
