import os
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

DEFAULT_DEMO_PASSWORD = "demo-eulogin-2024"


class Command(BaseCommand):
    help = (
        "Create, idempotently, the demo data: demo@example.org and admin@example.org (password from "
        "EULOGIN_DEMO_PASSWORD), then whatever each app's seed module adds (e.g. the demo TRACES NT service)."
    )

    def handle(self, *args, **options):
        password = os.environ.get("EULOGIN_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        for app_config in apps.get_app_configs():
            try:
                module = import_module(f"{app_config.name}.seed")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.seed":
                    raise
                continue
            module.seed_demo(password=password, stdout=self.stdout)
