from django.core.management.base import BaseCommand

from cas_server.sso import cas_purge


class Command(BaseCommand):
    help = "End expired SSO sessions (sending single logout) and delete old CAS tickets and sessions."

    def handle(self, *args, **options):
        counts = cas_purge()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
