"""SMS backends, chosen by the SMS_BACKEND dotted path (like Django's EMAIL_BACKEND)."""

from django.utils.module_loading import import_string

from .. import conf
from .base import BaseSmsBackend


def sms_backend_get(path: str | None = None) -> BaseSmsBackend:
    path = path or conf.get("SMS_BACKEND")
    return import_string(path)()
