"""A Relying Party ID or origin browsers would refuse fails early (manage.py check, every
start-up): otherwise keys would register nowhere, or work on one host and not another."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import conf
from .rp import origin_problem, rp_id_problem

ATTESTATIONS = {"none", "indirect", "direct", "enterprise"}


@register(Tags.security)
def webauthn_relying_party_check(app_configs, **kwargs) -> list:
    rp_id, origins = conf.get("MFA_WEBAUTHN_RP_ID"), conf.get("MFA_WEBAUTHN_ORIGINS")
    problems = []
    problem = rp_id_problem(rp_id)
    if problem:
        # In development (make run HOST=127.0.0.1) the rest of the product still works:
        # the security key method and pages are hidden until the host is a domain.
        level = Warning if settings.DEBUG else Error
        problems.append(level(f"MFA_WEBAUTHN_RP_ID {rp_id!r} {problem}.", id="mfa_webauthn.E001" if level is Error else "mfa_webauthn.W001",
                              hint="Serve eulogin on a domain name (e.g. HOST=localhost) to use security keys."))
        return problems
    if not origins or isinstance(origins, str):
        problems.append(Error("MFA_WEBAUTHN_ORIGINS must list the origins eulogin is served from.",
                              id="mfa_webauthn.E002"))
        return problems
    for origin in origins:
        problem = origin_problem(origin, rp_id)
        if problem:
            problems.append(Error(f"MFA_WEBAUTHN_ORIGINS: {origin!r} {problem}.", id="mfa_webauthn.E003"))
    if conf.get("MFA_WEBAUTHN_ATTESTATION") not in ATTESTATIONS:
        problems.append(Error(f"MFA_WEBAUTHN_ATTESTATION must be one of {sorted(ATTESTATIONS)}.", id="mfa_webauthn.E004"))
    if not conf.get("MFA_WEBAUTHN_STRENGTH"):
        problems.append(Error("MFA_WEBAUTHN_STRENGTH must name a strength.", id="mfa_webauthn.E005"))
    return problems
