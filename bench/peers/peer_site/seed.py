"""Seed a peer's database: the bench user and the bench service (run by bench/peers.py)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402

User.objects.create_user(
    os.environ["BENCH_USERNAME"], os.environ["BENCH_USERNAME"], os.environ["BENCH_PASSWORD"],
    first_name="Bench", last_name="User",
)
if settings.PEER == "cas_server":
    from cas_server.models import ReplaceAttributName, ServicePattern

    pattern = ServicePattern.objects.create(
        pos=100, name="Bench", pattern=r"^https://bench\.example\.org/.*$", user_field="username",
    )
    for name in ("email", "first_name"):
        ReplaceAttributName.objects.create(service_pattern=pattern, name=name, replace="")
