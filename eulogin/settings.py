"""eulogin settings: one module, every value from the environment.

Embedded defaults (SQLite, in-process Celery tasks, dev outbox) apply only when DEBUG is
on; with DEBUG off the deployment must name its secret key and hosts, and cookies, HSTS
and redirects are secure by default.
"""

from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A development checkout keeps its own defaults in a git-ignored `.env` that `make run`
# writes (DEBUG=true), so that `manage.py` commands typed by hand run like the server.
# Variables set in the environment win over it. A production image has no `.env`
# (.dockerignore leaves it out), so there DEBUG stays off and SECRET_KEY is required.
# EULOGIN_ENV_FILE names another file, or none when empty (the test suite).
ENV_FILE = env.str("EULOGIN_ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-" + "x" * 16

# Rotation (README "Rotating SECRET_KEY"): the new key in SECRET_KEY, the previous one in
# SECRET_KEY_FALLBACKS for at least the longest session (8 hours); then drop it.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "eulogin.apps.EuloginAdminConfig",  # Django's admin behind eulogin's sign-in (eulogin/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "mfa_sms",
    "mfa_webauthn",
    "django_otp.plugins.otp_totp",  # before mfa_totp, whose admin replaces its admin
    "mfa_totp",
    "mfa_recovery",
    "cas_server",
    "cas_server.eulogin",  # EU Login's dialect of CAS, built on the core (registers itself)
    "traces_gateway",
    "devoutbox",
    "observability",  # health probes, Prometheus metrics, JSON logs with a request id
    "api",
]

MIDDLEWARE = [
    "observability.health.HealthMiddleware",  # /health/live, /health/ready: before any redirect or session
    "observability.logs.RequestIdMiddleware",
    "observability.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Server-to-server endpoints (ticket validation...) stop here: none of what follows is theirs.
    "eulogin.backchannel_middleware.BackchannelMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.RequestParametersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LanguageMiddleware",  # the language order (accounts/language.py)
    "eulogin.errors.ErrorPagesMiddleware",  # eulogin's 403/404 pages, DEBUG on or off
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.UserSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eulogin.unavailable.UnavailableMiddleware",  # a 503 page: database lost, or a cache use that fails closed
]

ROOT_URLCONF = "eulogin.urls"
CSRF_FAILURE_VIEW = "eulogin.errors.csrf_failure"
# DEBUG shows eulogin's error pages too (tracebacks go to the log); true: Django's own.
DEBUG_TRACEBACKS = env.bool("DEBUG_TRACEBACKS", default=False)
DEFAULT_EXCEPTION_REPORTER = "eulogin.errors.ExceptionReporter"
WSGI_APPLICATION = "eulogin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.account",
            ],
        },
    },
]

# Django's renderer, with plain <input> widgets drawn without a template (eulogin/forms_renderer.py).
FORM_RENDERER = "eulogin.forms_renderer.FormRenderer"

# --- Data --------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Parameters bound by the server, and a statement run 5 times on a connection kept
        # prepared: planning was most of PostgreSQL's work per ticket (a plan takes longer
        # than the statement runs). A pooler in transaction mode needs protocol-level
        # prepared statements (PgBouncer >= 1.21, max_prepared_statements); otherwise set false.
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # The cache only accelerates: sessions, tickets and every counter that guards a
    # sign-in live in PostgreSQL. So "default" ignores a Redis that is down (django-redis
    # logs it, eulogin.cache condenses the log: one line, no traceback) and gives up
    # within a fraction of a second. "strict" is the same Redis for code that must know
    # the cache failed and decides itself (eulogin.ratelimit falls back to PostgreSQL).
    _redis_options = {
        "CLIENT_CLASS": "eulogin.cache.SkippingClient",  # a hung Redis: skipped 1 s after a timeout
        "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT_SECONDS", default=0.25),
        "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT_SECONDS", default=0.5),
    }
    CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL,
                    "OPTIONS": {**_redis_options, "IGNORE_EXCEPTIONS": True}},
        "strict": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": _redis_options},
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "eulogin.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "strict": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "strict"}}

# The service registry and policies are kept in each process; a change reaches them all
# within this many seconds (eulogin/readcache.py). 0: every request looks.
READ_CACHE_CHECK_SECONDS = env.float("READ_CACHE_CHECK_SECONDS", default=1.0)

# --- Celery ------------------------------------------------------------------------------
# Without a broker, tasks run in-process (development): nothing else needs to be started.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task (an SMS, a single logout, an email) must not wait on a
# broker that is down: connect within a second, one quick retry (a pooled connection
# gone stale after a Redis restart), then give up. The row the task is for stays
# `queued` and the sweeps (beat, and worker start-up) queue it later.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS.update({"socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
                                        "socket_timeout": 5})
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
CELERY_TIMEZONE = "UTC"
# The worker logs through LOGGING above (JSON, with the request id of the task's request).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict = {}

# --- Authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env.bool("EULOGIN_FAST_HASHER", default=False):
    # Tests only: the same Argon2 algorithm with a small memory cost, so hundreds of
    # sign-ins stay quick. Refused by a system check when DEBUG is off outside tests.
    PASSWORD_HASHERS.insert(0, "accounts.hashers.TestingArgon2PasswordHasher")

# NIST SP 800-63B: a minimum length, a list of common/breached passwords, no composition
# rules, and nothing too close to the person's own data.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)}},
    {"NAME": "accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)  # 1 hour

# --- Sessions and cookies ----------------------------------------------------------------
SESSION_ENGINE = "accounts.sessions"  # cached_db, with fewer round trips (accounts/sessions.py)
SESSION_COOKIE_NAME = "eulogin_session"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # hard maximum: 8 hours
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_DEFAULTS = not DEBUG
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_DEFAULTS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_DEFAULTS)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_DEFAULTS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_DEFAULTS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_DEFAULTS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_DEFAULTS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of us append to X-Forwarded-For (0: use REMOTE_ADDR only).
EULOGIN_TRUSTED_PROXY_COUNT = env.int("EULOGIN_TRUSTED_PROXY_COUNT", default=0)

# A strict policy: nothing inline, nothing from elsewhere, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https:"] if not DEBUG else [SELF, "https:", "http:"],
    },
}

# --- Email -------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="") if env.str("EMAIL_URL", default="") else {}
if _email:
    globals().update(_email)
else:
    EMAIL_BACKEND = "devoutbox.backends.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_BACKEND)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EU Login <no-reply@eulogin.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LANGUAGE_COOKIE_NAME = "eulogin_language"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
USE_TZ = True

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed files in production (after collectstatic); plain finders otherwise.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if not STATIC_MANIFEST
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The REST API (api/): one error shape, JSON only, OpenAPI 3 by drf-spectacular.
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.base.CleanJSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "eulogin API",
    "DESCRIPTION": "Self-service (the browser session) and provisioning (API keys) of eulogin. "
                   "Errors share one shape (Error); see api/README.md.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.postprocess"],
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "api.users.LANGUAGE_CHOICES"},
}

# --- eulogin -----------------------------------------------------------------------------
# The Django admin opens to sessions of at least this strength: two factors in production;
# the password alone in development, where the demo admin has no phone.
EULOGIN_ADMIN_REQUIRED_STRENGTH = env.str("EULOGIN_ADMIN_REQUIRED_STRENGTH", default="PASSWORD" if DEBUG else "MEDIUM")
# Email domains whose people are staff ("Interne"); everyone else is "Externe".
ACCOUNTS_INTERNAL_DOMAINS = env.list("ACCOUNTS_INTERNAL_DOMAINS", default=["eulogin.example.org"])
# The dev outbox (/dev/outbox/) exists only while a dev backend captures messages.
DEVOUTBOX_ENABLED = env.bool("DEVOUTBOX_ENABLED", default=EMAIL_BACKEND == "devoutbox.backends.EmailBackend")

# Logs: one JSON object a line in production (LOG_FORMAT=json, the default when DEBUG is
# off), plain text in development; each with the request id (observability.logs).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "observability.logs.JsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(request_id)s %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id", "secrets"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Keep this filter on eulogin.cache: it condenses "cache down" lines and tells the
    # cache client to skip a failing Redis for a second (eulogin/cache.py).
    "filters": {"cache_down": {"()": "eulogin.cache.CacheDownFilter"},
                "request_id": {"()": "observability.logs.RequestIdFilter"},
                "secrets": {"()": "observability.logs.SecretsFilter"}},
    "loggers": {"django.request": {"level": "ERROR"},
                "eulogin.cache": {"level": "WARNING", "filters": ["cache_down"]}},
}

# Email is unique whatever its case, by a functional unique constraint (accounts.User),
# which the auth check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

# Request counters kept in PostgreSQL (eulogin.ratelimit) go once their window is over.
CELERY_BEAT_SCHEDULE["rate-windows-purge"] = {"task": "accounts.tasks.rate_windows_purge_task", "schedule": 3600.0}

# --- mfa_sms: environment-driven settings (defaults of the rest live in mfa_sms/conf.py) ---
# The SMS backend, a dotted path like EMAIL_BACKEND: the dev outbox when DEBUG is on,
# Twilio otherwise (mfa_sms/backends/: console, filebased, locmem, outbox, twilio).
SMS_BACKEND = env.str(
    "SMS_BACKEND", default="devoutbox.sms.SmsBackend" if DEBUG else "mfa_sms.backends.twilio.SmsBackend"
)
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_STATUS_CALLBACK_URL = env.str("TWILIO_STATUS_CALLBACK_URL", default="")
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com")
TWILIO_TIMEOUT_SECONDS = env.int("TWILIO_TIMEOUT_SECONDS", default=10)
MFA_SMS_FILE_PATH = env.str("MFA_SMS_FILE_PATH", default="")
# false: no new mobile numbers (SMS phase-out); confirmed numbers keep working.
MFA_SMS_ENROLMENT_ENABLED = env.bool("MFA_SMS_ENROLMENT_ENABLED", default=True)
MFA_SMS_WEBOTP_HOST = env.str("MFA_SMS_WEBOTP_HOST", default="")
if env.str("MFA_SMS_ALLOWED_REGIONS", default=""):  # else the EU/EEA list of mfa_sms/conf.py
    MFA_SMS_ALLOWED_REGIONS = env.list("MFA_SMS_ALLOWED_REGIONS")
# The sending task's retries (defaults in mfa_sms/conf.py): how many, the first backoff, the longest.
for _name in ("MFA_SMS_SEND_MAX_RETRIES", "MFA_SMS_SEND_RETRY_BASE_SECONDS", "MFA_SMS_SEND_RETRY_MAX_SECONDS"):
    if env.str(_name, default=""):
        globals()[_name] = env.int(_name)
# SMS left queued (broker down) past MFA_SMS_REQUEUE_AFTER_SECONDS are queued again.
MFA_SMS_REQUEUE_AFTER_SECONDS = env.int("MFA_SMS_REQUEUE_AFTER_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["mfa-sms-requeue"] = {"task": "mfa_sms.tasks.sms_queued_sweep_task",
                                           "schedule": env.float("MFA_SMS_REQUEUE_EVERY_SECONDS", default=60.0)}
# Old challenges and SMS log rows go, every hour.
CELERY_BEAT_SCHEDULE["mfa-sms-purge"] = {"task": "mfa_sms.tasks.sms_records_purge_task", "schedule": 3600.0}

# --- mfa_totp: django-otp's TOTP settings (the rest live in mfa_totp/conf.py) ----------
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="EU Login")  # the name the apps show
OTP_TOTP_THROTTLE_FACTOR = 1  # 1, 2, 4 … seconds between wrong codes on one app
OTP_TOTP_SYNC = True  # remember a phone's clock drift once one of its codes matched a step off

# --- cas: environment-driven settings (defaults of the rest live in cas_server/conf.py) ---
CAS_SERVICE_TICKET_SECONDS = env.int("CAS_SERVICE_TICKET_SECONDS", default=10)  # ST/PT lifetime
CAS_SSO_IDLE_SECONDS = env.int("CAS_SSO_IDLE_SECONDS", default=2 * 3600)  # SSO session idle limit
CAS_SSO_MAX_SECONDS = env.int("CAS_SSO_MAX_SECONDS", default=8 * 3600)  # SSO session hard maximum
# Single logout: timeout per POST, retries, first backoff (doubling); see cas_server/conf.py.
CAS_SLO_TIMEOUT_SECONDS = env.int("CAS_SLO_TIMEOUT_SECONDS", default=5)
CAS_SLO_MAX_RETRIES = env.int("CAS_SLO_MAX_RETRIES", default=3)
CAS_SLO_RETRY_BACKOFF_SECONDS = env.int("CAS_SLO_RETRY_BACKOFF_SECONDS", default=10)
# Single logouts nothing tried for this long (broker down) are queued again, every minute.
CAS_SLO_REQUEUE_AFTER_SECONDS = env.int("CAS_SLO_REQUEUE_AFTER_SECONDS", default=120)
CELERY_BEAT_SCHEDULE["cas-slo-requeue"] = {"task": "cas.slo_requeue",
                                           "schedule": env.float("CAS_SLO_REQUEUE_EVERY_SECONDS", default=60.0)}
# Expired SSO sessions end (with single logout) and old tickets go, every 10 minutes.
CELERY_BEAT_SCHEDULE["cas-purge"] = {"task": "cas.purge", "schedule": 600.0}

# --- traces_gateway: environment-driven settings (defaults in traces_gateway/conf.py) ---
TRACES_SERVICE_URL = env.str("TRACES_SERVICE_URL", default="http://localhost:8001/")

# Relying-service policy plugs into the CAS server here (cas_server/policy.py): TRACES NT's
# dated strength rules decide what a sign-in must have proved, and its step-up page leads
# the person to it.
CAS_REQUIREMENT_RESOLVER = "traces_gateway.selectors.login_requirement"
CAS_STEP_UP_HANDLER = "traces_gateway.services.step_up_start"

# --- mfa_webauthn: environment-driven settings (defaults of the rest in mfa_webauthn/conf.py) ---
# The Relying Party ID (a domain name, never an IP address) and the exact origins the pages
# are served from: `make run` passes its HOST and PORT; production names its own domain.
MFA_WEBAUTHN_RP_ID = env.str("MFA_WEBAUTHN_RP_ID", default="localhost")
MFA_WEBAUTHN_ORIGINS = env.list(
    "MFA_WEBAUTHN_ORIGINS", default=["http://localhost:8000"] if DEBUG else [f"https://{MFA_WEBAUTHN_RP_ID}"]
)
MFA_WEBAUTHN_ATTESTATION = env.str("MFA_WEBAUTHN_ATTESTATION", default="none")

# --- observability: probes, metrics, logs ------------------------------------------------
# /metrics answers only these client addresses (REMOTE_ADDR; CIDR allowed) or a request with
# "Authorization: Bearer <METRICS_BEARER_TOKEN>". Empty both: closed. The proxy also refuses it.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
METRICS_BEARER_TOKEN = env.str("METRICS_BEARER_TOKEN", default="")
# What the SMS provider charges per message, for the cost metric and the admin dashboard
# (read here, so that a price that is not a number stops the start, not an SMS being sent).
try:
    MFA_SMS_PRICE_PER_MESSAGE = Decimal(env.str("MFA_SMS_PRICE_PER_MESSAGE", default="0.0750"))
except ArithmeticError as error:  # decimal.InvalidOperation
    raise ImproperlyConfigured("MFA_SMS_PRICE_PER_MESSAGE must be a number, such as 0.0750.") from error
MFA_SMS_PRICE_CURRENCY = env.str("MFA_SMS_PRICE_CURRENCY", default="EUR")
# Probes are answered before SecurityMiddleware; /metrics is reached over plain HTTP by a scraper.
SECURE_REDIRECT_EXEMPT = [r"^metrics/?$"]
