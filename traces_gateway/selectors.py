"""Reads: which strengths a service requires at a given moment."""

from datetime import datetime

from django.utils import timezone

from accounts.strengths import Requirement
from cas_server.policy import requirement_with_parameters
from eulogin.readcache import read_cache

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


def _rules_by_service() -> dict[int, list[StrengthRule]]:
    rules: dict[int, list[StrengthRule]] = {}
    for rule in StrengthRule.objects.order_by("effective_from", "pk"):
        rules.setdefault(rule.service_id, []).append(rule)
    return rules


# Every rule, read once per process and again when one changes (eulogin/readcache.py); the
# rule in effect is chosen at each call, so a rule dated later takes over at its time.
_rules = read_cache("traces_gateway.rules", _rules_by_service)


def service_rule_in_effect(*, service, at: datetime | None = None) -> StrengthRule | None:
    """The rule of `service` in effect at `at` (now by default), if any."""
    at = at or timezone.now()
    in_effect = [rule for rule in _rules.get().get(service.pk, ()) if rule.effective_from <= at]
    return in_effect[-1] if in_effect else None
