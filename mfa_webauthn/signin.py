"""The "Security key or trusted platform" authentication method on the password step."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.methods import AuthenticationMethod

from . import services
from .rp import rp_usable


def webauthn_signin_start(request: HttpRequest, user, extra: dict) -> HttpResponse:
    """Called once the password is right: on to the key page, which asks for one of the
    account's keys (or says there is none)."""
    services.ceremony_clear(request)
    return redirect("mfa_webauthn:signin")


WEBAUTHN_METHOD = AuthenticationMethod(
    code=services.KIND,
    label=_("Security key or trusted platform"),
    description=_("Use a security key or a trusted platform (Windows Hello, Touch ID, Android) registered on your "
                  "account for multi-factor authentication."),
    order=20,
    start=webauthn_signin_start,
    is_enabled=rp_usable,
)
