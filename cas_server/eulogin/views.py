"""The EU Login endpoints: /cas/login/init and the EU Login validation endpoints. Thin:
parse, call login_requests.py / validation.py, render with responses.py."""

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.http import client_ip
from eulogin.ratelimit import window_hit

from ..services import INTERNAL_ERROR, INVALID_REQUEST, ValidationResult
from . import conf
from .assurance import HIGH, LOW, MEDIUM, TOP
from .login_requests import LoginRequestResult, login_request_create
from .responses import eulogin_validation_response, login_request_response
from .validation import FORMATS, eulogin_ticket_validate, validation_params_parse

logger = logging.getLogger(__name__)


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["Pragma"] = "no-cache"
    return response


def _format(query) -> str:
    fmt = (query.get("format") or "XML").strip().upper()
    return fmt if fmt in FORMATS else "XML"


@csrf_exempt  # called server-to-server by a registered service, never from a browser form
@never_cache
@require_POST
def login_init(request: HttpRequest) -> HttpResponse:
    """POST /cas/login/init: store /cas/login parameters, answer a loginRequestId."""
    fmt = _format(request.POST) if "format" in request.POST else _format(request.GET)
    opened = window_hit(scope="cas:login_init", key=client_ip(request) or "", window=60)
    if opened > conf.get("CAS_EULOGIN_LOGIN_INIT_PER_IP_PER_MINUTE"):
        result = LoginRequestResult(code=INVALID_REQUEST, description="Too many login requests; try again in a minute",
                                    status=429)
        return _no_store(login_request_response(result, fmt=fmt))
    try:
        result = login_request_create(query=request.POST)
    except DatabaseError:
        logger.exception("CAS login/init failed")
        result = LoginRequestResult(code=INTERNAL_ERROR, description="An internal error occurred", status=500)
    return _no_store(login_request_response(result, fmt=fmt))


def _validation_view(endpoint_level: int | None):
    @never_cache
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        params = validation_params_parse(request.GET, endpoint_level=endpoint_level)
        try:
            result = eulogin_ticket_validate(
                request=request, ticket_value=request.GET.get("ticket", ""),
                service_url=request.GET.get("service", ""), params=params,
            )
        except DatabaseError:
            logger.exception("CAS %s failed", request.path)
            result = ValidationResult(code=INTERNAL_ERROR, description="An internal error occurred during ticket validation")
            return _no_store(eulogin_validation_response(result, fmt=_format(request.GET), status=500))
        return _no_store(eulogin_validation_response(
            result, fmt=params.fmt, user_details=params.user_details,
            groups=params.groups,
        ))

    return view


# The assurance each endpoint requires at least (TicketValidationService: `assuranceLevel`).
ticket_validation_service = _validation_view(None)
lax_validate = _validation_view(LOW)
sponsor_validate = _validation_view(MEDIUM)
interinstitutional_validate = _validation_view(HIGH)
strict_validate = _validation_view(TOP)
