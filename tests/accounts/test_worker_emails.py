"""The account emails go out through a real Celery worker on the Redis broker, and the
links they carry work in the web process."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from devoutbox.models import OutboxMessage
from eulogin.celery import app
from tests.accounts.conftest import NEW_PASSWORD, link_path

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="a worker process needs a shared database"),
    pytest.mark.skipif(not django_settings.CELERY_BROKER_URL, reason="needs a broker (CELERY_BROKER_URL)"),
]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
           "CELERY_TASK_ALWAYS_EAGER": "false", "SECRET_KEY": django_settings.SECRET_KEY,
           "EMAIL_BACKEND": "devoutbox.backends.EmailBackend", "DATABASE_CONN_MAX_AGE": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "eulogin", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    yield log
    app.conf.task_always_eager = eager
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def _email_to(address: str, log: Path, timeout: float = 60) -> OutboxMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = OutboxMessage.objects.filter(to=address).first()
        if message:
            return message
        time.sleep(0.2)
    raise AssertionError(f"no email to {address}:\n{log.read_text()}")


def test_registration_and_reset_emails_are_sent_by_the_worker(worker, make_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # nothing sent from this process
    person = make_user(email="known.person@example.org")
    client = Client()

    assert client.post(reverse("accounts:password_reset"), {"email": person.email}).status_code == 302
    assert client.post(reverse("accounts:register"),
                       {"first_name": "Nina", "last_name": "Novak", "email": "nina.novak@example.org"}).status_code == 302

    reset = _email_to(person.email, worker)
    assert "/account/password/reset/" in reset.body
    path = link_path(reset.body)
    assert client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)

    verification = _email_to("nina.novak@example.org", worker)
    path = link_path(verification.body)
    assert client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    assert User.objects.filter(email="nina.novak@example.org").exists()
