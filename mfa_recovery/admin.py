from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import RecoveryCodeSet
from .services import recovery_codes_remove


@admin.register(RecoveryCodeSet)
class RecoveryCodeSetAdmin(admin.ModelAdmin):
    """How many codes a person has left; the codes themselves are never shown (only their
    HMACs exist)."""

    list_display = ["user", "remaining", "created_at", "last_used_at", "throttling_failure_count"]
    search_fields = ["user__email"]
    fields = ["user", "remaining", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = fields

    @admin.display(description=_("codes left"))
    def remaining(self, obj):
        return obj.codes.filter(used_at__isnull=True).count()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Removing a set here is audited and the person emailed, as any change of factors.
    def delete_model(self, request, obj):
        recovery_codes_remove(request=request, user=obj.user)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            recovery_codes_remove(request=request, user=device.user)
