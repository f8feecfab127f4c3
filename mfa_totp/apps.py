from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaTotpConfig(AppConfig):
    name = "mfa_totp"
    verbose_name = _("Authenticator app second factor")

    def ready(self) -> None:
        from accounts.methods import method_register

        from . import checks  # noqa: F401  (registers the system checks)
        from .signin import TOTP_METHOD

        method_register(TOTP_METHOD)
