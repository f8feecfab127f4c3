"""How relying-service policy plugs into the CAS core, through two dotted-path settings
loaded with import_string (as EMAIL_BACKEND is); the core imports no policy app.

- CAS_REQUIREMENT_RESOLVER: callable(*, service, accept_strengths="", authentication_level="",
  at=None) -> accounts.strengths.Requirement, what a sign-in for `service` must have
  proved (raises UnknownRequirement for unknown names). Default: only what the request
  asks for (`acceptStrengths`, `authenticationLevel`).
- CAS_STEP_UP_HANDLER: callable(*, request, service, requirement, next_url) -> URL of the
  page that leads a signed-in person to a strong enough sign-in, then to `next_url`.
  Default: the accounts app's factor step.
"""

from datetime import datetime

from django.utils.module_loading import import_string

from accounts.steps import factor_prove_url
from accounts.strengths import Requirement

from . import conf


def requirement_with_parameters(requirement: Requirement, *, accept_strengths: str = "",
                                authentication_level: str = "") -> Requirement:
    """`requirement` made stricter (never looser) by what the service asks for with
    `acceptStrengths` and `authenticationLevel`. Raises UnknownRequirement."""
    if accept_strengths.strip():
        requirement = requirement.combine(Requirement.strengths(accept_strengths.split(",")))
    if authentication_level.strip():
        requirement = requirement.combine(Requirement.level(authentication_level.strip().upper()))
    return requirement


def requirement_from_parameters(*, service, accept_strengths: str = "", authentication_level: str = "",
                                at: datetime | None = None) -> Requirement:
    """The default resolver: no per-service policy, any sign-in unless the request asks."""
    return requirement_with_parameters(Requirement.any(), accept_strengths=accept_strengths,
                                       authentication_level=authentication_level)


def step_up_to_factor(*, request, service, requirement: Requirement, next_url: str) -> str:
    """The default step-up: prove a factor that meets `requirement`, then `next_url`."""
    return factor_prove_url(request, next_url, requirement)


def login_requirement(*, service, accept_strengths: str = "", authentication_level: str = "",
                      at: datetime | None = None) -> Requirement:
    resolver = import_string(conf.get("CAS_REQUIREMENT_RESOLVER"))
    return resolver(service=service, accept_strengths=accept_strengths, authentication_level=authentication_level,
                    at=at)


def step_up_url(*, request, service, requirement: Requirement, next_url: str) -> str:
    handler = import_string(conf.get("CAS_STEP_UP_HANDLER"))
    return handler(request=request, service=service, requirement=requirement, next_url=next_url)
