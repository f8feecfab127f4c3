"""API keys: machine clients of the provisioning API.

A key is `eul_` followed by 43 random characters (256 bits). Only its SHA-256 digest is
stored: the key itself is shown once, when it is made, and never again. A random key of
that length needs no slow hash (a slow hash protects guessable secrets, passwords); the
digest is a unique index, so looking a key up costs one indexed read.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Scope(models.TextChoices):
    USERS_READ = "users:read", _("Read accounts")
    USERS_WRITE = "users:write", _("Create, change, lock and delete accounts")
    SERVICES_WRITE = "services:write", _("Read and change the CAS services and their policies")
    AUDIT_READ = "audit:read", _("Read the audit trail")


class ApiKey(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True,
                            help_text=_("Who uses the key, e.g. \"HR provisioning\". Recorded with every change it makes."))
    prefix = models.CharField(_("key starts with"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(pgettext_lazy("API key", "created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    expires_at = models.DateTimeField(pgettext_lazy("API key", "expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
