"""A minimal relying site using django-cas-ng (CAS 3), configured from the environment."""

import os

DEBUG = False
SECRET_KEY = "relying-site-tests-only-" + "r" * 30
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_cas_ng",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
AUTHENTICATION_BACKENDS = ["django_cas_ng.backends.CASBackend"]
ROOT_URLCONF = "tests.cas_server.relying_site.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["RELYING_SITE_DATABASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# Sites on one host but different ports share cookies: give each its own names.
SESSION_COOKIE_NAME = os.environ.get("RELYING_SITE_NAME", "rp") + "_session"
CSRF_COOKIE_NAME = os.environ.get("RELYING_SITE_NAME", "rp") + "_csrftoken"
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CAS_SERVER_URL = os.environ["RELYING_SITE_CAS_SERVER_URL"]
CAS_VERSION = "3"
CAS_LOGOUT_COMPLETELY = True
CAS_REDIRECT_URL = "/protected/"
CAS_STORE_NEXT = False
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_APPLY_ATTRIBUTES_TO_USER = True
CAS_RENAME_ATTRIBUTES = {"firstName": "first_name", "lastName": "last_name"}
LOGGING = {"version": 1, "disable_existing_loggers": False}
