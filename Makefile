# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST_PORT ?= 127.0.0.1:8000

WORKERS ?= 3

.PHONY: run serve test lint format migrations-check bench loadtest eval-importer venv clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

## Set up, migrate, load fixtures/, make sure an admin account exists, serve on 127.0.0.1:8000.
run: $(BIN)/.installed .secret-key
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py load_readouts --if-empty
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py ensure_admin --address $(HOST_PORT)
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py runserver $(HOST_PORT)

# This checkout's own secret key, for manage.py run by hand (see diplomacy/settings.py).
.secret-key:
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

## Production: static files, migrations, gunicorn (needs DJANGO_SECRET_KEY; see README).
serve: $(BIN)/.installed
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/gunicorn diplomacy.wsgi --bind $(HOST_PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS-127.0.0.1}"

## Set up with the dev tools and run the whole suite (PostgreSQL when DATABASE_URL names one).
test: $(BIN)/.installed-dev
	@[ -x /usr/bin/chromium ] || echo "Browser tests skipped: /usr/bin/chromium is not installed (apt-get install chromium)."
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Benchmarks at 10,000 and 100,000 meetings on PostgreSQL (DATABASE_URL); writes docs/benchmarks.md.
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

## Score the readout text importer on the hand-checked dev set; writes docs/importer-accuracy.md.
## CORPUS=folder also runs every readout in the folder through it.
eval-importer: $(BIN)/.installed
	$(BIN)/python bench/eval_importer.py $(if $(CORPUS),--corpus $(CORPUS))

## Bounded load test against gunicorn and PostgreSQL (DATABASE_URL); writes docs/loadtest.md.
loadtest: $(BIN)/.installed
	$(BIN)/python bench/loadtest.py

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(BIN)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
