"""Prometheus metrics, fed from the few places every app already goes through:

- the audit log (accounts.models.AuditEvent, saved for each sign-in, second factor,
  ticket, single logout and refusal by a limit): one receiver turns each event into a
  counter, so no app imports this module;
- mfa_sms's `sms_status_changed` signal (the SMS log's status moves by queryset updates,
  which post_save would not see);
- this module's middleware: the latency of every request, by view.

Served at /metrics to the addresses of METRICS_ALLOWED_IPS or a request bearing
METRICS_BEARER_TOKEN; to everyone else it does not exist (404). Under gunicorn (several
processes) and Celery, PROMETHEUS_MULTIPROC_DIR names a directory all of them write to,
and the scrape adds them up.
"""

import contextvars
import hmac
import ipaddress
import os
import time
from decimal import Decimal

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

from accounts.models import AuditEvent

Kind = AuditEvent.Kind

SIGNINS = Counter("eulogin_signins", "Sign-ins, by method (the factors proved) and outcome", ["method", "outcome"])
SECOND_FACTOR = Counter("eulogin_second_factor_challenges", "Second-factor challenges answered, by kind and outcome",
                        ["kind", "outcome"])
SMS = Counter("eulogin_sms", "SMS status changes, by status and provider error code", ["status", "error_code"])
SMS_COST = Counter("eulogin_sms_cost", "Cost of the SMS handed to the provider (MFA_SMS_PRICE_PER_MESSAGE)",
                   ["currency"])
TICKETS = Counter("eulogin_tickets", "CAS tickets issued and validated, by endpoint and outcome",
                  ["endpoint", "outcome"])
SLO = Counter("eulogin_slo_deliveries", "Single-logout deliveries to relying services, by outcome", ["outcome"])
THROTTLED = Counter("eulogin_throttle_refusals", "Requests refused by an abuse limit, by limit", ["limit"])
LATENCY = Histogram("eulogin_request_duration_seconds", "Request latency, by view, method and status class",
                    ["view", "method", "status"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))

# The view serving the current request (a ticket's endpoint label), set by the middleware.
current_view = contextvars.ContextVar("current_view", default="")


def _endpoint() -> str:
    return current_view.get() or "task"


def _signin_method(detail: dict) -> str:
    return "+".join(detail.get("factors") or ["PASSWORD"])


# kind -> how its event counts
def _count(event: AuditEvent) -> None:
    kind, detail = event.kind, event.detail or {}
    if kind == Kind.SIGNIN_SUCCEEDED:
        SIGNINS.labels(_signin_method(detail), "succeeded").inc()
    elif kind == Kind.SIGNIN_FAILED:
        SIGNINS.labels("PASSWORD", "failed").inc()
    elif kind == Kind.SIGNIN_LOCKED:
        SIGNINS.labels("PASSWORD", "locked").inc()
        if detail.get("reason") == "throttle":
            THROTTLED.labels("signin").inc()
    elif kind in {Kind.MFA_SUCCEEDED, Kind.MFA_FAILED, Kind.MFA_LOCKED}:
        outcome = {Kind.MFA_SUCCEEDED: "succeeded", Kind.MFA_FAILED: "failed", Kind.MFA_LOCKED: "locked"}[kind]
        SECOND_FACTOR.labels(str(detail.get("method") or "SMS"), outcome).inc()
    elif kind == Kind.SMS_REFUSED:
        THROTTLED.labels(f"sms_{detail.get('limit') or 'other'}").inc()
    elif kind in {Kind.TICKET_ISSUED, Kind.TICKET_VALIDATED, Kind.TICKET_REFUSED}:
        outcome = {Kind.TICKET_ISSUED: "issued", Kind.TICKET_VALIDATED: "validated",
                   Kind.TICKET_REFUSED: str(detail.get("reason") or "refused")}[kind]
        TICKETS.labels(_endpoint(), outcome).inc()
    elif kind in {Kind.SLO_SENT, Kind.SLO_FAILED}:
        SLO.labels("sent" if kind == Kind.SLO_SENT else "failed").inc()


@receiver(post_save, sender=AuditEvent, dispatch_uid="observability.metrics.audit")
def _audit_event_counted(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    if created:
        _count(instance)


def sms_price() -> tuple[Decimal, str]:
    """What one SMS handed to the provider costs, and the currency (settings)."""
    return Decimal(str(settings.MFA_SMS_PRICE_PER_MESSAGE or 0)), settings.MFA_SMS_PRICE_CURRENCY


def _connect_sms() -> None:
    from mfa_sms.models import SmsMessage
    from mfa_sms.signals import sms_status_changed

    @receiver(post_save, sender=SmsMessage, weak=False, dispatch_uid="observability.metrics.sms_queued")
    def _sms_queued(sender, instance, created: bool, **kwargs) -> None:
        if created:
            SMS.labels(str(instance.status), "").inc()

    @receiver(sms_status_changed, weak=False, dispatch_uid="observability.metrics.sms")
    def _sms_counted(sender, status: str, error_code: str = "", **kwargs) -> None:
        SMS.labels(status, error_code or "").inc()
        if status == "sent":
            price, currency = sms_price()
            if price:
                SMS_COST.labels(currency).inc(float(price))


_connect_sms()


class MetricsMiddleware:
    """Times every request and names the view serving it (after the probes, before the rest)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = current_view.set("")
        try:
            response = self.get_response(request)
        finally:
            view = current_view.get() or "unresolved"
            current_view.reset(token)
        LATENCY.labels(view, request.method if request.method in _METHODS else "other",
                       f"{response.status_code // 100}xx").observe(time.perf_counter() - started)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        current_view.set(match.view_name if match is not None else "")


_METHODS = {"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _allowed(request) -> bool:
    token = settings.METRICS_BEARER_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS)


def registry():
    """The registry to expose: every process's files under PROMETHEUS_MULTIPROC_DIR, or this one's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return DEFAULT_REGISTRY


def metrics_view(request):
    if not _allowed(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
