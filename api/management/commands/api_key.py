from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from api.keys import api_key_create, api_key_revoke
from api.models import ApiKey, Scope


class Command(BaseCommand):
    help = "Manage API keys of the provisioning API: create (the key is printed once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a key and print it, once: it is stored hashed.")
        create.add_argument("name", help="Who uses it, e.g. \"HR provisioning\"; recorded with every change it makes.")
        create.add_argument("--scopes", required=True, help=f"Comma-separated, among: {', '.join(Scope.values)}.")
        create.add_argument("--expires-in-days", type=int, default=None, help="Default 90, at most 730.")
        sub.add_parser("list", help="List the keys (never the keys themselves).")
        revoke = sub.add_parser("revoke", help="Revoke a key now, by name.")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, name, scopes, expires_in_days, **_):
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        try:
            key, token = api_key_create(name=name, scopes=scopes.split(","), expires_at=expires_at)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except IntegrityError:
            raise CommandError(f"A key named {name!r} exists already.") from None
        # The key alone on stdout (so that KEY=$(… api_key create …) works); the rest on stderr.
        self.stdout.write(token)
        self.stderr.write(f"Key {key.name!r} ({', '.join(key.scopes)}), expires {key.expires_at:%Y-%m-%d}. "
                          "It is shown only now: keep it in a safe place.")

    def _list(self, **_):
        for key in ApiKey.objects.order_by("name"):
            state = "revoked" if key.revoked_at else "expired" if not key.is_usable() else "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(f"{key.name}\t{key.prefix}…\t{','.join(key.scopes)}\t{state}\t"
                              f"expires {key.expires_at:%Y-%m-%d}\tlast used {used}")

    def _revoke(self, *, name, **_):
        key = ApiKey.objects.filter(name=name).first()
        if key is None:
            raise CommandError(f"No key is named {name!r}.")
        if not api_key_revoke(key=key):
            raise CommandError(f"The key {name!r} was already revoked.")
        self.stdout.write(f"Revoked {name!r}.")
