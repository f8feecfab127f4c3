"""Rendering of validation and proxy responses: CAS 1 text, CAS 2/3 XML and JSON, SAML 1.1.

Rendering only: what to say is decided by validation.py, proxy.py and attributes.py.
"""

import json
import uuid
from datetime import timedelta
from datetime import timezone as dt_timezone
from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse
from django.utils import timezone

from . import conf
from .attributes import ticket_attributes, user_identifier
from .results import ProxyResult, ValidationResult

CAS_NS = "http://www.yale.edu/tp/cas"


def _xml(body: str) -> HttpResponse:
    return HttpResponse(
        f'<cas:serviceResponse xmlns:cas="{CAS_NS}">\n{body}</cas:serviceResponse>\n',
        content_type="application/xml; charset=utf-8",
    )


def _json(data: dict) -> HttpResponse:
    return HttpResponse(json.dumps({"serviceResponse": data}, indent=2), content_type="application/json")


def cas1_response(result: ValidationResult) -> HttpResponse:
    """/validate: "yes<LF>user<LF>" or "no<LF><LF>"."""
    if result.success:
        return HttpResponse(f"yes\n{user_identifier(result.ticket.sso_session.user)}\n", content_type="text/plain; charset=utf-8")
    return HttpResponse("no\n\n", content_type="text/plain; charset=utf-8")


def validation_response(result: ValidationResult, *, fmt: str, with_attributes: bool) -> HttpResponse:
    """The serviceResponse of /serviceValidate, /proxyValidate and their /p3 forms."""
    if not result.success:
        if fmt == "JSON":
            return _json({"authenticationFailure": {"code": result.code, "description": result.description}})
        return _xml(
            f" <cas:authenticationFailure code={quoteattr(result.code)}>{escape(result.description)}"
            "</cas:authenticationFailure>\n"
        )
    user = user_identifier(result.ticket.sso_session.user)
    attributes = ticket_attributes(result.ticket) if with_attributes else {}
    if fmt == "JSON":
        success: dict = {"user": user}
        if attributes:
            success["attributes"] = {k: v[0] if len(v) == 1 else v for k, v in attributes.items()}
        if result.pgt_iou:
            success["proxyGrantingTicket"] = result.pgt_iou
        if result.proxies:
            success["proxies"] = result.proxies
        return _json({"authenticationSuccess": success})
    lines = [" <cas:authenticationSuccess>", f"  <cas:user>{escape(user)}</cas:user>"]
    if attributes:
        lines.append("  <cas:attributes>")
        for name, values in attributes.items():
            lines += [f"   <cas:{name}>{escape(value)}</cas:{name}>" for value in values]
        lines.append("  </cas:attributes>")
    if result.pgt_iou:
        lines.append(f"  <cas:proxyGrantingTicket>{escape(result.pgt_iou)}</cas:proxyGrantingTicket>")
    if result.proxies:
        lines.append("  <cas:proxies>")
        lines += [f"   <cas:proxy>{escape(proxy)}</cas:proxy>" for proxy in result.proxies]
        lines.append("  </cas:proxies>")
    lines.append(" </cas:authenticationSuccess>")
    return _xml("\n".join(lines) + "\n")


def proxy_response(result: ProxyResult, *, fmt: str) -> HttpResponse:
    """/proxy: proxySuccess with the PT, or proxyFailure with its code."""
    if fmt == "JSON":
        if result.ticket:
            return _json({"proxySuccess": {"proxyTicket": result.ticket}})
        # The specification's JSON form of a proxy failure (section 2.7.2).
        return _json({"authenticationFailure": {"code": result.code, "description": result.description}})
    if result.ticket:
        return _xml(f" <cas:proxySuccess>\n  <cas:proxyTicket>{escape(result.ticket)}</cas:proxyTicket>\n </cas:proxySuccess>\n")
    return _xml(f" <cas:proxyFailure code={quoteattr(result.code)}>{escape(result.description)}</cas:proxyFailure>\n")


# --- SAML 1.1 ----------------------------------------------------------------------------

SAML_ATTRIBUTE_NAMESPACE = "http://www.ja-sig.org/products/cas/"


def _instant(value) -> str:
    return value.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def saml_response(
    result: ValidationResult, *, target: str, request_id: str, release_user_attributes: bool,
) -> HttpResponse:
    """The SOAP-wrapped SAML 1.1 Response of /samlValidate (specification 4.2.5)."""
    now = timezone.now()
    head = (
        '<Response xmlns="urn:oasis:names:tc:SAML:1.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" '
        'xmlns:samlp="urn:oasis:names:tc:SAML:1.0:protocol" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'IssueInstant="{_instant(now)}" MajorVersion="1" MinorVersion="1" Recipient={quoteattr(target)} '
        f'ResponseID="_{uuid.uuid4().hex}"'
        + (f" InResponseTo={quoteattr(request_id)}" if request_id else "")
        + ">"
    )
    if not result.success:
        status = {"INVALID_REQUEST": "samlp:Requester", "INTERNAL_ERROR": "samlp:Responder"}.get(
            result.code, "samlp:RequestDenied"
        )
        body = (
            f'<Status><StatusCode Value="{status}"></StatusCode>'
            f"<StatusMessage>{escape(result.code + ': ' + result.description)}</StatusMessage></Status>"
        )
    else:
        ticket = result.ticket
        user = escape(user_identifier(ticket.sso_session.user))
        subject = (
            f"<Subject><NameIdentifier>{user}</NameIdentifier><SubjectConfirmation>"
            "<ConfirmationMethod>urn:oasis:names:tc:SAML:1.0:cm:artifact</ConfirmationMethod>"
            "</SubjectConfirmation></Subject>"
        )
        attributes = ticket_attributes(ticket, release_user_attributes=release_user_attributes)
        attribute_xml = "".join(
            f'<Attribute AttributeName={quoteattr(name)} AttributeNamespace="{SAML_ATTRIBUTE_NAMESPACE}">'
            + "".join(f"<AttributeValue>{escape(v)}</AttributeValue>" for v in values)
            + "</Attribute>"
            for name, values in attributes.items()
        )
        body = (
            '<Status><StatusCode Value="samlp:Success"></StatusCode></Status>'
            f'<Assertion xmlns="urn:oasis:names:tc:SAML:1.0:assertion" AssertionID="_{uuid.uuid4().hex}" '
            f'IssueInstant="{_instant(now)}" Issuer={quoteattr(conf.get("CAS_SAML_ISSUER"))} MajorVersion="1" MinorVersion="1">'
            f'<Conditions NotBefore="{_instant(now)}" NotOnOrAfter="{_instant(now + timedelta(seconds=30))}">'
            f"<AudienceRestrictionCondition><Audience>{escape(target)}</Audience></AudienceRestrictionCondition></Conditions>"
            f"<AttributeStatement>{subject}{attribute_xml}</AttributeStatement>"
            f'<AuthenticationStatement AuthenticationInstant="{_instant(ticket.authenticated_at)}" '
            f'AuthenticationMethod="urn:oasis:names:tc:SAML:1.0:am:password">{subject}</AuthenticationStatement>'
            "</Assertion>"
        )
    envelope = (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/>'
        f"<SOAP-ENV:Body>{head}{body}</Response></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    return HttpResponse(envelope, content_type="text/xml; charset=utf-8")
