# The two commands of README.md: `make run` and `make test`. Each does all set-up itself.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_PORT ?= 8001

# Development defaults: SQLite, tasks in-process, email and SMS to the dev outbox.
RUN_ENV := DEBUG=true

# Test defaults: a fast Argon2, plain-HTTP cookies for the local test servers.
TEST_ENV := SECRET_KEY=tests-only-not-a-secret EULOGIN_FAST_HASHER=true \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	SECURE_HSTS_SECONDS=0 STATIC_MANIFEST=false ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	DJANGO_ALLOW_ASYNC_UNSAFE=true CELERY_TASK_ALWAYS_EAGER=true \
	SMS_BACKEND=mfa_sms.backends.locmem.SmsBackend

.PHONY: install messages run test bench clean

$(VENV)/.installed: requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check -q --require-hashes -r requirements/lock.txt
	touch $@

install: $(VENV)/.installed

messages: install
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore .venv -v 0

run: messages
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v 0
	$(RUN_ENV) TRACES_SERVICE_URL=http://$(HOST):$(DEMO_PORT)/ $(PY) manage.py seed_demo
	$(PY) -m traces_gateway.demo_site migrate --noinput -v 0
	@echo ""
	@echo "  eulogin:          http://$(HOST):$(PORT)/account/login/"
	@echo "  demo TRACES NT:   http://$(HOST):$(DEMO_PORT)/"
	@echo "  dev outbox:       http://$(HOST):$(PORT)/dev/outbox/"
	@echo "  admin:            http://$(HOST):$(PORT)/admin/"
	@echo "  demo users:       demo@example.org, admin@example.org; password: $${EULOGIN_DEMO_PASSWORD:-demo-eulogin-2024}"
	@echo ""
	@DEMO_TRACES_CAS_SERVER_URL=http://$(HOST):$(PORT)/cas/ $(PY) -m traces_gateway.demo_site runserver \
		$(HOST):$(DEMO_PORT) --noreload & demo=$$!; trap 'kill $$demo 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) TRACES_SERVICE_URL=http://$(HOST):$(DEMO_PORT)/ $(PY) manage.py runserver $(HOST):$(PORT)

test: messages
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

bench: messages
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
