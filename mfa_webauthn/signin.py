"""The "Security key or trusted platform" method on the password step: its start, after
the password."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import services


def webauthn_signin_start(request: HttpRequest, user, extra: dict) -> HttpResponse:
    """Called once the password is right: on to the key page, which asks for one of the
    account's keys (or says there is none)."""
    services.ceremony_clear(request)
    return redirect("mfa_webauthn:signin")
