"""The /cas/* endpoints. Thin: parse, call login.py / sso.py / validation.py / proxy.py, render."""

import logging
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import url_parse
from accounts.language import language_for, service_language_cookie_write
from accounts.services import user_signout
from accounts.views import signin_email_page
from eulogin.readcache import read_caches_forget

from . import conf
from .backchannel import backchannel
from .backchannel import no_store as _no_store
from .dialects import validation_render
from .login import (
    SERVICE_NOT_REGISTERED,
    LoginDecision,
    Outcome,
    cas_flag,
    login_decide,
    login_params_parse,
    login_resume_token,
    login_resume_url,
    login_signin_next,
    remember_me_chosen,
    warn_chosen,
)
from .policy import step_up_url
from .proxy import proxy_ticket_issue
from .responses import cas1_response, proxy_response, saml_response, validation_response
from .results import INVALID_REQUEST, ProxyResult, ValidationResult
from .selectors import service_for_url, service_url_parse, sso_session_from_cookie
from .sso import sso_session_end, sso_session_establish
from .tickets import ticket_kind
from .validation import ServiceGone, service_ticket_issue, service_url_with_ticket, ticket_consume, ticket_validate

logger = logging.getLogger(__name__)


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
        parts = url_parse(url, max_length=len(url))  # a registered service's URL (and its ticket): it parses
        response = render(request, "cas/post_to_service.html", {
            "action": parts.without_query, "fields": parts.query_pairs(), "service": decision.service,
        })
        # Let this one page post to the service's origin, nothing else.
        response._csp_update = {"form-action": [parts.origin]}
        return _no_store(response)
    response = HttpResponseRedirect(url)
    if after_post:
        response.status_code = 303
    return _no_store(response)


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
    # `locale` (EU Login): the language of the pages of this login, unless the person chose
    # one in this browser (accounts/language.py has the whole order).
    language = _supported_language(params.locale)
    if language:
        translation.activate(language_for(request, service_language=language))
    response = _login(request, params)
    if language:
        service_language_cookie_write(response, language)
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
        # The sign-in form itself, no redirect first; it posts to the accounts sign-in and
        # comes back here (`next`). Nothing is written: the parameters travel in `next`.
        return _no_store(signin_email_page(request, next_url=login_signin_next(params)))
    if decision.outcome is Outcome.STEP_UP:
        return _no_store(redirect(step_up_url(
            request=request, service=decision.service, requirement=decision.requirement,
            next_url=login_resume_url(params),
        )))
    if decision.outcome is Outcome.GATEWAY_BACK:
        return _to_service(request, decision, params.service_url, after_post=request.method == "POST")

    warn = warn_chosen(request)
    if decision.sso is not None and not decision.from_new_login and decision.sso.warn == warn:
        sso, raw = decision.sso, None  # the live SSO session of this very session, already read
    else:
        sso, raw = sso_session_establish(
            request=request, fresh=decision.from_new_login, remember_me=remember_me_chosen(request), warn=warn,
        )
    if decision.outcome is Outcome.SIGNED_IN:
        response = _no_store(render(request, "cas/signed_in.html", {"new_login": decision.from_new_login}))
    elif decision.outcome is Outcome.WARN:
        response = _no_store(render(request, "cas/warn.html", {
            "service": decision.service, "service_url": params.service_url,
            "resume": login_resume_token(params, warn=False, warned=True),
        }))
        # The confirmation POST is followed by a redirect to the service's origin.
        response._csp_update = {"form-action": [service_url_parse(params.service_url).origin]}
    else:
        try:
            ticket = service_ticket_issue(
                request=request, sso=sso, service=decision.service, service_url=params.service_url,
                from_new_login=decision.from_new_login, requirement=decision.requirement,
            )
        except ServiceGone:  # removed a moment ago, before this process heard of it
            read_caches_forget()
            return _error_page(request, str(SERVICE_NOT_REGISTERED), 403)
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


def _renew(query) -> bool:
    return cas_flag(query.get("renew"))


def _format(query) -> str | None:
    fmt = (query.get("format") or "XML").upper()
    return fmt if fmt in ("XML", "JSON") else None


def _validation_error(request: HttpRequest, query, code: str, description: str, status: int) -> HttpResponse:
    return validation_response(ValidationResult(code=code, description=description), fmt=_format(query) or "XML",
                               with_attributes=False)


def _proxy_error(request: HttpRequest, query, code: str, description: str, status: int) -> HttpResponse:
    return proxy_response(ProxyResult(code=code, description=description), fmt=_format(query) or "XML")


def _cas1_error(request: HttpRequest, query, code: str, description: str, status: int) -> HttpResponse:
    return cas1_response(ValidationResult(code=code, description=description))


def _validate(query, request: HttpRequest, *, allow_proxy_tickets: bool, with_attributes: bool) -> HttpResponse:
    fmt = _format(query)
    ticket = query.get("ticket", "")
    if fmt is None:
        if ticket_kind(ticket):
            ticket_consume(ticket)  # any validation attempt consumes the ticket
        result = ValidationResult(code=INVALID_REQUEST, description="Unsupported format; use XML or JSON")
        return validation_response(result, fmt="XML", with_attributes=False)
    result = ticket_validate(
        request=request, ticket_value=ticket, service_url=query.get("service", ""), renew=_renew(query),
        pgt_url=query.get("pgtUrl", ""), allow_proxy_tickets=allow_proxy_tickets,
    )
    # A dialect answers in its own form when the registered service chose it.
    return validation_render(request, query, result, fmt) or validation_response(result, fmt=fmt, with_attributes=with_attributes)


@backchannel(_cas1_error)
def validate(request: HttpRequest, query) -> HttpResponse:
    """/validate (CAS 1.0): service tickets only, "yes"/"no"."""
    result = ticket_validate(
        request=request, ticket_value=query.get("ticket", ""), service_url=query.get("service", ""),
        renew=_renew(query),
    )
    return cas1_response(result)


def _validation_view(*, allow_proxy_tickets: bool, with_attributes: bool):
    @backchannel(_validation_error)
    def view(request: HttpRequest, query) -> HttpResponse:
        return _validate(query, request, allow_proxy_tickets=allow_proxy_tickets, with_attributes=with_attributes)

    return view


# CAS 2 (/serviceValidate, /proxyValidate) and CAS 3 (/p3/..., with attributes).
service_validate = _validation_view(allow_proxy_tickets=False, with_attributes=False)
proxy_validate = _validation_view(allow_proxy_tickets=True, with_attributes=False)
p3_service_validate = _validation_view(allow_proxy_tickets=False, with_attributes=True)
p3_proxy_validate = _validation_view(allow_proxy_tickets=True, with_attributes=True)


@backchannel(_proxy_error)
def proxy(request: HttpRequest, query) -> HttpResponse:
    """/proxy: a proxy ticket for `targetService` from a PGT."""
    result = proxy_ticket_issue(
        request=request, pgt_value=query.get("pgt", ""), target_service=query.get("targetService", ""),
    )
    return proxy_response(result, fmt=_format(query) or "XML")


SAML_PROTOCOL_NS = "{urn:oasis:names:tc:SAML:1.0:protocol}"


def _saml_error(request: HttpRequest, query, code: str, description: str, status: int) -> HttpResponse:
    response = saml_response(ValidationResult(code=code, description=description), target=query.get("TARGET", ""),
                             request_id="", release_user_attributes=False)
    response.status_code = status
    return response


# SAML 1.1 requests are SOAP documents: POST only (specification 4.2.2); a GET gets a SAML 405.
@backchannel(_saml_error, methods=("POST",), form=False)
def saml_validate(request: HttpRequest, query) -> HttpResponse:
    """/samlValidate (SAML 1.1): the ST in samlp:AssertionArtifact, the service in TARGET."""
    target = query.get("TARGET", "")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > conf.get("CAS_SAML_MAX_BODY_BYTES"):
        return _saml_error(request, query, INVALID_REQUEST, "Request too large", 413)
    try:
        root = ElementTree.fromstring(request.body[: conf.get("CAS_SAML_MAX_BODY_BYTES")] or b"<empty/>")
    except (ParseError, DefusedXmlException, ValueError):
        return _saml_error(request, query, INVALID_REQUEST, "The request is not a SAML 1.1 document", 400)
    saml_request = root.find(f".//{SAML_PROTOCOL_NS}Request")
    artifact = root.find(f".//{SAML_PROTOCOL_NS}AssertionArtifact")
    ticket = (artifact.text or "").strip() if artifact is not None else ""
    request_id = saml_request.get("RequestID", "")[:128] if saml_request is not None else ""
    if saml_request is None or not ticket or not target:
        result = ValidationResult(code=INVALID_REQUEST, description="TARGET and samlp:AssertionArtifact are required")
        if ticket_kind(ticket):
            ticket_consume(ticket)
    else:
        result = ticket_validate(request=request, ticket_value=ticket, service_url=target)
    # SAML attributes are never released to a non-TLS site (specification 4.2.1).
    release = target.lower().startswith("https://")
    return saml_response(result, target=target, request_id=request_id, release_user_attributes=release)
