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


def _remove(request, device) -> None:
    """The API's removal of one's own set: the page's service, audited and told."""
    from .services import recovery_codes_remove

    recovery_codes_remove(request=request, user=device.user)


def recovery_signin_start(request, user, extra: dict):
    """"Can't use your device?" chose a recovery code: its step, the password proved."""
    from django.shortcuts import redirect

    return redirect("mfa_recovery:signin")


def recovery_step_up_url(next_url: str) -> str:
    return f"{reverse('mfa_recovery:verify')}?{urlencode({'next': next_url})}"


def recovery_offer_url(user, next_url: str) -> str:
    """Right after another factor is enrolled: offer a set, unless the account has one."""
    from .models import RecoveryCodeSet

    if RecoveryCodeSet.objects.filter(user=user).exists():
        return ""
    return f"{reverse('mfa_recovery:offer')}?{urlencode({'next': next_url})}"


def recovery_tile_status(user) -> tuple[str, bool] | None:
    """"3 recovery codes left", a warning at MFA_RECOVERY_WARN_AT or fewer."""
    from django.utils.translation import ngettext

    from .selectors import recovery_code_set_for_user, recovery_codes_remaining

    if recovery_code_set_for_user(user=user) is None:
        return None
    left = recovery_codes_remaining(user=user)
    text = ngettext("%(left)d recovery code left", "%(left)d recovery codes left", left) % {"left": left}
    return text, left <= conf.get("MFA_RECOVERY_WARN_AT")


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
        start=recovery_signin_start,
        has_device=_has_device,
        devices=_devices,
        remove=_remove,
        step_up_url=recovery_step_up_url,
        offer_url=recovery_offer_url,
        tile=Tile("recovery-codes", _("Recovery codes"),
                  _("Codes that sign you in once each if you cannot use your device."), "mfa_recovery:codes", order=65,
                  status=recovery_tile_status),
        eulogin_factors=_eulogin_factors,
    )
