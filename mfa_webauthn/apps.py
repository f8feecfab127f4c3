from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaWebauthnConfig(AppConfig):
    """Security keys, trusted platforms and passkeys (WebAuthn).

    The ceremonies use py_webauthn (`webauthn` 3), Duo Labs' well-kept implementation of
    the W3C specification, directly: django-otp-webauthn would bring its own views, URLs,
    JavaScript and models, where this app follows the shape of every factor here (django-otp
    devices, thin views, services, our templates and texts). Only `internal/auth.py` talks
    to the library.
    """

    name = "mfa_webauthn"
    verbose_name = _("Security keys and passkeys")

    def ready(self) -> None:
        from accounts.factors import factor_register

        from . import checks  # noqa: F401  (registers the system checks)
        from .factor import webauthn_factors

        for factor in webauthn_factors():
            factor_register(factor)
