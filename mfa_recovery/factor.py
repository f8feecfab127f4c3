"""Recovery codes as the core's registry knows them: a backup factor, offered from the
second-factor step of the others ("Can't use your device?"), never on its own."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.factors import Factor
from accounts.tiles import Tile

from . import conf

RECOVERY_CODE = "RECOVERY_CODE"


def _has_device(user) -> bool:
    from .selectors import recovery_codes_remaining

    return recovery_codes_remaining(user=user) > 0


def _devices(user):
    from .models import RecoveryCodeSet

    return RecoveryCodeSet.objects.filter(user=user)


def recovery_step_up_url(next_url: str) -> str:
    return f"{reverse('mfa_recovery:verify')}?{urlencode({'next': next_url})}"


def _eulogin_factors(proved: dict, *, user, user_details: bool = True) -> list[tuple[str, str]]:
    return [("recoveryCode", "true")]


def recovery_factor() -> Factor:
    return Factor(
        kind=RECOVERY_CODE,
        strength=conf.get("MFA_RECOVERY_STRENGTH"),
        label=_("Recovery code"),
        description=_("A one-time code you saved in case you cannot use your device."),
        order=95,
        backup=True,
        has_device=_has_device,
        devices=_devices,
        step_up_url=recovery_step_up_url,
        tile=Tile("recovery-codes", _("Recovery codes"),
                  _("Codes that sign you in once each if you cannot use your device."), "mfa_recovery:codes", order=65),
        eulogin_factors=_eulogin_factors,
    )
