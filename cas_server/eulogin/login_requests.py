"""Login transactions: a service posts the /cas/login parameters server-to-server to
/cas/login/init and gets a `loginRequestId`; the browser then comes to
/cas/login?loginRequestId=… and the login goes on exactly as if those parameters had
been given on /cas/login.

No public EU Login document describing /cas/login/init was found, so the contract here is
our own: POST (form-encoded) `service` (a registered service URL), optional `renew`,
`gateway`, `warn`, `method`, `acceptStrengths`, `authenticationLevel`, `locale`, and
`format` (XML by default, JSON). The id is random (256 bits), lives
CAS_EULOGIN_LOGIN_REQUEST_SECONDS, and is taken once: a second use, an expired or an
unknown id get the same error, so nothing can be learnt by probing ids.

The endpoint needs no credentials, as in EU Login: a login request grants nothing that a
/cas/login URL with the same parameters does not (the service URL must be registered, and
the ticket still goes only there). Parameters given on /cas/login beside a
loginRequestId are ignored: the stored ones win.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.crypto import digest
from accounts.strengths import UnknownRequirement

from .. import conf as cas_conf
from ..login import METHODS, PARAMETER_MAX_LENGTH, LoginParams, login_params_parse
from ..models import LoginRequest
from ..policy import login_requirement
from ..selectors import service_for_url, service_url_acceptable
from . import conf

LOGIN_REQUEST_PREFIX = "LR-"

INVALID_REQUEST = "INVALID_REQUEST"
INVALID_SERVICE = "INVALID_SERVICE"
UNAUTHORIZED_SERVICE = "UNAUTHORIZED_SERVICE"


def _digest(value: str) -> str:
    return digest(value)


@dataclass
class LoginRequestResult:
    """`login_request_id` on success, else `code` and `description` (and an HTTP status)."""

    login_request_id: str = ""
    expires_in: int = 0
    code: str = ""
    description: str = ""
    status: int = 200


def login_request_create(*, query) -> LoginRequestResult:
    """Store the /cas/login parameters of `query` for a registered service; returns a new
    loginRequestId. Unknown strengths or levels are refused now, not at /cas/login."""
    service_url = query.get("service", "")
    if not service_url:
        return LoginRequestResult(code=INVALID_REQUEST, description="'service' is required", status=400)
    if not service_url_acceptable(service_url):
        return LoginRequestResult(code=INVALID_SERVICE, description="'service' is not a valid URL", status=400)
    service = service_for_url(service_url)
    if service is None:
        return LoginRequestResult(
            code=UNAUTHORIZED_SERVICE, description="This service is not registered or is disabled", status=403,
        )
    # The same reading as /cas/login's own, so both ways in mean the same thing.
    params, error = login_params_parse({k: query.get(k) for k in (
        "service", "renew", "gateway", "warn", "method", "acceptStrengths", "authenticationLevel", "locale",
    ) if query.get(k) is not None})
    if params is None:
        return LoginRequestResult(code=INVALID_REQUEST, description=error, status=400)
    for name in ("acceptStrengths", "authenticationLevel", "locale"):
        if len(query.get(name) or "") > PARAMETER_MAX_LENGTH:
            return LoginRequestResult(code=INVALID_REQUEST, description=f"'{name}' is too long", status=400)
    try:
        login_requirement(
            service=service, accept_strengths=params.accept_strengths,
            authentication_level=params.authentication_level,
        )
    except UnknownRequirement:
        return LoginRequestResult(
            code=INVALID_REQUEST, description="Unknown strength in 'acceptStrengths' or level in 'authenticationLevel'",
            status=400,
        )
    raw = LOGIN_REQUEST_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    lifetime = conf.get("CAS_EULOGIN_LOGIN_REQUEST_SECONDS")
    LoginRequest.objects.create(
        id_digest=_digest(raw), service=service, service_url=params.service_url, renew=params.renew,
        gateway=params.gateway, warn=params.warn, method=params.method if params.method in METHODS else "GET",
        accept_strengths=params.accept_strengths, authentication_level=params.authentication_level,
        locale=params.locale, created_at=now, expires_at=now + timedelta(seconds=lifetime),
    )
    return LoginRequestResult(login_request_id=raw, expires_in=lifetime)


def login_request_take(value: str) -> tuple[LoginParams | None, str]:
    """The parameters behind a loginRequestId, taken once (a conditional UPDATE: of two
    concurrent uses only one wins). Returns (params, "") or (None, error message)."""
    error = str(_("This sign-in request is unknown, has expired or was already used. "
                  "Please go back to the service and try again."))
    value = value or ""
    if not value.startswith(LOGIN_REQUEST_PREFIX) or len(value) > conf.get("CAS_EULOGIN_LOGIN_REQUEST_ID_MAX_LENGTH"):
        return None, error
    now = timezone.now()
    digest = _digest(value)
    taken = LoginRequest.objects.filter(id_digest=digest, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if taken != 1:
        return None, error
    stored = LoginRequest.objects.get(id_digest=digest)
    return LoginParams(
        service_url=stored.service_url, renew=stored.renew, gateway=stored.gateway, warn=stored.warn,
        method=stored.method, accept_strengths=stored.accept_strengths,
        authentication_level=stored.authentication_level, locale=stored.locale,
    ), ""


def login_requests_purge(*, now=None) -> int:
    """Delete login requests used or expired more than CAS_PURGE_AFTER_SECONDS ago."""
    cutoff = (now or timezone.now()) - timedelta(seconds=cas_conf.get("CAS_PURGE_AFTER_SECONDS"))
    deleted, _details = LoginRequest.objects.filter(Q(expires_at__lt=cutoff) | Q(used_at__lt=cutoff)).delete()
    return deleted
