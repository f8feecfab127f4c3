from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from accounts.factors import factors_meeting, session_factor_kinds, session_strengths, strengths_for
from accounts.http import safe_next_url
from accounts.step_up import step_up_reason_set
from accounts.steps import factor_prove_url, factors_to_prove
from accounts.strengths import Requirement, UnknownRequirement
from cas_server.models import Service

from .selectors import service_rule_in_effect
from .services import step_up_state


def _context(request: HttpRequest, state: dict) -> dict:
    service = Service.objects.filter(pk=state.get("service")).first()
    rule = service_rule_in_effect(service=service) if service else None
    # "since" only when the rule in effect is what asks for more than the password (not,
    # say, a login request's own acceptStrengths under a password-only rule).
    demanding = rule is not None and not Requirement.parse(rule.requirement).is_met_by(strengths_for({"PASSWORD"}))
    return {"service": service, "since": rule.effective_from if demanding else None}


def _requirement(state: dict) -> Requirement | None:
    try:
        return Requirement.parse(state.get("requirement", ""))
    except UnknownRequirement:
        return None


@never_cache
@login_required
def step_up(request: HttpRequest) -> HttpResponse:
    """A signed-in person whose sign-in is too weak for the service they are going to:
    prove a second factor they hold that meets the service's requirement, or register one
    first (the seed's guided enrolment), then go on to the service without starting over."""
    state = step_up_state(request)
    if not state:
        return redirect("accounts:home")
    next_url = safe_next_url(request, state.get("next")) or reverse("accounts:home")
    requirement = _requirement(state)
    if requirement is None or requirement.is_met_by(session_strengths(request)):
        return redirect(next_url)
    context = {**_context(request, state), "next": next_url}
    candidates = factors_meeting(requirement, proved=session_factor_kinds(request))
    if not candidates:
        return render(request, "traces_gateway/method_unavailable.html", context, status=403)
    usable, _held_locked = factors_to_prove(request, requirement)
    if usable:
        # "Confirm it is you" says which service asks, and why.
        step_up_reason_set(request=request, next_url=next_url, since=context["since"],
                           service=context["service"].name if context["service"] else "")
        return redirect(factor_prove_url(request, next_url, requirement))
    locked = [f for f in candidates if f.is_locked(request.user)]
    if locked:
        return render(request, "traces_gateway/factor_locked.html", {**context, "locked": locked}, status=403)
    cancel = reverse("traces_gateway:step_up_cancelled")
    options = [{"factor": f, "url": f.enrol_url(next_url, cancel)} for f in candidates if f.enrol_url is not None]
    return render(request, "traces_gateway/two_factor_required.html", {**context, "options": options})


@never_cache
@login_required
def step_up_cancelled(request: HttpRequest) -> HttpResponse:
    """"Annuler" on the guided enrolment: say why the service cannot be reached yet, and
    where the second factors it accepts are managed."""
    state = step_up_state(request) or {}
    requirement = _requirement(state)
    pages = []
    for factor in factors_meeting(requirement, proved=session_factor_kinds(request)) if requirement else []:
        if factor.tile is not None:
            try:
                pages.append({"title": factor.tile.title, "url": reverse(factor.tile.url_name)})
            except NoReverseMatch:
                continue
    return render(request, "traces_gateway/step_up_cancelled.html", {**_context(request, state), "pages": pages})
