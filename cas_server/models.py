"""The CAS server's state: registered services, SSO sessions (TGT) and tickets.

Secrets that only ever come back to us (the TGT in its cookie, the PGT) are stored as
SHA-256 digests, so a database read does not hand out sessions. Service and proxy tickets
are stored as issued: they live seconds, are single-use, and the service ticket is the
SessionIndex that single logout must send back.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.http import url_parse

from . import conf


def releasable_attributes_validate(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Released attributes must be a list of names."))
    unknown = sorted(set(value) - set(conf.get("CAS_RELEASABLE_ATTRIBUTES")))
    if unknown:
        raise ValidationError(_("Unknown attributes: %(names)s.") % {"names": ", ".join(unknown)})


class Service(models.Model):
    """A relying service allowed to use the CAS server (the registry is closed by default)."""

    class MatchKind(models.TextChoices):
        PREFIX = "prefix", _("URL prefix")
        REGEX = "regex", _("Regular expression")

    name = models.CharField(_("name"), max_length=200)
    match_kind = models.CharField(_("match"), max_length=8, choices=MatchKind.choices, default=MatchKind.PREFIX)
    pattern = models.CharField(
        _("URL pattern"), max_length=2048,
        help_text=_("A prefix such as https://app.example.org/ or a regular expression matched against the whole URL."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    evaluation_order = models.IntegerField(
        _("evaluation order"), default=100, help_text=_("Services are tried from the lowest number up."),
    )
    released_attributes = models.JSONField(
        _("released attributes"), default=list, blank=True, validators=[releasable_attributes_validate],
        help_text=_("Names among: email, firstName, lastName, domain, locale."),
    )
    proxy_allowed = models.BooleanField(_("may proxy"), default=False)
    slo_url = models.URLField(
        _("single logout URL"), max_length=2048, blank=True,
        help_text=_("Where logout requests are posted; empty: the service URL the ticket was issued for."),
    )
    slo_enabled = models.BooleanField(_("single logout"), default=True)

    class Dialect(models.TextChoices):
        CAS = "cas", _("Standard CAS")
        EULOGIN = "eulogin", _("EU Login")

    # How /cas/serviceValidate and /cas/p3/serviceValidate answer this service: the
    # standard CAS form, or EU Login's (for clients written for EU Login).
    dialect = models.CharField(_("validation dialect"), max_length=8, choices=Dialect.choices, default=Dialect.CAS)
    created_at = models.DateTimeField(pgettext_lazy("service", "created"), default=timezone.now)

    class Meta:
        verbose_name = _("CAS service")
        verbose_name_plural = _("CAS services")
        ordering = ["evaluation_order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.match_kind == self.MatchKind.REGEX:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValidationError({"pattern": _("Invalid regular expression: %(error)s") % {"error": exc}}) from None
        elif not re.match(r"^[a-z][a-z0-9+.-]*://[^/?#]+", self.pattern, re.IGNORECASE) or not _prefix_origin(
            self.pattern
        ):
            # A prefix ending in the middle of the host ("https://app.example") would also
            # match "https://app.example.evil.org": ask for the full origin at least (and
            # one that parses: 'https://[::1' or a port of 99999 never matches anything).
            raise ValidationError({"pattern": _("A prefix must start with a scheme and a host, e.g. https://app.example.org/.")})
        if self.slo_url and url_parse(self.slo_url) is None:
            raise ValidationError({"slo_url": _("Enter a valid URL.")})

    def matches(self, url: str) -> bool:
        if self.match_kind == self.MatchKind.REGEX:
            try:
                return re.fullmatch(self.pattern, url) is not None
            except re.error:
                return False
        return prefix_matches(self.pattern, url)


def _prefix_origin(prefix: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of a registered prefix, or None when it does not parse."""
    pattern = url_parse(prefix, max_length=len(prefix) or 1)
    if pattern is None or not pattern.host:
        return None
    return pattern.scheme, pattern.host, pattern.port


def prefix_matches(prefix: str, url: str) -> bool:
    """Whether `url` lies under `prefix`: the same scheme, host and port exactly (parsed,
    never compared as text, so neither 'https://a.example.org.evil.net/' nor
    'https://a.example.org:x@evil.net/' passes for 'https://a.example.org'), then the
    path (and query) of the prefix as the start of the URL's."""
    pattern, candidate = url_parse(prefix, max_length=len(prefix) or 1), url_parse(url, max_length=len(url) or 1)
    if pattern is None or candidate is None or candidate.has_userinfo or not pattern.host:
        return False
    if (pattern.scheme, pattern.host, pattern.port) != (candidate.scheme, candidate.host, candidate.port):
        return False
    rest_of_prefix = prefix[len(f"{pattern.scheme}://{pattern.netloc}"):]
    rest_of_url = url[len(f"{candidate.scheme}://{candidate.netloc}"):]
    if not rest_of_url.startswith(rest_of_prefix):
        return False
    # 'https://a.example.org/app' must not match 'https://a.example.org/application'.
    if rest_of_prefix and not rest_of_prefix.endswith(("/", "?", "&", "=", "#")) and len(rest_of_url) > len(rest_of_prefix):
        return rest_of_url[len(rest_of_prefix)] in "/?#"
    return True


class SsoSession(models.Model):
    """A single sign-on session: the ticket-granting ticket behind the TGC cookie.

    Bound to one Django session key and one user; it ends on logout, after an idle time
    and at a hard maximum (see conf.py).
    """

    ticket_digest = models.CharField(max_length=64, unique=True)
    # Kept (user emptied) when the account is deleted, so single logout still reaches the
    # services until the purge removes the session.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="cas_sso_sessions"
    )
    session_key = models.CharField(max_length=64, db_index=True)
    authenticated_at = models.DateTimeField(_("signed in at"))
    factors = models.JSONField(default=list, blank=True)
    strength = models.CharField(_("strength"), max_length=32, blank=True)
    remember_me = models.BooleanField(_("remember me"), default=False)
    # The person asked at sign-in to be warned before being signed in to each service
    # (CAS 3 specification 2.2.1): single sign-on is never transparent in this session.
    warn = models.BooleanField(_("warn before each service"), default=False)
    created_at = models.DateTimeField(pgettext_lazy("SSO session", "started"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), default=timezone.now)
    expires_at = models.DateTimeField(_("hard expiry"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(_("end reason"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("SSO session")
        verbose_name_plural = _("SSO sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"

    def idle_deadline(self):
        if self.remember_me:
            return self.expires_at
        return self.last_used_at + timezone.timedelta(seconds=conf.get("CAS_SSO_IDLE_SECONDS"))

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and now < self.expires_at and now < self.idle_deadline()


class ProxyGrantingTicket(models.Model):
    """A PGT: lets a proxying service obtain proxy tickets while the SSO session lives."""

    ticket_digest = models.CharField(max_length=64, unique=True)
    sso_session = models.ForeignKey(SsoSession, on_delete=models.CASCADE, related_name="proxy_granting_tickets")
    service = models.ForeignKey(Service, null=True, on_delete=models.SET_NULL, related_name="+")
    # The callback that identifies the proxy, then the earlier proxies: most recent first.
    proxies = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("proxy-granting ticket")
        verbose_name_plural = _("proxy-granting tickets")


class ServiceTicket(models.Model):
    """A service ticket (ST-) or proxy ticket (PT-): single use, seconds long."""

    class Kind(models.TextChoices):
        SERVICE = "ST", _("service ticket")
        PROXY = "PT", _("proxy ticket")

    ticket = models.CharField(max_length=256, unique=True)
    kind = models.CharField(max_length=2, choices=Kind.choices)
    sso_session = models.ForeignKey(SsoSession, on_delete=models.CASCADE, related_name="tickets")
    service = models.ForeignKey(Service, null=True, on_delete=models.SET_NULL, related_name="+")
    service_url = models.TextField()
    proxy_granting_ticket = models.ForeignKey(
        ProxyGrantingTicket, null=True, blank=True, on_delete=models.CASCADE, related_name="proxy_tickets"
    )
    # Who proxied, most recent first (empty for service tickets).
    proxies = models.JSONField(default=list, blank=True)
    from_new_login = models.BooleanField(default=False)
    # What the session had proved when the ticket was issued (reported on validation).
    authenticated_at = models.DateTimeField()
    factors = models.JSONField(default=list, blank=True)
    strength = models.CharField(max_length=32, blank=True)
    # The strengths the service accepted when the ticket was issued (its policy and what
    # the login asked for), checked again on validation.
    accepted_strengths = models.CharField(max_length=200, blank=True)
    remember_me = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    consumed_at = models.DateTimeField(null=True, blank=True)
    validated = models.BooleanField(default=False)
    logout_sent_at = models.DateTimeField(null=True, blank=True)
    # Single logout asked for (or last tried) at; given up on at: what the sweep of
    # cas_server.requeue reads to queue again a logout the broker never took.
    logout_queued_at = models.DateTimeField(null=True, blank=True)
    logout_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service ticket")
        verbose_name_plural = _("service tickets")
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.ticket[:10]}… {self.service_url[:60]}"


class LoginRequest(models.Model):
    """An EU Login login transaction: parameters a service posted to /cas/login/init,
    standing behind a `loginRequestId` until /cas/login takes them (once).

    Only the SHA-256 digest of the id is stored: it only ever comes back to us.
    """

    id_digest = models.CharField(max_length=64, unique=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    service_url = models.TextField(_("service URL"))
    renew = models.BooleanField(default=False)
    gateway = models.BooleanField(default=False)
    warn = models.BooleanField(default=False)
    method = models.CharField(max_length=4, default="GET")
    accept_strengths = models.CharField(max_length=200, blank=True)
    authentication_level = models.CharField(max_length=200, blank=True)
    locale = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("login request", "created"), default=timezone.now)
    expires_at = models.DateTimeField(pgettext_lazy("login request", "expires"), db_index=True)
    used_at = models.DateTimeField(pgettext_lazy("login request", "used"), null=True, blank=True)

    class Meta:
        verbose_name = _("login request")
        verbose_name_plural = _("login requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service} {self.created_at:%Y-%m-%d %H:%M}"
