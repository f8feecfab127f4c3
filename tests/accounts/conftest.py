import re
import time
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.signals import session_ended
from tests.conftest import sign_in

# Passes every configured validator (length, common list, not close to the names).
NEW_PASSWORD = "plum orchard at dusk 2026"


def link_path(body: str) -> str:
    """The path of the first link in an email body."""
    match = re.search(r"https?://\S+", body)
    assert match, body
    return urlsplit(match.group(0)).path


def csrf_free(html: str, *emails: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    for email in emails:
        html = html.replace(email, "EMAIL")
    return html


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the queued emails) of what happens inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def ended_sessions():
    """The session_ended signals sent during the test, as (user pk, session key)."""
    received = []

    def receiver(sender, user, session_key, **kwargs):
        received.append((user.pk, session_key))

    session_ended.connect(receiver, dispatch_uid="tests.ended_sessions")
    yield received
    session_ended.disconnect(dispatch_uid="tests.ended_sessions")


@pytest.fixture
def second_client(user, password):
    """The same person signed in from a second browser."""
    other = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    assert sign_in(other, user.email, password).status_code == 302
    return other


def is_signed_in(client) -> bool:
    return client.get(reverse("accounts:my_account")).status_code == 200


def later(seconds: float):
    """Travel `seconds` ahead. A timestamp, not an aware datetime: time-machine would also
    switch the local time zone to UTC, and Django's reset tokens read local naive time."""
    return time_machine.travel(time.time() + seconds, tick=False)
