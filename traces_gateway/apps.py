from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracesGatewayConfig(AppConfig):
    name = "traces_gateway"
    verbose_name = _("Service policies")

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (registers the system checks and signal receivers)
