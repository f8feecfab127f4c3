"""Twilio's Messages API through the official SDK.

The SDK's base URL comes from TWILIO_API_BASE_URL (tests point it at a local stub that
speaks the same API), every HTTP call has a timeout, and Twilio's error codes are sorted
into permanent (never retried) and transient (retried by the sending task).
"""

from datetime import datetime, timedelta

import requests
from django.core.exceptions import ImproperlyConfigured
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from .. import conf
from .base import BaseSmsBackend, SmsAccepted, SmsPermanentError, SmsTransientError

# Twilio errors that no retry can fix: invalid "To" (21211), "To" not SMS-capable (21614),
# opted out / STOP (21610), region not enabled (21408), unreachable "From"/"To" pairs
# (21612), invalid "From" (21606, 21659), unknown account or credentials (20003, 20404).
PERMANENT_ERROR_CODES = {21211, 21408, 21606, 21610, 21612, 21614, 21659, 20003, 20404}


def twilio_client() -> Client:
    sid, token = conf.get("TWILIO_ACCOUNT_SID"), conf.get("TWILIO_AUTH_TOKEN")
    if not sid or not token:
        raise ImproperlyConfigured("The Twilio SMS backend needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.")
    client = Client(sid, token, http_client=TwilioHttpClient(timeout=conf.get("TWILIO_TIMEOUT_SECONDS")))
    client.api.base_url = conf.get("TWILIO_API_BASE_URL").rstrip("/")
    return client


class SmsBackend(BaseSmsBackend):
    def __init__(self):
        self.client = twilio_client()

    def _sender(self) -> dict:
        service = conf.get("TWILIO_MESSAGING_SERVICE_SID")
        return {"messaging_service_sid": service} if service else {"from_": conf.get("TWILIO_FROM_NUMBER")}

    def send(self, *, to: str, body: str) -> SmsAccepted:
        extra = {}
        if conf.get("TWILIO_STATUS_CALLBACK_URL"):
            extra["status_callback"] = conf.get("TWILIO_STATUS_CALLBACK_URL")
        try:
            message = self.client.messages.create(to=to, body=body, **self._sender(), **extra)
        except TwilioRestException as error:
            code = error.code or error.status
            if error.status == 429 or error.status >= 500:
                raise SmsTransientError(str(error.msg)[:255], code=code) from error
            if error.code in PERMANENT_ERROR_CODES or 400 <= error.status < 500:
                raise SmsPermanentError(str(error.msg)[:255], code=code) from error
            raise SmsTransientError(str(error.msg)[:255], code=code) from error
        except (requests.RequestException, TwilioException) as error:
            # Timeouts and connection errors: the provider may or may not have the
            # message; the task retries and asks `find_accepted` first.
            raise SmsTransientError(type(error).__name__, code="network") from error
        status = message.status or "queued"
        return SmsAccepted(provider_id=message.sid, status="failed" if status in {"failed", "undelivered"} else "sent")

    def find_accepted(self, *, to: str, body: str, since: datetime) -> str | None:
        try:
            messages = self.client.messages.list(to=to, date_sent_after=since - timedelta(minutes=1), limit=50)
        except (TwilioRestException, requests.RequestException, TwilioException) as error:
            raise SmsTransientError("lookup failed", code="lookup") from error
        for message in messages:
            if message.body == body:
                return message.sid
        return None
