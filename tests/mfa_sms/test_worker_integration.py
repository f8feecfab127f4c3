"""A real Celery worker on the Redis broker, killed while the provider holds the request:
after a restart the message still goes out, exactly once."""

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

from eulogin.celery import app
from mfa_sms.models import SmsMessage
from mfa_sms.services import sms_message_queue

from .twilio_stub import ACCOUNT_SID, AUTH_TOKEN

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 2

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="a worker process needs a shared database"),
    pytest.mark.skipif(not django_settings.CELERY_BROKER_URL, reason="needs a broker (CELERY_BROKER_URL)"),
]

BODY = "Your EU Login challenge code: KXMP-7Q2W.\n\n@login.example.org #KXMP-7Q2W"


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(stub_url: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "SMS_BACKEND": "mfa_sms.backends.twilio.SmsBackend",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+32460000000",
        "TWILIO_API_BASE_URL": stub_url,
        "TWILIO_TIMEOUT_SECONDS": "60",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "eulogin", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def broker_queue(settings):
    settings.SMS_BACKEND = "mfa_sms.backends.twilio.SmsBackend"  # recorded on each message
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def test_a_worker_killed_mid_send_sends_the_message_exactly_once_after_restart(twilio_stub, broker_queue, tmp_path):
    log = tmp_path / "worker.log"
    twilio_stub.script = ["hold"]  # Twilio keeps the message but answers only after the kill
    workers = [start_worker(twilio_stub.url, log)]
    try:
        message = sms_message_queue(to="+33612345678", body=BODY, redacted_body="…")
        assert twilio_stub.received.wait(60), log.read_text()
        message.refresh_from_db()
        assert message.status == SmsMessage.Status.SENDING

        os.killpg(workers[0].pid, signal.SIGKILL)  # the whole worker dies mid-request
        workers[0].wait(10)
        time.sleep(VISIBILITY_TIMEOUT + 1)  # the broker hands unacknowledged tasks out again

        workers.append(start_worker(twilio_stub.url, log))

        def sent():
            message.refresh_from_db()
            return message.status == SmsMessage.Status.SENT

        assert wait_for(sent, 60), log.read_text()
        assert len(twilio_stub.requests) == 1
        assert message.provider_id == twilio_stub.messages[0]["sid"]
        assert message.attempts == 2  # the redelivered task ran, and asked Twilio first
    finally:
        for worker in workers:
            stop(worker)


def test_a_worker_killed_before_reaching_the_provider_still_sends(twilio_stub, broker_queue, tmp_path):
    """The other side: the redelivered task finds nothing at Twilio, so it sends."""
    log = tmp_path / "worker.log"
    message = sms_message_queue(to="+33612345678", body=BODY, redacted_body="…")
    # The worker "died" after marking the message sending, before any request left.
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsMessage.Status.SENDING,
                                                    sending_started_at=message.created_at)
    worker = start_worker(twilio_stub.url, log)
    try:
        def sent():
            message.refresh_from_db()
            return message.status == SmsMessage.Status.SENT

        assert wait_for(sent, 60), log.read_text()
        assert len(twilio_stub.requests) == 1
    finally:
        stop(worker)
