import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse

from accounts.models import User

PASSWORD = "correct horse battery staple"


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    engine = "PostgreSQL" if "postgresql" in db["ENGINE"] else "SQLite" if "sqlite" in db["ENGINE"] else db["ENGINE"]
    where = f" on {db.get('HOST') or 'local socket'}:{db.get('PORT') or ''}" if engine == "PostgreSQL" else ""
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 2)[-2]
    return [f"eulogin tests: database {engine}{where}; cache {cache_backend}; broker {settings.CELERY_BROKER_URL or 'none (tasks in-process)'}"]


@pytest.fixture(autouse=True)
def _clean_cache():
    from eulogin.readcache import read_caches_forget

    for alias in settings.CACHES:
        caches[alias].clear()
    read_caches_forget()  # rows a rolled-back test left in this process's read caches
    yield
    for alias in settings.CACHES:
        caches[alias].clear()
    read_caches_forget()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_user(db):
    def make(email: str = "anna.schmidt@example.org", password: str = PASSWORD, **extra) -> User:
        extra.setdefault("first_name", "Anna")
        extra.setdefault("last_name", "Schmidt")
        return User.objects.create_user(email, password, **extra)

    return make


@pytest.fixture
def user(make_user) -> User:
    return make_user()


def sign_in(client, email: str, password: str = PASSWORD, method: str = "PASSWORD", next_url: str = "", **extra):
    """Walk the two sign-in steps with the Django test client; returns the last response."""
    client.post(reverse("accounts:login"), {"email": email, "next": next_url})
    return client.post(reverse("accounts:login_password"), {"password": password, "method": method, **extra})


def force_sign_in(client, user, kinds=("PASSWORD", "SMS")) -> None:
    """Sign `user` in without the pages, with the factors `kinds` proved (the admin needs
    two outside development)."""
    from django.utils import timezone

    from accounts.factors import SESSION_KEY

    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = [{"kind": kind, "at": timezone.now().isoformat()} for kind in kinds]
    session.save()


@pytest.fixture
def admin_client(admin_user):
    """Django admin access (its own browser) as a superuser who proved a password and an
    SMS code."""
    from django.test import Client

    client = Client()
    force_sign_in(client, admin_user)
    return client


@pytest.fixture
def signed_in_client(client, user):
    response = sign_in(client, user.email)
    assert response.status_code == 302, response.content[:500]
    return client


_skipped_browser_tests: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and "/e2e/" in report.nodeid.replace("\\", "/"):
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # CI must never pass with the browser tests skipped.
    import os

    if _skipped_browser_tests and os.environ.get("EULOGIN_REQUIRE_BROWSER"):
        print(f"\nBrowser tests were skipped, which CI does not allow: {_skipped_browser_tests}")
        session.exitstatus = 1
