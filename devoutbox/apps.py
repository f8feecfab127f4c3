from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevOutboxConfig(AppConfig):
    name = "devoutbox"
    verbose_name = _("Development outbox")
