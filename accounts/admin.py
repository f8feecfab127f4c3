from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .locks import factor_unlock
from .models import AuditEvent, FactorLock, SignInThrottle, User, UserSession
from .services import user_lock, user_session_end, user_unlock


class UserSessionInline(admin.TabularInline):
    """The person's open sessions, read-only (the key, a bearer secret, is never shown)."""

    model = UserSession
    fields = ["ip_address", "user_agent", "created_at", "last_activity_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("open sessions")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [UserSessionInline]
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "domain_label", "is_active", "locked_at", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", ("locked_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined", "locked_at", "second_factors"]
    actions = ["lock_accounts", "unlock_accounts"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "preferred_language", "preferred_method")}),
        (_("Permissions"), {"fields": ("is_active", "locked_at", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Second factors"), {"fields": ("second_factors",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "password1", "password2")}),)

    @admin.display(description=_("second factors"))
    def second_factors(self, obj: User) -> str:
        """Every device of every registered kind, each linking to its own admin page, where
        it can be removed (audited, and the person is emailed)."""
        from .factors import second_factors

        rows = []
        for factor in second_factors():
            for device in factor.devices(obj) if obj.pk else []:
                meta = device._meta
                try:
                    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[device.pk])
                except NoReverseMatch:
                    url = ""
                rows.append((factor.label, url, str(device)))
        if not rows:
            return _("none")
        return format_html("<ul>{}</ul>", format_html_join(
            "", '<li>{}: <a href="{}" class="second-factor">{}</a></li>', rows))

    @admin.display(description=_("domain"))
    def domain_label(self, obj: User) -> str:
        return obj.domain_label

    @admin.action(description=_("Lock the selected accounts"))
    def lock_accounts(self, request, queryset):
        count = 0
        for user in queryset.filter(locked_at__isnull=True):
            count += user_lock(user=user, request=request, by=request.user.email)
        self.message_user(request, ngettext("%d account locked.", "%d accounts locked.", count) % count, messages.SUCCESS)

    @admin.action(description=_("Unlock the selected accounts (and clear their failed sign-ins)"))
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            user_unlock(user=user, request=request, by=request.user.email)
        count = queryset.count()
        self.message_user(request, ngettext("%d account unlocked.", "%d accounts unlocked.", count) % count, messages.SUCCESS)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log: browsable and searchable, never written or erased from admin."""

    list_display = ["created_at", "kind", "user", "email", "ip_address"]
    list_filter = ["kind", "created_at"]
    search_fields = ["email", "ip_address", "user__email"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_select_related = ["user"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin):
    list_display = ["scope", "key", "account", "failures", "last_failure_at", "locked_until", "is_locked"]
    list_filter = ["scope"]
    search_fields = ["key"]
    actions = ["delete_selected"]

    @admin.display(description=_("account"))
    def account(self, obj: SignInThrottle) -> str:
        if obj.key.startswith("user:"):
            user = User.objects.filter(pk=obj.key[5:]).first()
            return user.email if user else ""
        return ""

    @admin.display(boolean=True, description=_("locked now"))
    def is_locked(self, obj: SignInThrottle) -> bool:
        return obj.is_locked


@admin.register(FactorLock)
class FactorLockAdmin(admin.ModelAdmin):
    """Every kind's account-wide lock after too many wrong codes (accounts.locks)."""

    list_display = ["user", "kind", "consecutive_failures", "last_failure_at", "locked_at"]
    list_filter = ["kind", ("locked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email"]
    readonly_fields = ["user", "kind", "consecutive_failures", "last_failure_at", "locked_at"]
    actions = ["unlock"]

    @admin.action(description=_("Unlock the method of the selected accounts"))
    def unlock(self, request, queryset):
        for lock in queryset.select_related("user"):
            factor_unlock(user=lock.user, kind=lock.kind, request=request)
        self.message_user(request, ngettext("%d account unlocked.", "%d accounts unlocked.", queryset.count())
                          % queryset.count(), messages.SUCCESS)

    def has_add_permission(self, request):
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "ip_address", "created_at", "last_activity_at"]
    search_fields = ["user__email", "ip_address"]
    # The session key is a bearer secret: whoever reads it can be that person. Never shown.
    fields = ["user", "ip_address", "user_agent", "created_at", "last_activity_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    actions = ["end_sessions"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting the row would leave the session itself alive: use the action instead.
        return False

    @admin.action(description=_("End the selected sessions"), permissions=["view"])
    def end_sessions(self, request, queryset):
        count = 0
        for session in queryset.select_related("user"):
            count += user_session_end(user=session.user, session_key=session.session_key, request=request)
        self.message_user(request, ngettext("%d session ended.", "%d sessions ended.", count) % count, messages.SUCCESS)
