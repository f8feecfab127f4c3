"""Reads: which strengths a service requires at a given moment."""

from datetime import datetime

from django.utils import timezone

from accounts.strengths import Requirement

from .models import StrengthRule


def service_requirement(*, service, at: datetime | None = None) -> Requirement:
    """The requirement of the latest rule of `service` in effect at `at` (now by default);
    any sign-in when none is."""
    rule = service_rule_in_effect(service=service, at=at) if service is not None else None
    return rule.as_requirement() if rule else Requirement.any()


def service_rules(*, service) -> list[StrengthRule]:
    return list(StrengthRule.objects.filter(service=service).order_by("effective_from"))


def login_requirement(
    *, service, accept_strengths: str = "", authentication_level: str = "", at: datetime | None = None
) -> Requirement:
    """What a sign-in for `service` must have proved: the service's policy at `at`, made
    stricter (never looser) by what the service asks for with `acceptStrengths` and
    `authenticationLevel`. Raises UnknownRequirement for names this server does not know."""
    requirement = service_requirement(service=service, at=at)
    if accept_strengths.strip():
        requirement = requirement.combine(Requirement.strengths(accept_strengths.split(",")))
    if authentication_level.strip():
        requirement = requirement.combine(Requirement.level(authentication_level.strip().upper()))
    return requirement


def service_rule_in_effect(*, service, at: datetime | None = None) -> StrengthRule | None:
    """The rule of `service` in effect at `at` (now by default), if any."""
    at = at or timezone.now()
    return StrengthRule.objects.filter(service=service, effective_from__lte=at).order_by("-effective_from").first()
