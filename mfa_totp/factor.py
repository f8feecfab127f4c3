"""The authenticator app as the core's registry knows it (registered in
MfaTotpConfig.ready())."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.factors import Factor
from accounts.tiles import Tile

from . import conf

TOTP = "TOTP"


def _has_device(user) -> bool:
    from .models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _is_locked(user) -> bool:
    from accounts.locks import factor_is_locked

    return factor_is_locked(user=user, kind=TOTP)


def _devices(user):
    from .models import TOTPDevice

    return TOTPDevice.objects.filter(user=user)


def _rename(request, device, name: str) -> None:
    from .services import totp_device_rename

    totp_device_rename(device=device, name=name)


def _remove(request, device) -> None:
    from .services import totp_device_remove

    totp_device_remove(request=request, device=device)


def totp_enrol_url(next_url: str, cancel_url: str = "") -> str:
    """Add an app (guided enrolment), then go on to `next_url`; "Annuler" goes to
    `cancel_url`."""
    return reverse("mfa_totp:device_add") + "?" + urlencode({"next": next_url, "cancel": cancel_url})


def totp_step_up_url(next_url: str) -> str:
    """Enter a code of one of your apps, then go on to `next_url` (the session then holds
    a fresh TOTP factor)."""
    return f"{reverse('mfa_totp:verify')}?{urlencode({'next': next_url})}"


def _eulogin_factors(proved: dict, *, user, user_details: bool = True) -> list[tuple[str, str]]:
    # The person's name for the app, and only to a response that carries their details.
    return [("authenticatorApp", proved["app"])] if proved.get("app") and user_details else []


def totp_factor() -> Factor:
    from .signin import totp_signin_start

    return Factor(
        kind=TOTP,
        strength=conf.get("MFA_TOTP_STRENGTH"),
        label=_("Authenticator app"),
        description=_("Enter a code from an authenticator app on your mobile device for multi-factor authentication."),
        order=40,
        start=totp_signin_start,
        has_device=_has_device,
        is_locked=_is_locked,
        devices=_devices,
        rename=_rename,
        remove=_remove,
        enrol_url=totp_enrol_url,
        step_up_url=totp_step_up_url,
        enrol_label=_("Add an authenticator app"),
        enrol_template="mfa_totp/enrol_steps.html",
        enrol_html_id="add-totp",
        tile=Tile("mobile-devices", _("Manage my mobile devices"),
                  _("Add or remove the authenticator apps that give you sign-in codes."), "mfa_totp:devices", order=40),
        eulogin_factors=_eulogin_factors,
    )
