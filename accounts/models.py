from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import conf


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the identifier (unique whatever its case)."""

    email = models.EmailField(_("email address"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    # Empty: offer the method last used in this browser.
    preferred_method = models.CharField(_("preferred authentication method"), max_length=32, blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    locked_at = models.DateTimeField(
        _("locked by an administrator"), null=True, blank=True,
        help_text=_("A locked account cannot sign in until an administrator unlocks it."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def domain_label(self) -> str:
        return email_domain_label(self.email)


INTERNAL, EXTERNAL = "internal", "external"


def email_domain(email: str) -> str:
    """The one rule: INTERNAL for the staff domains of ACCOUNTS_INTERNAL_DOMAINS, EXTERNAL
    for everyone else (self-registered). Stable codes: services compare them."""
    domain = email.rpartition("@")[2].lower()
    internal = {d.lower() for d in conf.get("ACCOUNTS_INTERNAL_DOMAINS")}
    return INTERNAL if domain in internal else EXTERNAL


def email_domain_label(email: str) -> str:
    """'Internal' or 'External', translated, for the pages."""
    return _("Internal") if email_domain(email) == INTERNAL else _("External")


class AuditEvent(models.Model):
    """One security event. Never holds a secret (no password, code or token)."""

    class Kind(models.TextChoices):
        SIGNIN_SUCCEEDED = "signin_succeeded", _("Sign-in succeeded")
        SIGNIN_FAILED = "signin_failed", _("Sign-in failed")
        SIGNIN_LOCKED = "signin_locked", _("Sign-in refused: locked")
        SIGNED_OUT = "signed_out", _("Signed out")
        SESSION_ENDED = "session_ended", _("Session ended")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset")
        ACCOUNT_CREATED = "account_created", _("Account created")
        ACCOUNT_UPDATED = "account_updated", _("Account updated")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")
        ACCOUNT_LOCKED = "account_locked", _("Account locked")
        ACCOUNT_UNLOCKED = "account_unlocked", _("Account unlocked")
        MFA_DEVICE_ADDED = "mfa_device_added", _("Second factor added")
        MFA_DEVICE_REMOVED = "mfa_device_removed", _("Second factor removed")
        MFA_SUCCEEDED = "mfa_succeeded", _("Second factor verified")
        MFA_FAILED = "mfa_failed", _("Second factor refused")
        MFA_LOCKED = "mfa_locked", _("Second factor locked")
        MFA_PANIC = "mfa_panic", _("All second factors removed (PANIC)")
        SMS_REFUSED = "sms_refused", _("SMS refused by a limit")
        TICKET_ISSUED = "ticket_issued", _("Ticket issued")
        TICKET_VALIDATED = "ticket_validated", _("Ticket validated")
        TICKET_REFUSED = "ticket_refused", _("Ticket refused")
        SLO_SENT = "slo_sent", _("Single logout sent")
        SLO_FAILED = "slo_failed", _("Single logout failed")
        PASSWORD_RESET_FORCED = "password_reset_forced", _("Password reset forced by an administrator")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        SERVICE_CREATED = "service_created", _("Service registered")
        SERVICE_UPDATED = "service_updated", _("Service changed")
        SERVICE_DELETED = "service_deleted", _("Service removed")
        API_KEY_CREATED = "api_key_created", _("API key created")
        API_KEY_REVOKED = "api_key_revoked", _("API key revoked")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    email = models.CharField(_("email typed"), max_length=254, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()}"


class SignInThrottle(models.Model):
    """Consecutive failed passwords for one account (by typed email) or one client IP."""

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("account")
        IP = "ip", _("IP address")

    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    key = models.CharField(_("key"), max_length=254)
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="accounts_throttle_scope_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class UserSession(models.Model):
    """A signed-in browser session, listed on "Afficher mes sessions"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("browser session", "started"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_activity_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class RateWindow(models.Model):
    """One fixed-window request counter kept in PostgreSQL (eulogin.ratelimit): the SMS
    abuse limits always, the other limits while the cache is down. `key` names the
    scope, the hashed key, the window and its bucket; the row is useless after
    `expires_at` and the hourly purge deletes it."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("request counter")
        verbose_name_plural = _("request counters")

    def __str__(self) -> str:
        return f"{self.key} {self.count}"


class FactorLock(models.Model):
    """Consecutive wrong codes of one account for one factor kind, and the lock that
    follows too many (accounts.locks). One row per account and kind, made at the first
    wrong code."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="factor_locks")
    kind = models.CharField(_("method"), max_length=32)
    consecutive_failures = models.PositiveIntegerField(_("consecutive wrong codes"), default=0)
    last_failure_at = models.DateTimeField(_("last wrong code"), null=True, blank=True)
    locked_at = models.DateTimeField(_("method locked"), null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor lock")
        verbose_name_plural = _("second-factor locks")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="factor_lock_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} ({self.kind})"
