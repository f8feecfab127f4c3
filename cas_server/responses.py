"""Rendering of validation and proxy responses: CAS 1 text, CAS 2/3 XML and JSON, SAML 1.1.

Rendering only: what to say is decided by validation.py, proxy.py and attributes.py.
"""

import json
import uuid
from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone

from . import conf
from .attributes import ticket_attributes, user_identifier
from .formats import utc_timestamp
from .results import ProxyResult, ValidationResult
from .xmlbuild import element, xml_response

CAS_NS = "http://www.yale.edu/tp/cas"


def _cas(parent, name: str, text: str | None = None, **attrib):
    return element(parent, f"{{{CAS_NS}}}{name}", text, attrib)


def _root():
    return element(None, f"{{{CAS_NS}}}serviceResponse", nsmap={"cas": CAS_NS})


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
        root = _root()
        _cas(root, "authenticationFailure", result.description, code=result.code)
        return xml_response(root)
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
    root = _root()
    success = _cas(root, "authenticationSuccess")
    _cas(success, "user", user)
    if attributes:
        parent = _cas(success, "attributes")
        for name, values in attributes.items():
            for value in values:
                _cas(parent, name, value)
    if result.pgt_iou:
        _cas(success, "proxyGrantingTicket", result.pgt_iou)
    if result.proxies:
        parent = _cas(success, "proxies")
        for proxy in result.proxies:
            _cas(parent, "proxy", proxy)
    return xml_response(root)


def proxy_response(result: ProxyResult, *, fmt: str) -> HttpResponse:
    """/proxy: proxySuccess with the PT, or proxyFailure with its code."""
    if fmt == "JSON":
        if result.ticket:
            return _json({"proxySuccess": {"proxyTicket": result.ticket}})
        # The specification's JSON form of a proxy failure (section 2.7.2).
        return _json({"authenticationFailure": {"code": result.code, "description": result.description}})
    root = _root()
    if result.ticket:
        _cas(_cas(root, "proxySuccess"), "proxyTicket", result.ticket)
    else:
        _cas(root, "proxyFailure", result.description, code=result.code)
    return xml_response(root)


# --- SAML 1.1 ----------------------------------------------------------------------------

SAML_ATTRIBUTE_NAMESPACE = "http://www.ja-sig.org/products/cas/"


def _instant(value) -> str:
    return utc_timestamp(value, milliseconds=True)


SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SAMLP_NS = "urn:oasis:names:tc:SAML:1.0:protocol"
SAML_NS = "urn:oasis:names:tc:SAML:1.0:assertion"
_SAML_RESPONSE_NSMAP = {None: SAMLP_NS, "saml": SAML_NS, "samlp": SAMLP_NS, "xsd": "http://www.w3.org/2001/XMLSchema",
                        "xsi": "http://www.w3.org/2001/XMLSchema-instance"}


def _samlp(parent, name: str, text: str | None = None, **attrib):
    return element(parent, f"{{{SAMLP_NS}}}{name}", text, attrib)


def _saml(parent, name: str, text: str | None = None, nsmap=None, **attrib):
    return element(parent, f"{{{SAML_NS}}}{name}", text, attrib, nsmap=nsmap)


def _saml_subject(parent, user: str) -> None:
    subject = _saml(parent, "Subject")
    _saml(subject, "NameIdentifier", user)
    _saml(_saml(subject, "SubjectConfirmation"), "ConfirmationMethod", "urn:oasis:names:tc:SAML:1.0:cm:artifact")


def saml_response(
    result: ValidationResult, *, target: str, request_id: str, release_user_attributes: bool,
) -> HttpResponse:
    """The SOAP-wrapped SAML 1.1 Response of /samlValidate (specification 4.2.5)."""
    now = timezone.now()
    envelope = element(None, f"{{{SOAP_NS}}}Envelope", nsmap={"SOAP-ENV": SOAP_NS})
    element(envelope, f"{{{SOAP_NS}}}Header")
    attrib = {"IssueInstant": _instant(now), "MajorVersion": "1", "MinorVersion": "1", "Recipient": target,
              "ResponseID": f"_{uuid.uuid4().hex}"}
    if request_id:
        attrib["InResponseTo"] = request_id
    response = element(element(envelope, f"{{{SOAP_NS}}}Body"), f"{{{SAMLP_NS}}}Response", attrib=attrib,
                       nsmap=_SAML_RESPONSE_NSMAP)
    status = _samlp(response, "Status")
    if not result.success:
        code = {"INVALID_REQUEST": "samlp:Requester", "INTERNAL_ERROR": "samlp:Responder"}.get(
            result.code, "samlp:RequestDenied"
        )
        _samlp(status, "StatusCode", Value=code)
        _samlp(status, "StatusMessage", result.code + ": " + result.description)
    else:
        _samlp(status, "StatusCode", Value="samlp:Success")
        ticket = result.ticket
        user = user_identifier(ticket.sso_session.user)
        assertion = _saml(response, "Assertion", nsmap={None: SAML_NS}, AssertionID=f"_{uuid.uuid4().hex}",
                          IssueInstant=_instant(now), Issuer=conf.get("CAS_SAML_ISSUER"), MajorVersion="1",
                          MinorVersion="1")
        conditions = _saml(assertion, "Conditions", NotBefore=_instant(now),
                           NotOnOrAfter=_instant(now + timedelta(seconds=30)))
        _saml(_saml(conditions, "AudienceRestrictionCondition"), "Audience", target)
        statement = _saml(assertion, "AttributeStatement")
        _saml_subject(statement, user)
        attributes = ticket_attributes(ticket, release_user_attributes=release_user_attributes)
        for name, values in attributes.items():
            attribute = _saml(statement, "Attribute", AttributeName=name, AttributeNamespace=SAML_ATTRIBUTE_NAMESPACE)
            for value in values:
                _saml(attribute, "AttributeValue", value)
        authentication = _saml(assertion, "AuthenticationStatement",
                               AuthenticationInstant=_instant(ticket.authenticated_at),
                               AuthenticationMethod="urn:oasis:names:tc:SAML:1.0:am:password")
        _saml_subject(authentication, user)
    return xml_response(envelope, content_type="text/xml; charset=utf-8")
