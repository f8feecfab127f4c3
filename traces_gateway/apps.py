from django.apps import AppConfig


class TracesGatewayConfig(AppConfig):
    name = "traces_gateway"

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (registers the system checks and signal receivers)
