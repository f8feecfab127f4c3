from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    """What an operator sees of the running service: health probes, Prometheus metrics,
    structured logs with a request id, and the SMS/abuse dashboard of the admin."""

    name = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from . import logs, metrics  # noqa: F401  (connects the receivers: audit events, SMS, Celery)
