from django.contrib import admin

from .models import TOTPDevice
from .services import totp_device_remove

# django-otp's own admin for TOTPDevice shows the secret and a QR code of it: an
# administrator has no need to read a person's secret, so ours replaces it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    list_filter = ["confirmed"]
    search_fields = ["user__email", "name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count",
              "throttling_failure_timestamp"]
    readonly_fields = ["user", "confirmed", "created_at", "last_used_at", "throttling_failure_count",
                       "throttling_failure_timestamp"]

    def has_add_permission(self, request):
        return False

    # Removing an app here is audited and the person emailed, as when they remove it.
    def delete_model(self, request, obj):
        totp_device_remove(request=request, device=obj)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            totp_device_remove(request=request, device=device)
