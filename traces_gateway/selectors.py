"""Reads: which strengths a service requires at a given moment."""

from datetime import datetime

from django.utils import timezone

from accounts.strengths import Requirement
from cas_server.policy import requirement_with_parameters

from .models import StrengthRule


def service_requirement(*, service, at: datetime | None = None) -> Requirement:
    """The requirement of the latest rule of `service` in effect at `at` (now by default);
    any sign-in when none is."""
    rule = service_rule_in_effect(service=service, at=at) if service is not None else None
    return rule.as_requirement() if rule else Requirement.any()


def login_requirement(
    *, service, accept_strengths: str = "", authentication_level: str = "", at: datetime | None = None
) -> Requirement:
    """The CAS server's requirement resolver (CAS_REQUIREMENT_RESOLVER): what a sign-in for
    `service` must have proved, the service's policy at `at` made stricter (never looser)
    by what the service asks for with `acceptStrengths` and `authenticationLevel`. Raises
    UnknownRequirement for names this server does not know."""
    return requirement_with_parameters(service_requirement(service=service, at=at), accept_strengths=accept_strengths,
                                       authentication_level=authentication_level)


def service_rule_in_effect(*, service, at: datetime | None = None) -> StrengthRule | None:
    """The rule of `service` in effect at `at` (now by default), if any."""
    at = at or timezone.now()
    return StrengthRule.objects.filter(service=service, effective_from__lte=at).order_by("-effective_from").first()
