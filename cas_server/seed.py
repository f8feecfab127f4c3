"""Demo data of the CAS server for `manage.py seed_demo`."""

from .models import Service

DEMO_SERVICES = [
    {
        "name": "Local demo services (127.0.0.1:8001)",
        "pattern": "http://127.0.0.1:8001/",
        "released_attributes": ["email", "firstName", "lastName", "domain", "locale"],
        "evaluation_order": 500,
    },
]


def seed_demo(*, password: str, stdout) -> None:
    """Register, idempotently, a service for relying sites run locally on port 8001."""
    for spec in DEMO_SERVICES:
        _, created = Service.objects.update_or_create(pattern=spec["pattern"], defaults=spec)
        if created:
            stdout.write(f"  registered the CAS service {spec['pattern']}")
