from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaSmsConfig(AppConfig):
    name = "mfa_sms"
    verbose_name = _("SMS second factor")

    def ready(self) -> None:
        from accounts.factors import factor_register

        from . import checks  # noqa: F401  (registers the system checks)
        from .factor import sms_factor

        factor_register(sms_factor())
