"""The development outbox's SMS backend (SMS_BACKEND = "devoutbox.sms.SmsBackend"), beside
its email backend (devoutbox.backends.EmailBackend): nothing leaves the machine."""

from datetime import datetime

from mfa_sms.backends.base import BaseSmsBackend, SmsAccepted

from .models import OutboxMessage


class SmsBackend(BaseSmsBackend):
    """Development SMS backend: each SMS lands in the dev outbox (/dev/outbox/)."""

    def send(self, *, to: str, body: str) -> SmsAccepted:
        message = OutboxMessage.objects.create(channel=OutboxMessage.Channel.SMS, to=to, body=body)
        return SmsAccepted(provider_id=f"outbox-{message.pk}")

    def find_accepted(self, *, to: str, body: str, since: datetime) -> str | None:
        found = (
            OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS, to=to, body=body, created_at__gte=since)
            .order_by("-created_at")
            .first()
        )
        return f"outbox-{found.pk}" if found else None
