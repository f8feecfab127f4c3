from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import conf
from .models import LoginRequest, Service, ServiceTicket, SsoSession


def fields_label(form: forms.BaseForm, names=None) -> None:
    """Name every input of `form` for assistive technology where the admin gives it no
    <label>: the cells of an inline table (its column headers are no labels) and both
    halves of a split date and time."""
    for name in names or form.fields:
        field = form.fields[name]
        label = capfirst(field.label or name)
        parts = getattr(field.widget, "widgets", None)
        if parts and len(parts) == 2:
            parts[0].attrs["aria-label"] = _("%(field)s: date") % {"field": label}
            parts[1].attrs["aria-label"] = _("%(field)s: time") % {"field": label}
        elif names is None:
            field.widget.attrs["aria-label"] = label


class LabelledInlineFormSet(BaseInlineFormSet):
    """For a TabularInline: every cell's input says which column it is."""

    def add_fields(self, form, index):
        super().add_fields(form, index)  # after it, the row's "Delete" box exists too
        fields_label(form)


class ServiceForm(forms.ModelForm):
    released_attributes = forms.MultipleChoiceField(
        label=_("Released attributes"), required=False, widget=forms.CheckboxSelectMultiple, choices=(),
    )

    slo_url = forms.URLField(label=_("Single logout URL"), required=False, max_length=2048, assume_scheme="https")

    class Meta:
        model = Service
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["released_attributes"].choices = [(n, n) for n in conf.get("CAS_RELEASABLE_ATTRIBUTES")]
        fields_label(self, [n for n, f in self.fields.items() if getattr(f.widget, "widgets", None)])


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
    inlines = []  # apps add theirs (traces_gateway: the service's strength rules)
    list_display = ("name", "match_kind", "pattern", "enabled", "evaluation_order", "dialect", "proxy_allowed",
                    "slo_enabled")
    list_filter = ("enabled", "match_kind", "proxy_allowed")
    search_fields = ("name", "pattern")
    ordering = ("evaluation_order", "id")


class EndReasonFilter(admin.SimpleListFilter):
    """The SSO sessions by how they ended, open ones included (their reason is blank, which
    Django's own filter would show as a link without a name)."""

    title = _("end reason")
    parameter_name = "end_reason"

    def lookups(self, request, model_admin):
        reasons = SsoSession.objects.exclude(end_reason="").order_by("end_reason").values_list("end_reason", flat=True)
        return [("-", _("Still open")), *((reason, reason) for reason in reasons.distinct())]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "-":
            return queryset.filter(end_reason="")
        return queryset.filter(end_reason=value) if value else queryset


@admin.register(SsoSession)
class SsoSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_used_at", "expires_at", "strength", "remember_me", "ended_at", "end_reason")
    list_filter = ("remember_me", EndReasonFilter)
    search_fields = ("user__email",)
    exclude = ("ticket_digest", "session_key")
    readonly_fields = ("user", "authenticated_at", "factors", "strength", "remember_me", "warn", "created_at",
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
