from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.factors import session_factor_kinds, strengths_for
from accounts.http import safe_next_url
from accounts.step_up import step_up_reason_set
from cas_server.models import Service
from mfa_sms.selectors import phone_devices_confirmed
from mfa_sms.services import sms_method_is_locked, sms_step_up_url

from .levels import Requirement, UnknownRequirement
from .selectors import service_rule_in_effect
from .services import step_up_state

# The second factor this server offers: a requirement it satisfies can be met by SMS.
SMS_STRENGTHS = strengths_for({"PASSWORD", "SMS"})
PASSWORD_STRENGTHS = strengths_for({"PASSWORD"})


def _context(request: HttpRequest, state: dict) -> dict:
    service = Service.objects.filter(pk=state.get("service")).first()
    rule = service_rule_in_effect(service=service) if service else None
    # "since" only when the rule in effect is what asks for more than the password (not,
    # say, a login request's own acceptStrengths under a password-only rule).
    demanding = rule is not None and not Requirement.parse(rule.requirement).is_met_by(PASSWORD_STRENGTHS)
    return {"service": service, "since": rule.effective_from if demanding else None}


@never_cache
@login_required
def step_up(request: HttpRequest) -> HttpResponse:
    """A signed-in person whose sign-in is too weak for the service they are going to:
    prove the SMS factor on a registered phone, or register one first (the seed's
    enrolment), then go on to the service without starting over."""
    state = step_up_state(request)
    if not state:
        return redirect("accounts:home")
    next_url = safe_next_url(request, state.get("next")) or reverse("accounts:home")
    try:
        requirement = Requirement.parse(state.get("requirement", ""))
    except UnknownRequirement:
        return redirect(next_url)
    if requirement.is_met_by(strengths_for(session_factor_kinds(request))):
        return redirect(next_url)
    context = {**_context(request, state), "next": next_url}
    if not requirement.is_met_by(SMS_STRENGTHS):
        return render(request, "traces_gateway/method_unavailable.html", context, status=403)
    if sms_method_is_locked(user=request.user):
        return render(request, "traces_gateway/sms_locked.html", context, status=403)
    if phone_devices_confirmed(user=request.user):
        # "Confirm it is you" says which service asks, and why.
        step_up_reason_set(request=request, next_url=next_url, service=context["service"].name if context["service"]
                           else "", since=context["since"])
        return redirect(sms_step_up_url(next_url))
    add_phone = reverse("mfa_sms:phone_add") + "?" + urlencode(
        {"next": next_url, "cancel": reverse("traces_gateway:step_up_cancelled")}
    )
    return render(request, "traces_gateway/two_factor_required.html", {**context, "add_phone_url": add_phone})


@never_cache
@login_required
def step_up_cancelled(request: HttpRequest) -> HttpResponse:
    """"Annuler" on the guided enrolment: say why the service cannot be reached yet."""
    state = step_up_state(request) or {}
    return render(request, "traces_gateway/step_up_cancelled.html", _context(request, state))
