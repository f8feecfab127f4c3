from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from .keys import api_key_create, api_key_revoke, expiry_clean
from .models import ApiKey, Scope


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    expires_at = forms.DateTimeField(label=pgettext_lazy("API key", "expires"), required=False,
                                     help_text=_("Empty: in 90 days. At most two years from now."))

    class Meta:
        model = ApiKey
        fields = ["name", "scopes", "expires_at"]

    def clean_expires_at(self):
        try:
            return expiry_clean(self.cleaned_data.get("expires_at"))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made here (the key is shown once, in the message after saving), revoked
    with the action, never edited: a key with other rights is a new key."""

    list_display = ["name", "prefix", "scope_list", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    form = ApiKeyForm

    @admin.display(description=_("scopes"))
    def scope_list(self, key: ApiKey) -> str:
        return ", ".join(key.scopes)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "prefix", "scope_list", "created_at", "created_by", "expires_at", "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        return ["name", "scopes", "expires_at"] if obj is None else self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay listed: the audit trail names them

    def save_model(self, request, obj, form, change):
        key, token = api_key_create(name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                                    expires_at=form.cleaned_data["expires_at"], created_by=request.user,
                                    request=request)
        obj.pk = key.pk
        self.message_user(request, _("The key of %(name)s is %(token)s — copy it now: it will not be shown again.")
                          % {"name": key.name, "token": token}, messages.WARNING)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = sum(api_key_revoke(key=key, request=request, by=request.user) for key in queryset)
        self.message_user(request, ngettext("%d key revoked.", "%d keys revoked.", count) % count, messages.SUCCESS)
