"""Settings of the demo TRACES NT: a relying service that signs in through eulogin with a
real CAS client (django-cas-ng), on its own port and origin. For development only."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("DEMO_TRACES_VAR_DIR", BASE_DIR.parent.parent / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = True
SECRET_KEY = os.environ.get("DEMO_TRACES_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_cas_ng",
    "traces_gateway.demo_site",
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
AUTHENTICATION_BACKENDS = ["django_cas_ng.backends.CASBackend"]
ROOT_URLCONF = "traces_gateway.demo_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": [
            "django.template.context_processors.request",
            "django.template.context_processors.i18n",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_TRACES_DATABASE", str(VAR_DIR / "demo_traces.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/Brussels"
# English and French, from the browser's Accept-Language (traces_gateway/demo_site/locale).
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]

# Both sites may share a host name (127.0.0.1) on different ports, and browsers scope
# cookies by host, not port: distinct names keep the two sessions apart.
SESSION_COOKIE_NAME = "traces_session"
CSRF_COOKIE_NAME = "traces_csrftoken"

# The CAS client. CAS 3 validation (/cas/p3/serviceValidate) returns the attributes,
# among them the strength and factors of the sign-in.
CAS_SERVER_URL = os.environ.get("DEMO_TRACES_CAS_SERVER_URL", "http://localhost:8000/cas/")
CAS_VERSION = "3"
CAS_LOGOUT_COMPLETELY = True
CAS_REDIRECT_URL = "/"
CAS_STORE_NEXT = True
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_VERIFY_SSL_CERTIFICATE = True
