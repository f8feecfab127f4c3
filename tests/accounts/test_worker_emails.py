"""The account emails go out through a real Celery worker on the Redis broker, and the
links they carry work in the web process."""

import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from devoutbox.models import OutboxMessage
from tests.accounts.conftest import NEW_PASSWORD, link_path
from tests.workers import (
    NEEDS_A_WORKER,
    tasks_through_the_broker,
    worker_kill,
    worker_start,
)

pytestmark = NEEDS_A_WORKER


@pytest.fixture
def worker(tmp_path):
    log = tmp_path / "worker.log"
    with tasks_through_the_broker():
        process = worker_start(log, EMAIL_BACKEND="devoutbox.backends.EmailBackend")
        yield log
        worker_kill(process)


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
