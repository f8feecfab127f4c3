"""Reads: which strengths a service requires at a given moment."""

from datetime import datetime

from django.utils import timezone

from .levels import Requirement
from .models import StrengthRule


def service_requirement(*, service, at: datetime | None = None) -> Requirement:
    """The requirement of the latest rule of `service` in effect at `at` (now by default);
    any sign-in when none is."""
    at = at or timezone.now()
    rule = (
        StrengthRule.objects.filter(service=service, effective_from__lte=at).order_by("-effective_from").first()
        if service is not None
        else None
    )
    return rule.as_requirement() if rule else Requirement.any()


def service_rules(*, service) -> list[StrengthRule]:
    return list(StrengthRule.objects.filter(service=service).order_by("effective_from"))
