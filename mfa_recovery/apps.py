from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaRecoveryConfig(AppConfig):
    name = "mfa_recovery"
    verbose_name = _("Recovery codes")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
