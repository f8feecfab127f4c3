"""SMS the broker never took are queued again by the sweep with a new code for the same
challenge; the lost task, should it turn up, sends nothing (mfa_sms.requeue)."""

import pytest
from django.utils import timezone

from mfa_sms.backends import locmem
from mfa_sms.delivery import sms_message_queue
from mfa_sms.models import Challenge, SmsMessage
from mfa_sms.requeue import sms_queued_sweep

from .conftest import last_code, post_code

# In one transaction per test: what is queued "on commit" is captured, so a task can be
# lost (the broker was down) or handed over (execute=True) at will.
pytestmark = pytest.mark.django_db


def sweep(capture) -> int:
    with capture(execute=True):
        return sms_queued_sweep()


def test_an_sms_the_broker_never_took_goes_out_once_with_a_code_that_signs_in(
    client, sms_signin, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as lost:  # the broker was down
        assert sms_signin().status_code == 302
    assert locmem.outbox == [] and SmsMessage.objects.get().status == SmsMessage.Status.QUEUED
    assert sweep(django_capture_on_commit_callbacks) == 0  # not queued long enough yet

    settings.MFA_SMS_REQUEUE_AFTER_SECONDS = 0
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert len(locmem.outbox) == 1 and SmsMessage.objects.get().status == SmsMessage.Status.SENT
    assert sweep(django_capture_on_commit_callbacks) == 0
    for callback in lost:  # the lost task turns up after all: its text is not the record's
        callback()
    assert len(locmem.outbox) == 1
    assert post_code(client, "mfa_sms:signin", last_code()).status_code == 302


def test_an_sms_no_longer_needed_is_not_sent(client, sms_signin, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        sms_signin()
    Challenge.objects.update(expires_at=timezone.now())
    settings.MFA_SMS_REQUEUE_AFTER_SECONDS = 0
    assert sweep(django_capture_on_commit_callbacks) == 0
    message = SmsMessage.objects.get()
    assert (message.status, message.error_code, locmem.outbox) == (SmsMessage.Status.FAILED, "not_queued", [])


def test_an_sms_without_a_code_is_queued_again_as_it_was(settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        sms_message_queue(to="+33612345678", body="Your number was added.", redacted_body="Your number was added.")
    settings.MFA_SMS_REQUEUE_AFTER_SECONDS = 0
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert [sms.body for sms in locmem.outbox] == ["Your number was added."]
