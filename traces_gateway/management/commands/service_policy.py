from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cas_server.models import Service
from traces_gateway.models import StrengthRule


def _service(name_or_id: str) -> Service:
    query = Service.objects.filter(pk=int(name_or_id)) if name_or_id.isdigit() else Service.objects.filter(name=name_or_id)
    if query.count() != 1:
        raise CommandError(f"{query.count()} services match {name_or_id!r}; give an id or an exact unique name.")
    return query.get()


def _moment(text: str) -> datetime:
    """An ISO 8601 date and time with its offset, e.g. 2024-06-11T00:00+02:00."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not an ISO 8601 date and time (e.g. 2024-06-11T00:00+02:00).") from None
    if moment.tzinfo is None:
        raise CommandError("Give the time zone offset too (e.g. 2024-06-11T00:00+02:00): a policy date is a moment.")
    return moment


class Command(BaseCommand):
    help = "A service's strength policy: from a moment on, require a level (BASIC, MEDIUM, HIGH) or strengths."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add (or replace) the rule starting at a moment.")
        add.add_argument("service", help="Service id or exact name.")
        add.add_argument("--from", dest="effective_from", required=True, help="e.g. 2024-06-11T00:00+02:00")
        add.add_argument("--require", required=True, help="A level or strengths, e.g. MEDIUM or PASSWORD_SMS.")
        add.add_argument("--note", default="")
        show = sub.add_parser("list", help="List the rules of one service, or of all.")
        show.add_argument("service", nargs="?")
        remove = sub.add_parser("remove", help="Remove the rule starting at a moment.")
        remove.add_argument("service")
        remove.add_argument("--from", dest="effective_from", required=True)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _add(self, *, service, effective_from, require, note, **_):
        rule = StrengthRule.objects.filter(service=_service(service), effective_from=_moment(effective_from)).first()
        rule = rule or StrengthRule(service=_service(service), effective_from=_moment(effective_from))
        rule.requirement, rule.note = require, note
        try:
            rule.full_clean(validate_unique=False)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        rule.save()
        self.stdout.write(f"{rule.service.name}: {rule.requirement} from {timezone.localtime(rule.effective_from).isoformat()}")

    def _list(self, *, service=None, **_):
        rules = StrengthRule.objects.select_related("service").order_by("service__name", "effective_from")
        if service:
            rules = rules.filter(service=_service(service))
        for rule in rules:
            moment = timezone.localtime(rule.effective_from).isoformat()
            self.stdout.write(f"{rule.service.name}\t{moment}\t{rule.requirement}\t{rule.note}")

    def _remove(self, *, service, effective_from, **_):
        deleted, _detail = StrengthRule.objects.filter(
            service=_service(service), effective_from=_moment(effective_from)
        ).delete()
        if not deleted:
            raise CommandError("No rule of that service starts at that moment.")
        self.stdout.write("Removed.")
