from django.apps import AppConfig


class MfaSmsConfig(AppConfig):
    name = "mfa_sms"
