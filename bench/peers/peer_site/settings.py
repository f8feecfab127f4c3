"""A minimal Django project serving one peer CAS server for the benchmark.

PEER chooses which: "mama_cas" (django-mama-cas) or "cas_server" (django-cas-server), each
installed from PyPI into its own virtualenv by bench/peers.py. The settings mirror
eulogin's bench run: DEBUG off, PostgreSQL, cached_db sessions on Redis when REDIS_URL is
set, Argon2 passwords, tickets valid long enough for the bench to use them.
"""

import os
from urllib.parse import unquote, urlsplit

PEER = os.environ["PEER"]
DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "peer_site.urls"
WSGI_APPLICATION = "peer_site.wsgi.application"
USE_TZ = True
LANGUAGE_CODE = "en"
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    PEER,
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.template.context_processors.i18n",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

_db = urlsplit(os.environ["DATABASE_URL"])
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": _db.path.lstrip("/"), "USER": unquote(_db.username or ""),
    "PASSWORD": unquote(_db.password or ""), "HOST": _db.hostname or "", "PORT": _db.port or "",
    "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
    # As eulogin's settings (DATABASE_PREPARED_STATEMENTS): parameters bound by the server,
    # statements kept prepared, so that the peers are measured with the same driver settings.
    "OPTIONS": {"server_side_binding": True, "prepare_threshold": 5},
}}
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 8 * 3600
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}

TICKET_SECONDS = int(os.environ.get("BENCH_TICKET_SECONDS", "600"))
SERVICE = os.environ.get("BENCH_SERVICE", "https://bench.example.org/app")

if PEER == "mama_cas":
    MAMA_CAS_TICKET_EXPIRE = TICKET_SECONDS
    MAMA_CAS_SERVICES = [{
        "SERVICE": r"^https://bench\.example\.org/",
        "CALLBACKS": ["mama_cas.callbacks.user_name_attributes"],
        "LOGOUT_ALLOW": True,
    }]
else:
    CAS_TICKET_VALIDITY = TICKET_SECONDS
    CAS_NEW_VERSION_HTML_WARNING = False  # it would ask PyPI on every page
    CAS_NEW_VERSION_EMAIL_WARNING = False
    CAS_SHOW_POWERED = False
