from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import WebAuthnDevice
from .services import key_remove


@admin.register(WebAuthnDevice)
class WebAuthnDeviceAdmin(admin.ModelAdmin):
    """A person's keys: shown, renamed or removed (removal is audited and emailed, as when
    the person removes one). The key material itself is never shown or edited."""

    list_display = ["name", "user", "kind", "created_at", "last_used_at", "sign_count"]
    list_filter = ["discoverable", "attachment"]
    search_fields = ["user__email", "name"]
    fields = ["user", "name", "kind", "discoverable", "user_verified", "backed_up", "transports", "aaguid",
              "sign_count", "created_at", "last_used_at"]
    readonly_fields = ["user", "kind", "discoverable", "user_verified", "backed_up", "transports", "aaguid",
                       "sign_count", "created_at", "last_used_at"]
    actions = ["remove_keys"]

    @admin.display(description=_("kind"))
    def kind(self, obj):
        return _("Passkey") if obj.is_passkey else obj.get_attachment_display() or _("Security key")

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Remove the selected keys"), permissions=["delete"])
    def remove_keys(self, request, queryset):
        for device in queryset.select_related("user"):
            key_remove(request=request, device=device)
        self.message_user(request, _("The selected keys have been removed."))

    def delete_model(self, request, obj):
        key_remove(request=request, device=obj)
