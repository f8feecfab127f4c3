from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaRecoveryConfig(AppConfig):
    name = "mfa_recovery"
    verbose_name = _("Recovery codes")

    def ready(self) -> None:
        from accounts.factors import factor_register

        from . import checks  # noqa: F401  (registers the system checks)
        from .factor import recovery_factor

        factor_register(recovery_factor())
