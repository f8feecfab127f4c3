from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasConfig(AppConfig):
    # The package is cas_server (python-cas, which relying-site libraries import, owns the
    # top-level module `cas`); the label stays "cas" for models, migrations and URLs.
    name = "cas_server"
    label = "cas"
    verbose_name = _("CAS server")

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (registers checks and signal receivers)
