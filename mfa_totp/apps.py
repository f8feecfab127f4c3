from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaTotpConfig(AppConfig):
    name = "mfa_totp"
    verbose_name = _("Authenticator app second factor")

    def ready(self) -> None:
        from accounts.factors import factor_register

        from . import checks  # noqa: F401  (registers the system checks)
        from .factor import totp_factor

        factor_register(totp_factor())
