from datetime import datetime

from devoutbox.backends import outbox_sms_record
from devoutbox.models import OutboxMessage

from .base import BaseSmsBackend, SmsAccepted


class SmsBackend(BaseSmsBackend):
    """Development: each SMS lands in the dev outbox (/dev/outbox/)."""

    def send(self, *, to: str, body: str) -> SmsAccepted:
        message = outbox_sms_record(to=to, body=body)
        return SmsAccepted(provider_id=f"outbox-{message.pk}")

    def find_accepted(self, *, to: str, body: str, since: datetime) -> str | None:
        found = (
            OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS, to=to, body=body, created_at__gte=since)
            .order_by("-created_at")
            .first()
        )
        return f"outbox-{found.pk}" if found else None
