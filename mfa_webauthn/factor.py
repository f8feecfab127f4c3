"""The WebAuthn factors as the core's registry knows them (registered in
MfaWebauthnConfig.ready()).

Two kinds share the keys of mfa_webauthn:
- WEBAUTHN, "Security key or trusted platform": any key, proved after the password
  (PASSWORD_WEBAUTHN), at step-up and in guided enrolment; it owns the tile and the rows;
- PASSKEY, a discoverable key that verified the person (PIN or biometrics): possession
  and knowledge or inherence at once, so it signs in alone, from the email step, and
  meets MEDIUM with the same strength. It has no page of its own in "Mon compte".
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.factors import Factor
from accounts.tiles import Tile

from . import conf
from .rp import rp_usable

WEBAUTHN = "WEBAUTHN"
PASSKEY = "PASSKEY"


def _has_key(user) -> bool:
    from .selectors import has_key

    return has_key(user)


def _has_passkey(user) -> bool:
    from .selectors import has_passkey

    return has_passkey(user)


def _devices(user):
    from .models import WebAuthnDevice

    return WebAuthnDevice.objects.filter(user=user)


def _rename(request, device, name: str) -> None:
    from .services import key_rename

    key_rename(request=request, device=device, name=name)


def _remove(request, device) -> None:
    from .services import key_remove

    key_remove(request=request, device=device)


def webauthn_enrol_url(next_url: str, cancel_url: str = "") -> str:
    """Register a security key (guided enrolment; the page also offers a trusted platform
    or passkey), then go on to `next_url`; "Annuler" goes to `cancel_url`."""
    return reverse("mfa_webauthn:key_add") + "?" + urlencode({"type": "key", "next": next_url, "cancel": cancel_url})


def webauthn_step_up_url(next_url: str) -> str:
    """Prove one of the account's keys now, then go on to `next_url`."""
    return f"{reverse('mfa_webauthn:verify')}?{urlencode({'next': next_url})}"


def passkey_signin_url(next_url: str) -> str:
    """The passkey sign-in (no password), then on to `next_url`."""
    return reverse("mfa_webauthn:passkey") + (f"?{urlencode({'next': next_url})}" if next_url else "")


def _eulogin_factors(proved: dict, *, user, user_details: bool = True) -> list[tuple[str, str]]:
    # The person's own name of the key, and only to a response that carries their details.
    return [("securityKeyName", proved["key"])] if proved.get("key") and user_details else []


def _passkey_eulogin_factors(proved: dict, *, user, user_details: bool = True) -> list[tuple[str, str]]:
    # No password named the account: the passkey did.
    return [("moniker", user.email), *_eulogin_factors(proved, user=user, user_details=user_details)]


def webauthn_factors() -> list[Factor]:
    from .signin import webauthn_signin_start

    strength = conf.get("MFA_WEBAUTHN_STRENGTH")
    return [
        Factor(
            kind=WEBAUTHN,
            strength=strength,
            label=_("Security key or trusted platform"),
            description=_("Use a security key or a trusted platform (Windows Hello, Touch ID, Android) registered on "
                          "your account for multi-factor authentication."),
            order=10,
            start=webauthn_signin_start,
            is_enabled=rp_usable,
            has_device=_has_key,
            devices=_devices,
            rename=_rename,
            remove=_remove,
            enrol_url=webauthn_enrol_url,
            step_up_url=webauthn_step_up_url,
            enrol_label=_("Add a security key or trusted platform"),
            enrol_template="mfa_webauthn/enrol_steps.html",
            enrol_html_id="add-key",
            tile=Tile("security-keys", _("Manage my security keys and trusted platforms"),
                      _("Add or remove security keys and trusted platforms."), "mfa_webauthn:keys", order=40),
            eulogin_factors=_eulogin_factors,
        ),
        Factor(
            kind=PASSKEY,
            strength=strength,
            # Shown as "Sign in with a passkey" on the email step.
            label=_("a passkey"),
            order=11,
            alone=True,
            passwordless_url=passkey_signin_url,
            is_enabled=rp_usable,
            has_device=_has_passkey,
            eulogin_factors=_passkey_eulogin_factors,
        ),
    ]
