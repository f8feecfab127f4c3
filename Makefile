# The two commands of README.md: `make run` and `make test`. Each does all set-up itself.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
# localhost, not 127.0.0.1: a WebAuthn RP ID must be a domain name (browsers refuse security
# keys on an IP address), and http://localhost is a secure context.
HOST   ?= localhost
PORT   ?= 8000
DEMO_PORT ?= 8001

# Development defaults: SQLite, tasks in-process, email and SMS to the dev outbox; security
# keys bound to the host and port served.
RUN_ENV := DEBUG=true MFA_WEBAUTHN_RP_ID=$(HOST) MFA_WEBAUTHN_ORIGINS=http://$(HOST):$(PORT)

# Test defaults: a fast Argon2, plain-HTTP cookies for the local test servers.
TEST_ENV := EULOGIN_ENV_FILE= SECRET_KEY=tests-only-not-a-secret EULOGIN_FAST_HASHER=true \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	SECURE_HSTS_SECONDS=0 STATIC_MANIFEST=false ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	DJANGO_ALLOW_ASYNC_UNSAFE=true CELERY_TASK_ALWAYS_EAGER=true \
	SMS_BACKEND=mfa_sms.backends.locmem.SmsBackend

.PHONY: install messages run test bench bench-sms clean system-packages browser bench-scale prod proxy-packages audit

# System packages from Debian: gettext (msgfmt, to compile translations) for everything,
# Chromium for the browser tests. Installed with apt-get when missing and we are root.
define apt_need
	@missing=""; for pair in $(1); do cmd=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; apt-get update -q >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null; \
	  else echo "please install:$$missing (Debian packages)"; exit 1; fi; fi
endef

system-packages:
	$(call apt_need,msgfmt:gettext)

browser:
	$(call apt_need,chromium:chromium)

$(VENV)/.installed: requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check -q --require-hashes -r requirements/lock.txt
	touch $@

install: $(VENV)/.installed

messages: install system-packages
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore .venv -v 0

# The checkout's development defaults for manage.py commands typed by hand (git-ignored;
# written once, never overwritten: edit it freely).
.env:
	@printf '# Development defaults of this checkout, read by eulogin/settings.py (written by make run).\nDEBUG=true\n' > $@
	@echo "wrote .env (DEBUG=true): manage.py commands on this checkout use the development defaults"

run: .env messages
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

test: messages browser
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# eulogin beside django-cas-server and django-mama-cas (installed from PyPI under bench/.venvs/).
bench: messages
	$(PY) bench/run.py

# SMS queued -> accepted by the provider: a real Celery worker on Redis, Twilio's API stubbed on loopback.
bench-sms: messages
	$(PY) bench/sms.py

# The same CAS figures with 1 000 000 people and 100 000 live SSO sessions seeded.
bench-scale: messages
	$(PY) bench/scale.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# The production shape on this machine: nginx (HTTPS, self-signed) in front of two gunicorn
# nodes, a Celery worker and beat, on the local PostgreSQL and Redis (deploy/local/prod.sh).
proxy-packages:
	$(call apt_need,nginx:nginx openssl:openssl)

prod: messages proxy-packages
	deploy/local/prod.sh

# Known vulnerabilities in requirements/lock.txt (pip-audit; .ci/run runs it).
audit: install
	$(PY) .ci/audit.py
