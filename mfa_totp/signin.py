"""The "Authenticator app" authentication method on the password step."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.methods import AuthenticationMethod

SIGNIN_SESSION_KEY = "mfa_totp_signin"


def totp_signin_start(request: HttpRequest, user, extra: dict) -> HttpResponse:
    """Called once the password is right: ask for a code of one of `user`'s apps."""
    request.session[SIGNIN_SESSION_KEY] = {"user": user.pk}
    return redirect("mfa_totp:signin")


TOTP_METHOD = AuthenticationMethod(
    code="TOTP",
    label=_("Authenticator app"),
    description=_("Enter a code from an authenticator app on your mobile device for multi-factor authentication."),
    order=8,
    start=totp_signin_start,
)
