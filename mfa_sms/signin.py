"""The "Mobile phone + SMS" method on the password step: its start, after the password."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from . import flows
from .models import Challenge, PhoneDevice

# Why an SMS sign-in cannot go on; shown only after a correct password, and each speaks
# of this account alone.
PROBLEMS = {
    "no_phone": _("Your account has no confirmed mobile phone number. Sign in with your password, then add one "
                  "in \"My account\"."),
    "no_match": _("This number does not match any confirmed mobile phone number of your account. "
                  "Check the number and try again."),
}


def sms_signin_start(request: HttpRequest, user, extra: dict) -> HttpResponse:
    """Called once the password is right: send a code to the typed number if it is one of
    `user`'s confirmed numbers, then show the challenge page."""
    devices = PhoneDevice.objects.filter(user=user, confirmed=True)
    device = devices.filter(number=extra.get("phone", "")).first()
    flows.challenge_state_clear(request)
    state = {"purpose": Challenge.Purpose.SIGNIN, "user": user.pk}
    if device is None:
        state["problem"] = "no_match" if devices.exists() else "no_phone"
        request.session[flows.SESSION_KEY] = state
        return redirect("mfa_sms:signin")
    try:
        flows.challenge_issue(request=request, device=device, purpose=Challenge.Purpose.SIGNIN)
    except flows.SmsRefused as refused:
        request.session[flows.SESSION_KEY] = {**state, "device": device.pk, "refused": str(refused.message)}
    return redirect("mfa_sms:signin")

