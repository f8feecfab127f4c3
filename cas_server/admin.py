from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import conf
from .models import LoginRequest, Service, ServiceTicket, SsoSession


class ServiceForm(forms.ModelForm):
    released_attributes = forms.MultipleChoiceField(
        label=_("released attributes"), required=False, widget=forms.CheckboxSelectMultiple, choices=(),
    )

    slo_url = forms.URLField(label=_("single logout URL"), required=False, max_length=2048, assume_scheme="https")

    class Meta:
        model = Service
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["released_attributes"].choices = [(n, n) for n in conf.get("CAS_RELEASABLE_ATTRIBUTES")]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
    inlines = []  # apps add theirs (traces_gateway: the service's strength rules)
    list_display = ("name", "match_kind", "pattern", "enabled", "evaluation_order", "dialect", "proxy_allowed",
                    "slo_enabled")
    list_filter = ("enabled", "match_kind", "proxy_allowed")
    search_fields = ("name", "pattern")
    ordering = ("evaluation_order", "id")


@admin.register(SsoSession)
class SsoSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_used_at", "expires_at", "strength", "remember_me", "ended_at", "end_reason")
    list_filter = ("remember_me", "end_reason")
    search_fields = ("user__email",)
    exclude = ("ticket_digest", "session_key")
    readonly_fields = ("user", "authenticated_at", "factors", "strength", "remember_me", "created_at",
                       "last_used_at", "expires_at", "ended_at", "end_reason")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ServiceTicket)
class ServiceTicketAdmin(admin.ModelAdmin):
    list_display = ("kind", "service", "created_at", "consumed_at", "validated", "logout_sent_at")
    list_filter = ("kind", "validated")
    exclude = ("ticket",)
    readonly_fields = [f.name for f in ServiceTicket._meta.fields if f.name != "ticket"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LoginRequest)
class LoginRequestAdmin(admin.ModelAdmin):
    """EU Login login transactions (/cas/login/init), read-only: made by services."""

    list_display = ("service", "created_at", "expires_at", "used_at", "renew", "accept_strengths")
    list_filter = ("renew",)
    exclude = ("id_digest",)
    readonly_fields = [f.name for f in LoginRequest._meta.fields if f.name != "id_digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
