from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cas_server import conf
from cas_server.models import Service


class Command(BaseCommand):
    help = "Manage the CAS service registry: add, list or remove registered services."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Register a service.")
        add.add_argument("name")
        add.add_argument("pattern", help="URL prefix (default) or regular expression with --regex.")
        add.add_argument("--regex", action="store_true")
        add.add_argument("--order", type=int, default=100, help="Evaluation order (lowest first).")
        add.add_argument("--attributes", default="", help=f"Comma-separated, among: {', '.join(conf.get('CAS_RELEASABLE_ATTRIBUTES'))}.")
        add.add_argument("--proxy", action="store_true", help="Allow the service to proxy.")
        add.add_argument("--slo-url", default="", help="Single logout URL (default: the service URL).")
        add.add_argument("--no-slo", action="store_true", help="Send no single logout requests.")
        add.add_argument("--disabled", action="store_true")
        sub.add_parser("list", help="List registered services.")
        remove = sub.add_parser("remove", help="Remove a service by id or exact name.")
        remove.add_argument("service")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _add(self, *, name, pattern, regex, order, attributes, proxy, slo_url, no_slo, disabled, **_):
        service = Service(
            name=name, pattern=pattern, match_kind=Service.MatchKind.REGEX if regex else Service.MatchKind.PREFIX,
            evaluation_order=order, released_attributes=[a.strip() for a in attributes.split(",") if a.strip()],
            proxy_allowed=proxy, slo_url=slo_url, slo_enabled=not no_slo, enabled=not disabled,
        )
        try:
            service.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        service.save()
        self.stdout.write(f"Registered service {service.pk}: {service.name}")

    def _list(self, **_):
        for s in Service.objects.order_by("evaluation_order", "id"):
            state = "enabled" if s.enabled else "disabled"
            self.stdout.write(
                f"{s.pk}\t{s.evaluation_order}\t{state}\t{s.match_kind}\t{s.pattern}\t{s.name}"
                f"\tattributes={','.join(s.released_attributes) or '-'}\tproxy={'yes' if s.proxy_allowed else 'no'}"
            )

    def _remove(self, *, service, **_):
        query = Service.objects.filter(pk=int(service)) if service.isdigit() else Service.objects.filter(name=service)
        count = query.count()
        if count != 1:
            raise CommandError(f"{count} services match {service!r}; give an id or an exact unique name.")
        removed = query.get()
        removed.delete()
        self.stdout.write(f"Removed service {service}: {removed.name}")
