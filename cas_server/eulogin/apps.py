from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EuloginDialectConfig(AppConfig):
    """EU Login's dialect builds on the CAS core and registers itself into it: the core
    (cas_server) never imports cas_server.eulogin."""

    name = "cas_server.eulogin"
    label = "cas_eulogin"
    verbose_name = _("EU Login dialect of CAS")

    def ready(self) -> None:
        from cas_server.dialects import dialect_register

        from . import checks  # noqa: F401  (registers the system checks)
        from .login_requests import login_request_take, login_requests_purge
        from .responses import eulogin_validation_render
        from .urls import urlpatterns

        dialect_register(
            login_parameters={"loginRequestId": login_request_take},
            validation_renderer=eulogin_validation_render,
            urls=urlpatterns,
            purge=lambda now: {"login_requests_deleted": login_requests_purge(now=now)},
        )
