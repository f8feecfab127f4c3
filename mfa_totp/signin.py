"""The "Authenticator app" method on the password step: its start, after the password."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SIGNIN_SESSION_KEY = "mfa_totp_signin"


def totp_signin_start(request: HttpRequest, user, extra: dict) -> HttpResponse:
    """Called once the password is right: ask for a code of one of `user`'s apps."""
    request.session[SIGNIN_SESSION_KEY] = {"user": user.pk}
    return redirect("mfa_totp:signin")
