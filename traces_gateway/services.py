"""Writes of traces_gateway: the step-up a service's policy asks for."""

from django.http import HttpRequest
from django.urls import reverse

from accounts.strengths import Requirement

STEP_UP_SESSION_KEY = "eulogin_step_up"


def step_up_start(*, request: HttpRequest, service, requirement: Requirement, next_url: str) -> str:
    """The CAS server's step-up handler (CAS_STEP_UP_HANDLER): remember, in the session,
    which service needs a stronger sign-in and where to go once it is proved; returns the
    page that leads the person through it."""
    request.session[STEP_UP_SESSION_KEY] = {"service": service.pk, "requirement": str(requirement), "next": next_url}
    return reverse("traces_gateway:step_up")


def step_up_state(request: HttpRequest) -> dict | None:
    return request.session.get(STEP_UP_SESSION_KEY)
