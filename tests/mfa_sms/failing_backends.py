"""Backends standing for provider answers in view tests (the real Twilio backend is tested
against a stub HTTP server in test_backend_twilio.py)."""

from mfa_sms.backends.base import BaseSmsBackend, SmsPermanentError, SmsTransientError


class InvalidNumberBackend(BaseSmsBackend):
    def send(self, *, to, body):
        raise SmsPermanentError("The 'To' number is not a valid phone number.", code="21211")


class AlwaysDownBackend(BaseSmsBackend):
    calls = 0

    def send(self, *, to, body):
        type(self).calls += 1
        raise SmsTransientError("Service Unavailable", code="503")
