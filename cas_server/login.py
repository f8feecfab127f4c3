"""The /cas/login decision: what to do with a browser that asks for a service ticket.

Kept apart from the views so that policies (required strength per service, step-up) can
wrap `login_decide` without touching HTTP handling.

How a fresh sign-in is recognised: when /cas/login sends the browser to the accounts
sign-in, `next` carries a signed *resume token* holding the login parameters and the time
of that request. Back from the sign-in, the session's password factor must be younger than
that time for the login to count as new (`isFromNewLogin`, and what `renew` requires).
Nothing is written for an anonymous visitor: the token lives in the URL, not the database.
"""

import enum
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import conf as accounts_conf
from accounts.factors import session_factor_kinds, strengths_for

# Set by the sign-in form's "remember me" checkbox: the person's own choice of a long-term
# SSO session (specification 4.1.1), never a parameter a service can send.
from accounts.flows import REMEMBER_ME_SESSION_KEY, WARN_SESSION_KEY
from accounts.http import url_with_query
from accounts.strengths import Requirement, UnknownRequirement

from . import conf
from .dialects import login_parameter_sources
from .models import Service, SsoSession
from .policy import login_requirement
from .selectors import service_for_url, service_url_acceptable, sso_session_for_request
from .sso import session_authenticated_at

RESUME_SALT = "cas.login.resume"
# A resume token outlives the longest sign-in the accounts app allows, plus 5 minutes.
RESUME_GRACE_SECONDS = 5 * 60
METHODS = ("GET", "POST")
# acceptStrengths, authenticationLevel and locale are short lists of names: 200 characters
# hold every strength there is; anything longer is cut before it is parsed.
PARAMETER_MAX_LENGTH = 200

SERVICE_NOT_REGISTERED = _(
    "This service is not registered with EU Login, or it is disabled. You cannot sign in to it from here."
)


class Outcome(enum.Enum):
    ERROR = "error"
    SIGN_IN = "sign_in"
    STEP_UP = "step_up"
    GATEWAY_BACK = "gateway_back"
    WARN = "warn"
    ISSUE = "issue"
    SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class LoginParams:
    service_url: str = ""
    renew: bool = False
    gateway: bool = False
    warn: bool = False
    # The person confirmed the warn page of this very login (a CSRF-protected POST).
    warned: bool = False
    method: str = "GET"
    # When this login asked for credentials (from a resume token), else None.
    requested_at: datetime | None = None
    # What the service asks for on top of its policy (EU Login parameters), as sent.
    accept_strengths: str = ""
    authentication_level: str = ""
    locale: str = ""


@dataclass
class LoginDecision:
    outcome: Outcome
    params: LoginParams
    service: Service | None = None
    sso: SsoSession | None = None
    from_new_login: bool = False
    error: str = ""
    status: int = 200
    # The strengths the service accepts for this login (its policy and the request's).
    requirement: Requirement | None = None


LOCALE_RE = re.compile(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?")


def _locale(value: str | None) -> str:
    """A language tag such as 'fr' or 'fr_BE', or '' for anything else."""
    return value if value and LOCALE_RE.fullmatch(value) else ""


def cas_flag(value: str | None, *, default: bool = False) -> bool:
    """A CAS (or EU Login) boolean parameter: set when present, unless it plainly says
    false; `default` when absent. The one reading of renew, gateway, warn, userDetails..."""
    if value is None:
        return default
    return value.strip().lower() not in ("false", "0", "no", "off")


def login_params_parse(query) -> tuple[LoginParams | None, str]:
    """Read /cas/login parameters (or the resume token standing for them).

    Returns (params, "") or (None, error message). A `loginRequestId` (EU Login login
    transaction) stands for the parameters stored by /cas/login/init, taken once.
    """
    for name, take in login_parameter_sources.items():
        if name in query:
            return take(query.get(name, ""))
    if "resume" in query:
        token = query.get("resume", "")[:4096]
        try:
            try:
                data = signing.loads(
                    token, salt=RESUME_SALT,
                    max_age=accounts_conf.get("ACCOUNTS_SIGNIN_TIMEOUT_SECONDS") + RESUME_GRACE_SECONDS,
                )
            except signing.SignatureExpired:
                # Our own token, just old (a long sign-in): the parameters still hold, but
                # it no longer vouches for fresh credentials.
                data = {**signing.loads(token, salt=RESUME_SALT), "at": ""}
            return LoginParams(
                service_url=data.get("s", ""), renew=bool(data.get("r")), gateway=bool(data.get("g")),
                warn=bool(data.get("w")), warned=bool(data.get("wd")), method=data.get("m", "GET"),
                requested_at=datetime.fromisoformat(data["at"]) if data.get("at") else None,
                accept_strengths=data.get("as", ""), authentication_level=data.get("al", ""),
                locale=data.get("lc", ""),
            ), ""
        except (signing.BadSignature, ValueError, KeyError, TypeError):
            return None, str(_("This sign-in link is not valid. Please go back to the service and try again."))
    method = (query.get("method") or "GET").upper()
    if method not in METHODS:
        return None, str(_("The response method requested by the service is not supported."))
    renew = cas_flag(query.get("renew"))
    return LoginParams(
        service_url=query.get("service", ""),
        renew=renew,
        # The specification recommends ignoring gateway when renew is set.
        gateway=cas_flag(query.get("gateway")) and not renew,
        warn=cas_flag(query.get("warn")),
        method=method,
        accept_strengths=(query.get("acceptStrengths") or "")[:PARAMETER_MAX_LENGTH],
        authentication_level=(query.get("authenticationLevel") or "")[:PARAMETER_MAX_LENGTH],
        locale=_locale(query.get("locale")),
    ), ""


def login_resume_token(params: LoginParams, *, requested_at: datetime | None = None, **changes) -> str:
    """A signed token standing for `params` (and when credentials were asked for)."""
    params = replace(params, **changes)
    at = requested_at or params.requested_at
    return signing.dumps(
        {"s": params.service_url, "r": params.renew, "g": params.gateway, "w": params.warn, "wd": params.warned,
         "m": params.method,
         "at": at.isoformat() if at else "", "as": params.accept_strengths, "al": params.authentication_level,
         "lc": params.locale},
        salt=RESUME_SALT, compress=True,
    )


def login_resume_url(params: LoginParams, *, requested_at: datetime | None = None, **changes) -> str:
    """/cas/login carrying `params` in a resume token."""
    token = login_resume_token(params, requested_at=requested_at, **changes)
    return url_with_query(reverse("cas:login"), resume=token)


def login_signin_next(params: LoginParams) -> str:
    """Where the accounts sign-in goes afterwards: back to /cas/login, with `params` and the
    time credentials were asked for."""
    return login_resume_url(params, requested_at=timezone.now())


def login_signin_url(params: LoginParams) -> str:
    """The accounts sign-in, coming back to /cas/login afterwards."""
    return url_with_query(reverse(settings.LOGIN_URL), next=login_signin_next(params))


def remember_me_chosen(request: HttpRequest) -> bool:
    """Did the person tick "remember me" when signing in (in this session)?"""
    return bool(request.session.get(REMEMBER_ME_SESSION_KEY)) if hasattr(request, "session") else False


def warn_chosen(request: HttpRequest) -> bool:
    """Did the person tick "warn me before logging me into other sites" when signing in?"""
    return bool(request.session.get(WARN_SESSION_KEY)) if hasattr(request, "session") else False


def login_warns(request: HttpRequest, params: LoginParams, *, fresh: bool) -> bool:
    """Whether this login shows the warn page before its ticket: the service asked (`warn`),
    or the person asked at their sign-in, for the rest of the SSO session (CAS 3 2.2.1),
    except for the service the credentials were just presented for. Only a POST of the
    warn page (CSRF-protected) confirms it, never a link."""
    if params.warned and request.method == "POST":
        return False
    return params.warn or (warn_chosen(request) and not fresh)


def session_is_fresh(request: HttpRequest, params: LoginParams) -> bool:
    """Credentials were presented after this login asked for them."""
    if params.requested_at is None or not request.user.is_authenticated:
        return False
    return session_authenticated_at(request) >= params.requested_at


def session_may_start_sso(request: HttpRequest) -> bool:
    """A signed-in session with no SSO session yet may start one, unless an SSO session of
    this very session already ended (logout, idle, maximum): then credentials are needed."""
    if not request.user.is_authenticated or not request.session.session_key:
        return False
    age = timezone.now() - session_authenticated_at(request)
    if age > timedelta(seconds=conf.get("CAS_SSO_MAX_SECONDS")):
        return False
    return not SsoSession.objects.filter(user=request.user, session_key=request.session.session_key).exists()


def login_decide(request: HttpRequest, params: LoginParams) -> LoginDecision:
    """Decide the outcome of /cas/login; no side effect."""
    service = None
    if params.service_url:
        if not service_url_acceptable(params.service_url):
            return LoginDecision(Outcome.ERROR, params, error=str(_("The service address is not valid.")), status=400)
        service = service_for_url(params.service_url)
        if service is None:
            return LoginDecision(
                Outcome.ERROR, params, status=403,
                error=str(SERVICE_NOT_REGISTERED),
            )
    requirement = None
    if service is not None:
        try:
            requirement = login_requirement(
                service=service, accept_strengths=params.accept_strengths,
                authentication_level=params.authentication_level,
            )
        except UnknownRequirement:
            return LoginDecision(
                Outcome.ERROR, params, service=service, status=400,
                error=str(_("The service asked for an authentication strength or level that EU Login does not know.")),
            )
        if not requirement.is_achievable:
            return LoginDecision(
                Outcome.ERROR, params, service=service, status=403,
                error=str(_("This service requires an authentication method that EU Login cannot offer you yet.")),
            )
    fresh = session_is_fresh(request, params)
    sso = sso_session_for_request(request)
    if params.renew and not fresh:
        return LoginDecision(Outcome.SIGN_IN, params, service=service, requirement=requirement)
    if sso is None and not fresh and not session_may_start_sso(request):
        if params.gateway and service is not None:
            return LoginDecision(Outcome.GATEWAY_BACK, params, service=service)
        return LoginDecision(Outcome.SIGN_IN, params, service=service, requirement=requirement)
    if service is None:
        return LoginDecision(Outcome.SIGNED_IN, params, sso=sso, from_new_login=fresh)
    if not requirement.is_met_by(strengths_for(session_factor_kinds(request))):
        # Signed in, but not strongly enough for this service: prove the missing factor
        # (no second password), or go back empty-handed when the service said gateway.
        if params.gateway:
            return LoginDecision(Outcome.GATEWAY_BACK, params, service=service)
        return LoginDecision(Outcome.STEP_UP, params, service=service, sso=sso, from_new_login=fresh,
                             requirement=requirement)
    if login_warns(request, params, fresh=fresh):
        return LoginDecision(Outcome.WARN, params, service=service, sso=sso, from_new_login=fresh,
                             requirement=requirement)
    return LoginDecision(Outcome.ISSUE, params, service=service, sso=sso, from_new_login=fresh,
                         requirement=requirement)
