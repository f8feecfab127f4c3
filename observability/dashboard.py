"""An admin page that shows SMS volume and cost per day and the refusals by the abuse
limits: an SMS-pumping attack (many SMS to costly numbers) shows as a jump in the bars.
Drawn on the server as SVG: no script, no CDN, nothing inline for the CSP to refuse."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncDate
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from mfa_sms.models import SmsMessage

from .metrics import sms_price

DAYS = 30
WIDTH, HEIGHT, PAD = 720, 160, 28
BILLED = {"sent", "delivered", "undelivered"}  # handed to the provider: charged


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    title: str


def _bars(days: list, values: list[float], fmt) -> dict:
    top = max(values, default=0) or 1
    step = (WIDTH - PAD) / len(days)
    bars = []
    for i, (day, value) in enumerate(zip(days, values, strict=True)):
        height = (HEIGHT - PAD) * value / top
        bars.append(Bar(x=PAD + i * step + 1, y=HEIGHT - PAD - height, width=max(step - 2, 1), height=height,
                        label=day.strftime("%d") if i % 5 == 0 else "", title=f"{day:%Y-%m-%d}: {fmt(value)}"))
    return {"bars": bars, "top": fmt(top), "width": WIDTH, "height": HEIGHT, "base": HEIGHT - PAD, "pad": PAD}


def sms_daily(since) -> tuple[list, dict, dict, Decimal]:
    price, _currency = sms_price()
    rows = (SmsMessage.objects.filter(created_at__gte=since).annotate(day=TruncDate("created_at"))
            .values("day", "status").annotate(n=Count("id")))
    sent, billed = {}, {}
    for row in rows:
        sent[row["day"]] = sent.get(row["day"], 0) + row["n"]
        if row["status"] in BILLED:
            billed[row["day"]] = billed.get(row["day"], 0) + row["n"]
    return rows, sent, billed, price


def refusals_daily(since) -> dict:
    rows = (AuditEvent.objects.filter(kind__in=[AuditEvent.Kind.SMS_REFUSED, AuditEvent.Kind.SIGNIN_LOCKED],
                                      created_at__gte=since)
            .annotate(day=TruncDate("created_at"), limit=KeyTextTransform("limit", "detail"))
            .values("day", "kind", "limit").annotate(n=Count("id")))
    by_limit: dict[str, dict] = {}
    for row in rows:
        name = row["limit"] or ("signin" if row["kind"] == AuditEvent.Kind.SIGNIN_LOCKED else "other")
        by_limit.setdefault(name, {})[row["day"]] = by_limit.get(name, {}).get(row["day"], 0) + row["n"]
    return by_limit


def sms_dashboard(request):
    if not request.user.has_perm("mfa_sms.view_smsmessage"):
        raise PermissionDenied
    today = timezone.localdate()
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    since = timezone.make_aware(timezone.datetime.combine(days[0], timezone.datetime.min.time()))
    _rows, sent, billed, price = sms_daily(since)
    currency = sms_price()[1]
    refusals = refusals_daily(since)
    context = {
        **admin.site.each_context(request),
        "title": _("SMS volume, cost and refusals"),
        "days": DAYS,
        "volume": _bars(days, [sent.get(d, 0) for d in days], lambda v: f"{int(v)} SMS"),
        "cost": _bars(days, [float(billed.get(d, 0) * price) for d in days], lambda v: f"{v:.2f} {currency}"),
        "refusals": [(name, _bars(days, [per_day.get(d, 0) for d in days], lambda v: f"{int(v)}"))
                     for name, per_day in sorted(refusals.items())],
        "total_sms": sum(sent.values()),
        "total_cost": f"{sum(billed.values()) * price:.2f} {currency}",
        "total_refusals": sum(sum(v.values()) for v in refusals.values()),
        "price": f"{price} {currency}",
    }
    return render(request, "observability/sms_dashboard.html", context)
