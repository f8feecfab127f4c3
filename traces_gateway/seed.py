"""Demo data for `manage.py seed_demo`: TRACES NT as a registered service, with its policy."""

from datetime import datetime, timezone

from cas_server.models import Service

from . import conf
from .models import StrengthRule

# Before the cutoff a password was enough: the first rule starts at the epoch.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def traces_service_seed() -> tuple[Service, bool]:
    """Register (idempotently) TRACES NT at TRACES_SERVICE_URL with its two rules:
    BASIC until the two-factor cutoff, MEDIUM from then on."""
    service, created = Service.objects.update_or_create(
        name=conf.get("TRACES_SERVICE_NAME"),
        defaults={
            "match_kind": Service.MatchKind.PREFIX,
            "pattern": conf.get("TRACES_SERVICE_URL"),
            "enabled": True,
            "evaluation_order": 10,
            "released_attributes": ["email", "firstName", "lastName", "domain", "locale"],
            "slo_enabled": True,
        },
    )
    cutoff = datetime.fromisoformat(conf.get("TRACES_TWO_FACTOR_FROM"))
    StrengthRule.objects.update_or_create(
        service=service, effective_from=EPOCH, defaults={"requirement": "BASIC", "note": "Password accepted"}
    )
    StrengthRule.objects.update_or_create(
        service=service, effective_from=cutoff,
        defaults={"requirement": "MEDIUM", "note": "Two-factor authentication required from 11 June 2024"},
    )
    return service, created


def seed_demo(*, password: str, stdout) -> None:
    service, created = traces_service_seed()
    if created:
        stdout.write(f"  registered {service.name} at {service.pattern}")
