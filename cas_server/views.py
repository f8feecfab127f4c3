"""The /cas/* endpoints. Thin: parse, call login.py / services.py, render."""

import logging
from functools import wraps
from urllib.parse import parse_qsl, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.language import language_cookie_write
from accounts.services import user_signout
from traces_gateway.services import step_up_start

from . import conf
from .eulogin.responses import eulogin_validation_response
from .eulogin.validation import GROUPS_MAX_LENGTH, eulogin_dialect_chosen
from .login import (
    LoginDecision,
    Outcome,
    login_decide,
    login_params_parse,
    login_resume_token,
    login_resume_url,
    login_signin_url,
    remember_me_chosen,
)
from .responses import cas1_response, proxy_response, saml_response, validation_response
from .selectors import service_for_url, sso_session_from_cookie
from .services import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    ProxyResult,
    ValidationResult,
    proxy_ticket_issue,
    service_ticket_issue,
    service_url_with_ticket,
    sso_session_end,
    sso_session_establish,
    ticket_consume,
    ticket_validate,
)
from .tickets import ticket_kind

logger = logging.getLogger(__name__)


def _no_store(response: HttpResponse) -> HttpResponse:
    """Appendix B: nothing on the way to a service may be cached."""
    add_never_cache_headers(response)
    response["Pragma"] = "no-cache"
    response["Expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    return response


def _sso_cookie_set(response: HttpResponse, raw: str, *, remember_me: bool) -> None:
    response.set_cookie(
        conf.get("CAS_SSO_COOKIE_NAME"), raw,
        # A browser-session cookie unless the person chose to be remembered (3.6.1, 4.1.5).
        max_age=conf.get("CAS_REMEMBER_ME_SECONDS") if remember_me else None,
        path="/cas", secure=conf.sso_cookie_secure(), httponly=True, samesite=conf.get("CAS_SSO_COOKIE_SAMESITE"),
    )


def _error_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return _no_store(render(request, "cas/error.html", {"message": message}, status=status))


def _to_service(request: HttpRequest, decision: LoginDecision, url: str, *, after_post: bool) -> HttpResponse:
    """Send the browser to the service: a GET redirect (303 after a POST) or, with
    method=POST, a form that posts the ticket."""
    if decision.params.method == "POST":
        # The ticket (and the service's own query) travel as form fields of the POST.
        response = render(request, "cas/post_to_service.html", {
            "action": _without_query(url), "fields": _query_pairs(url), "service": decision.service,
        })
        # Let this one page post to the service's origin, nothing else.
        response._csp_update = {"form-action": [_origin(url)]}
        return _no_store(response)
    response = HttpResponseRedirect(url)
    if after_post:
        response.status_code = 303
    return _no_store(response)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _query_pairs(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """/cas/login as credential requestor: SSO, or off to the accounts sign-in and back.

    POST is only the confirmation of the `warn` page (CSRF-protected).
    """
    query = request.POST if request.method == "POST" else request.GET
    params, error = login_params_parse(query)
    if params is None:
        return _error_page(request, error, 400)
    # `locale` (EU Login): the language of the pages of this login, until the person
    # chooses another or signs in with a preferred one.
    language = _supported_language(params.locale)
    if language:
        translation.activate(language)
    response = _login(request, params)
    if language:
        language_cookie_write(response, language)
    return response


def _supported_language(locale: str) -> str:
    """'fr', 'fr_BE' or 'fr-BE' → 'fr' when offered here, else ''."""
    try:
        return translation.get_supported_language_variant(locale.replace("_", "-").lower()) if locale else ""
    except LookupError:
        return ""


def _login(request: HttpRequest, params) -> HttpResponse:
    decision = login_decide(request, params)
    if decision.outcome is Outcome.ERROR:
        return _error_page(request, decision.error, decision.status)
    if decision.outcome is Outcome.SIGN_IN:
        return _no_store(redirect(login_signin_url(params)))
    if decision.outcome is Outcome.STEP_UP:
        return _no_store(redirect(step_up_start(
            request=request, service=decision.service, requirement=decision.requirement,
            next_url=login_resume_url(params),
        )))
    if decision.outcome is Outcome.GATEWAY_BACK:
        return _to_service(request, decision, params.service_url, after_post=request.method == "POST")

    sso, raw = sso_session_establish(
        request=request, fresh=decision.from_new_login, remember_me=remember_me_chosen(request)
    )
    if decision.outcome is Outcome.SIGNED_IN:
        response = _no_store(render(request, "cas/signed_in.html", {"new_login": decision.from_new_login}))
    elif decision.outcome is Outcome.WARN:
        response = _no_store(render(request, "cas/warn.html", {
            "service": decision.service, "service_url": params.service_url,
            "resume": login_resume_token(params, warn=False),
        }))
        # The confirmation POST is followed by a redirect to the service's origin.
        response._csp_update = {"form-action": [_origin(params.service_url)]}
    else:
        ticket = service_ticket_issue(
            request=request, sso=sso, service=decision.service, service_url=params.service_url,
            from_new_login=decision.from_new_login, requirement=decision.requirement,
        )
        response = _to_service(
            request, decision, service_url_with_ticket(params.service_url, ticket.ticket),
            after_post=request.method == "POST",
        )
    if raw:
        _sso_cookie_set(response, raw, remember_me=sso.remember_me)
    return response


@never_cache
@require_GET
def logout(request: HttpRequest) -> HttpResponse:
    """/cas/logout: end the SSO session and the eulogin session, then show a page or go to
    a *registered* `service` (or `url`, for CAS 2 clients)."""
    sso = sso_session_from_cookie(request)
    if request.user.is_authenticated:
        user_signout(request=request)
    if sso is not None and sso.ended_at is None:
        sso_session_end(sso=sso, reason="logout")
    target = ""
    for name in ("service", "url"):
        candidate = request.GET.get(name, "")
        if candidate and service_for_url(candidate) is not None:
            target = candidate
            break
    response = HttpResponseRedirect(target) if target else render(request, "cas/logged_out.html")
    response.delete_cookie(conf.get("CAS_SSO_COOKIE_NAME"), path="/cas", samesite=conf.get("CAS_SSO_COOKIE_SAMESITE"))
    return _no_store(response)


def _internal_error(render_failure):
    """An unexpected failure while validating (the database is down...) is answered in the
    protocol, with INTERNAL_ERROR, so the client reports it rather than choking on HTML."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except DatabaseError:
                logger.exception("CAS %s failed", request.path)
                response = render_failure(request)
                response.status_code = 500
                return _no_store(response)

        return wrapped

    return decorator


def _validation_internal_error(request: HttpRequest) -> HttpResponse:
    result = ValidationResult(code=INTERNAL_ERROR, description="An internal error occurred during ticket validation")
    return validation_response(result, fmt=_format(request) or "XML", with_attributes=False)


def _proxy_internal_error(request: HttpRequest) -> HttpResponse:
    result = ProxyResult(code=INTERNAL_ERROR, description="An internal error occurred while issuing a proxy ticket")
    return proxy_response(result, fmt=_format(request) or "XML")


def _cas1_internal_error(request: HttpRequest) -> HttpResponse:
    return cas1_response(ValidationResult(code=INTERNAL_ERROR))


def _format(request: HttpRequest) -> str | None:
    fmt = (request.GET.get("format") or "XML").upper()
    return fmt if fmt in ("XML", "JSON") else None


def _validate(request: HttpRequest, *, allow_proxy_tickets: bool, with_attributes: bool) -> HttpResponse:
    fmt = _format(request)
    ticket = request.GET.get("ticket", "")
    if fmt is None:
        if ticket_kind(ticket):
            ticket_consume(ticket)  # any validation attempt consumes the ticket
        result = ValidationResult(code=INVALID_REQUEST, description="Unsupported format; use XML or JSON")
        return _no_store(validation_response(result, fmt="XML", with_attributes=False))
    result = ticket_validate(
        request=request, ticket_value=ticket, service_url=request.GET.get("service", ""),
        renew="renew" in request.GET and request.GET.get("renew", "").lower() not in ("false", "0"),
        pgt_url=request.GET.get("pgtUrl", ""), allow_proxy_tickets=allow_proxy_tickets,
    )
    if eulogin_dialect_chosen(result, request.GET.get("service", "")):
        # The registered service chose EU Login's form (its clients expect it).
        return _no_store(eulogin_validation_response(
            result, fmt=fmt, user_details=True, groups=(request.GET.get("groups") or "")[:GROUPS_MAX_LENGTH].strip(),
        ))
    return _no_store(validation_response(result, fmt=fmt, with_attributes=with_attributes))


@never_cache
@require_GET
@_internal_error(_cas1_internal_error)
def validate(request: HttpRequest) -> HttpResponse:
    """/validate (CAS 1.0): service tickets only, "yes"/"no"."""
    result = ticket_validate(
        request=request, ticket_value=request.GET.get("ticket", ""), service_url=request.GET.get("service", ""),
        renew="renew" in request.GET and request.GET.get("renew", "").lower() not in ("false", "0"),
    )
    return _no_store(cas1_response(result))


@never_cache
@require_GET
@_internal_error(_validation_internal_error)
def service_validate(request: HttpRequest) -> HttpResponse:
    return _validate(request, allow_proxy_tickets=False, with_attributes=False)


@never_cache
@require_GET
@_internal_error(_validation_internal_error)
def proxy_validate(request: HttpRequest) -> HttpResponse:
    return _validate(request, allow_proxy_tickets=True, with_attributes=False)


@never_cache
@require_GET
@_internal_error(_validation_internal_error)
def p3_service_validate(request: HttpRequest) -> HttpResponse:
    return _validate(request, allow_proxy_tickets=False, with_attributes=True)


@never_cache
@require_GET
@_internal_error(_validation_internal_error)
def p3_proxy_validate(request: HttpRequest) -> HttpResponse:
    return _validate(request, allow_proxy_tickets=True, with_attributes=True)


@never_cache
@require_GET
@_internal_error(_proxy_internal_error)
def proxy(request: HttpRequest) -> HttpResponse:
    """/proxy: a proxy ticket for `targetService` from a PGT."""
    fmt = _format(request) or "XML"
    result = proxy_ticket_issue(
        request=request, pgt_value=request.GET.get("pgt", ""), target_service=request.GET.get("targetService", ""),
    )
    return _no_store(proxy_response(result, fmt=fmt))


SAML_PROTOCOL_NS = "{urn:oasis:names:tc:SAML:1.0:protocol}"


@csrf_exempt  # a back-channel call from the service, never from a browser
@never_cache
@require_POST
def saml_validate(request: HttpRequest) -> HttpResponse:
    """/samlValidate (SAML 1.1): the ST in samlp:AssertionArtifact, the service in TARGET."""
    target = request.GET.get("TARGET", "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > conf.get("CAS_SAML_MAX_BODY_BYTES"):
        return HttpResponse("Request too large", status=413, content_type="text/plain")
    try:
        root = ElementTree.fromstring(request.body[: conf.get("CAS_SAML_MAX_BODY_BYTES")] or b"<empty/>")
    except (ParseError, DefusedXmlException, ValueError):
        return HttpResponse("The request is not a SAML 1.1 document", status=400, content_type="text/plain")
    saml_request = root.find(f".//{SAML_PROTOCOL_NS}Request")
    artifact = root.find(f".//{SAML_PROTOCOL_NS}AssertionArtifact")
    ticket = (artifact.text or "").strip() if artifact is not None else ""
    request_id = saml_request.get("RequestID", "")[:128] if saml_request is not None else ""
    if saml_request is None or not ticket or not target:
        result = ValidationResult(code=INVALID_REQUEST, description="TARGET and samlp:AssertionArtifact are required")
        if ticket_kind(ticket):
            ticket_consume(ticket)
    else:
        try:
            result = ticket_validate(request=request, ticket_value=ticket, service_url=target)
        except DatabaseError:
            logger.exception("CAS samlValidate failed")
            result = ValidationResult(code=INTERNAL_ERROR, description="An internal error occurred during ticket validation")
    # SAML attributes are never released to a non-TLS site (specification 4.2.1).
    release = target.lower().startswith("https://")
    return _no_store(saml_response(result, target=target, request_id=request_id, release_user_attributes=release))
