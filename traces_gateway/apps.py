from django.apps import AppConfig


class TracesGatewayConfig(AppConfig):
    name = "traces_gateway"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
