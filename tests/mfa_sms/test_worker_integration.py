"""A real Celery worker on the Redis broker, killed while the provider holds the request:
after a restart the message still goes out, exactly once."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from mfa_sms.delivery import sms_message_queue
from mfa_sms.models import SmsMessage
from tests.workers import (
    NEEDS_A_WORKER,
    tasks_through_the_broker,
    wait_for,
    worker_kill,
    worker_start,
)

from .twilio_stub import ACCOUNT_SID, AUTH_TOKEN

VISIBILITY_TIMEOUT = 2
pytestmark = NEEDS_A_WORKER

BODY = "Your EU Login challenge code: KXMP-7Q2W.\n\n@login.example.org #KXMP-7Q2W"


def start_worker(stub_url: str, log: Path) -> subprocess.Popen:
    return worker_start(
        log, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT), SMS_BACKEND="mfa_sms.backends.twilio.SmsBackend",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_FROM_NUMBER="+32460000000",
        TWILIO_API_BASE_URL=stub_url, TWILIO_TIMEOUT_SECONDS="60",
    )


@pytest.fixture
def broker_queue(settings):
    settings.SMS_BACKEND = "mfa_sms.backends.twilio.SmsBackend"  # recorded on each message
    with tasks_through_the_broker():
        yield


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
            worker_kill(worker)


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
        worker_kill(worker)
