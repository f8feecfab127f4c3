from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .devices import phone_device_remove
from .models import PhoneDevice, SmsMessage
from .phones import phone_mask


@admin.register(PhoneDevice)
class PhoneDeviceAdmin(admin.ModelAdmin):
    """Numbers are shown masked: an administrator has no need to read them."""

    list_display = ["masked", "user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    list_filter = ["confirmed"]
    search_fields = ["user__email", "name"]
    fields = ["user", "name", "masked", "confirmed", "created_at", "last_used_at", "throttling_failure_count",
              "throttling_failure_timestamp"]
    readonly_fields = ["user", "masked", "created_at", "last_used_at", "throttling_failure_count",
                       "throttling_failure_timestamp"]

    @admin.display(description=_("mobile phone number"))
    def masked(self, obj):
        return obj.masked_number

    def has_add_permission(self, request):
        return False

    # Removing a number here is audited and the person emailed, as when they remove it.
    def delete_model(self, request, obj):
        phone_device_remove(request=request, device=obj)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            phone_device_remove(request=request, device=device)


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "masked_to", "status", "error_code", "provider_id", "attempts", "sent_at", "delivered_at"]
    list_filter = ["status", "permanent_failure", "backend"]
    search_fields = ["provider_id", "user__email"]
    exclude = ["to", "body_hash"]
    readonly_fields = [f.name for f in SmsMessage._meta.fields if f.name not in {"to", "body_hash"}] + ["masked_to"]

    @admin.display(description=_("to"))
    def masked_to(self, obj):
        return phone_mask(obj.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
