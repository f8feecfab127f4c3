"""Misconfiguration of the CAS server fails early and loudly."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import conf


@register(Tags.security, deploy=True)
def cas_settings_check(app_configs, **kwargs):
    problems = []
    if conf.get("CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK") and not settings.DEBUG:
        problems.append(Error(
            "CAS_PROXY_CALLBACK_ALLOW_HTTP_LOOPBACK is for tests only: proxy callbacks must use HTTPS.",
            id="cas.E001",
        ))
    if not conf.sso_cookie_secure() and not settings.DEBUG:
        problems.append(Warning("The CAS ticket-granting cookie is not Secure.", id="cas.W001"))
    if conf.get("CAS_SERVICE_TICKET_SECONDS") > 300:
        problems.append(Warning(
            "CAS_SERVICE_TICKET_SECONDS is over five minutes, longer than the CAS specification recommends.",
            id="cas.W002",
        ))
    return problems


@register()
def cas_limits_check(app_configs, **kwargs):
    problems = []
    for name in ("CAS_SERVICE_TICKET_SECONDS", "CAS_SSO_IDLE_SECONDS", "CAS_SSO_MAX_SECONDS", "CAS_REMEMBER_ME_SECONDS"):
        value = conf.get(name)
        if not isinstance(value, int) or value <= 0:
            problems.append(Error(f"{name} must be a positive number of seconds.", id="cas.E002"))
    if conf.get("CAS_REMEMBER_ME_SECONDS") > 90 * 24 * 3600:
        problems.append(Error("CAS_REMEMBER_ME_SECONDS may not exceed 3 months (CAS specification 4.1.5).", id="cas.E003"))
    return problems
