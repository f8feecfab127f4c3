"""Rendering of EU Login validation and login-request answers, in XML (lxml builder, the
`https://ecas.ec.europa.eu/cas/schemas` namespace, prefix `cas`) and JSON.

What a success says is decided by `success_fields`; the two renderings only shape it.
"""

import json

from django.http import HttpResponse
from django.utils import timezone

from accounts.factors import factor_get

from ..attributes import ticket_level, ticket_strengths, user_identifier
from ..formats import utc_timestamp
from ..models import ServiceTicket
from ..results import ValidationResult
from ..xmlbuild import element, xml_response
from . import conf
from .assurance import user_assurance_level, user_domain
from .login_requests import LoginRequestResult

EULOGIN_NS = "https://ecas.ec.europa.eu/cas/schemas"
_NSMAP = {"cas": EULOGIN_NS}
TICKET_TYPE_NAMES = {ServiceTicket.Kind.SERVICE: "SERVICE", ServiceTicket.Kind.PROXY: "PROXY"}
# The fields userDetails=false leaves out: names, contact data and the locale.
DETAIL_FIELDS = {"email", "firstName", "lastName", "domainUsername", "locale"}


def _iso(value) -> str:
    return utc_timestamp(value, milliseconds=True, offset="+00:00")


def user_uid(user) -> str:
    """A stable identifier that is not the email address (which a person may change)."""
    return f"n{user.pk:08d}"


def user_groups(user, wanted: str) -> list[str]:
    """The person's group names: all for `*`, else those among the comma-separated `wanted`."""
    names = sorted(user.groups.values_list("name", flat=True))
    if wanted == "*":
        return names
    asked = {name.strip() for name in wanted.split(",") if name.strip()}
    return [name for name in names if name in asked]


def success_fields(result: ValidationResult, *, user_details: bool = True, groups: str = "") -> dict:
    """What an EU Login success says, in order. Values are strings, except `strengths`,
    `groups`, `proxies` (lists of strings) and `authenticationFactors` (name, value pairs).

    Names, email, domain and locale go only to a service registered to receive them.
    """
    ticket = result.ticket
    user = ticket.sso_session.user
    released = set(ticket.service.released_attributes) if ticket.service is not None else set()
    domain = user_domain(user)
    personal = {
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "domain": domain,
        "locale": user.preferred_language,
    }
    fields: dict = {"user": user_identifier(user)}
    for name in ("email", "firstName", "lastName", "domain"):
        if name in released and personal[name]:
            fields[name] = personal[name]
    fields["domainUsername"] = user.email.partition("@")[0] if domain == "internal" else user_uid(user)
    if "locale" in released and personal["locale"]:
        fields["locale"] = personal["locale"]
    fields["assuranceLevel"] = str(user_assurance_level(user))
    fields["uid"] = user_uid(user)
    if groups:
        fields["groups"] = user_groups(user, groups)
    fields["strengths"] = ticket_strengths(ticket)
    factors = []
    for proved in ticket.factors:
        factor = factor_get(proved.get("kind", ""))
        if factor is not None:
            factors.extend(factor.eulogin_factors(proved, user=user, user_details=user_details))
    fields["authenticationFactors"] = factors
    fields["loginDate"] = _iso(ticket.authenticated_at)
    fields["sso"] = "false" if ticket.from_new_login else "true"
    fields["ticketType"] = TICKET_TYPE_NAMES.get(ticket.kind, "SERVICE")
    level = ticket_level(ticket)
    if level:
        fields["authenticationLevel"] = level
    if result.pgt_iou:
        fields["proxyGrantingTicket"] = result.pgt_iou
    if result.proxies:
        fields["proxies"] = list(result.proxies)
    if not user_details:
        fields = {name: value for name, value in fields.items() if name not in DETAIL_FIELDS}
    return fields


def _element(parent, name: str, text: str | None = None, **attributes):
    return element(parent, f"{{{EULOGIN_NS}}}{name}", text, attributes)


def _xml_root():
    return element(None, f"{{{EULOGIN_NS}}}serviceResponse", nsmap=_NSMAP,
                   attrib={"server": conf.get("CAS_EULOGIN_SERVER_NAME"), "date": _iso(timezone.now())})


def _xml_response(root, status: int = 200) -> HttpResponse:
    return xml_response(root, status=status)


def _json_response(data: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps({"serviceResponse": data}, indent=2), content_type="application/json",
                        status=status)


_LISTS = {"strengths": "strength", "groups": "group", "proxies": "proxy"}


def eulogin_validation_response(
    result: ValidationResult, *, fmt: str, user_details: bool = True, groups: str = "", status: int = 200,
) -> HttpResponse:
    """The serviceResponse of an EU Login validation: authenticationSuccess with the user
    data directly under it, or authenticationFailure with its code."""
    if not result.success:
        if fmt == "JSON":
            return _json_response(
                {"authenticationFailure": {"code": result.code, "description": result.description}}, status,
            )
        root = _xml_root()
        _element(root, "authenticationFailure", result.description, code=result.code)
        return _xml_response(root, status)
    fields = success_fields(result, user_details=user_details, groups=groups)
    if fmt == "JSON":
        data = {}
        for name, value in fields.items():
            if name == "authenticationFactors":
                data[name] = dict(value)
            else:
                data[name] = value
        return _json_response({"authenticationSuccess": data}, status)
    root = _xml_root()
    success = _element(root, "authenticationSuccess")
    for name, value in fields.items():
        if name in _LISTS:
            parent = _element(success, name, **({"number": len(value)} if name != "proxies" else {}))
            for item in value:
                _element(parent, _LISTS[name], item)
        elif name == "authenticationFactors":
            parent = _element(success, name, number=len(value))
            for factor, detail in value:
                _element(parent, factor, detail)
        else:
            _element(success, name, value)
    return _xml_response(root, status)


def login_request_response(result: LoginRequestResult, *, fmt: str) -> HttpResponse:
    """The answer of /cas/login/init: loginRequestSuccess with the id (and its lifetime in
    seconds), or loginRequestFailure with a code."""
    if fmt == "JSON":
        if result.login_request_id:
            data = {"loginRequestSuccess": {"loginRequestId": result.login_request_id,
                                            "expiresIn": result.expires_in}}
        else:
            data = {"loginRequestFailure": {"code": result.code, "description": result.description}}
        return _json_response(data, result.status)
    root = _xml_root()
    if result.login_request_id:
        success = _element(root, "loginRequestSuccess")
        _element(success, "loginRequestId", result.login_request_id)
        _element(success, "expiresIn", str(result.expires_in))
    else:
        _element(root, "loginRequestFailure", result.description, code=result.code)
    return _xml_response(root, result.status)


def eulogin_validation_render(request, query, result: ValidationResult, fmt: str) -> HttpResponse | None:
    """For the CAS validation endpoints: EU Login's form when the registered service chose
    it (its clients expect it), else None (the CAS form)."""
    from .validation import GROUPS_MAX_LENGTH, eulogin_dialect_chosen

    if not eulogin_dialect_chosen(result, query.get("service", "")):
        return None
    return eulogin_validation_response(
        result, fmt=fmt, user_details=True, groups=(query.get("groups") or "")[:GROUPS_MAX_LENGTH].strip(),
    )
