# Two commands for a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-postgres test-browser setup db translations update-translations lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,browser]'
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile -d portal/translations >/dev/null

# After changing user-visible strings: extract them, then translate the new ones in the .po file.
update-translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location \
		-o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations

setup: $(STAMP) translations

db: setup
	$(FLASK) init-db
	@if [ "$$($(FLASK) catalog-empty 2>/dev/null)" != "no" ]; then $(FLASK) demo-data; fi

# The whole product: the web app, the mail worker and a local mail catcher that keeps every
# mail as an .eml file in <instance>/mail (nothing leaves the machine). Ctrl-C stops all three.
MAIL_DIR = $${PORTAL_INSTANCE_PATH:-instance}/mail
RUN_SMTP := PORTAL_SMTP_HOST=127.0.0.1 PORTAL_SMTP_PORT=1025 PORTAL_SMTP_USER= PORTAL_SMTP_STARTTLS=false

run: db
	@echo ""
	@echo "Service Portal on http://127.0.0.1:5000  (demo sign-ins, password demo1234):"
	@$(FLASK) demo-sign-ins
	@echo "Mail is caught on 127.0.0.1:1025 and kept in $(MAIL_DIR)/*.eml"
	@echo ""
	@trap 'kill $$catcher $$worker 2>/dev/null; wait' EXIT INT TERM; \
	$(BIN)/python -m portal.mail_catcher --port 1025 "$(MAIL_DIR)" & catcher=$$!; \
	$(RUN_SMTP) $(FLASK) worker --interval 5 & worker=$$!; \
	$(RUN_SMTP) $(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --access-logfile - \
		'portal:create_app()'

test: setup
	$(BIN)/pytest -m "not browser" -q

# While working: everything but the browser tests and the `slow` ones (servers, processes,
# many threads, sleeps, the demo data). `make test` and CI run those too.
test-fast: setup
	$(BIN)/pytest -m "not browser and not slow" -q

test-postgres: setup
	PORTAL_TEST_DATABASE_URL=$${PORTAL_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -m "not browser" -q

test-browser: setup
	$(BIN)/pytest -m browser -q

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) *.egg-info
