"""The EU Login endpoints: /cas/login/init and the EU Login validation endpoints. Thin:
parse, call login_requests.py / validation.py, render with responses.py."""

from django.http import HttpRequest, HttpResponse

from accounts.http import client_ip
from eulogin.ratelimit import window_hit

from ..backchannel import backchannel
from ..results import INVALID_REQUEST, ValidationResult
from . import conf
from .assurance import HIGH, LOW, MEDIUM, TOP
from .login_requests import LoginRequestResult, login_request_create
from .responses import eulogin_validation_response, login_request_response
from .validation import FORMATS, eulogin_ticket_validate, validation_params_parse


def _format(query) -> str:
    fmt = (query.get("format") or "XML").strip().upper()
    return fmt if fmt in FORMATS else "XML"


def _login_init_error(request: HttpRequest, query, code: str, description: str, status: int) -> HttpResponse:
    return login_request_response(LoginRequestResult(code=code, description=description, status=status),
                                  fmt=_format(query))


def _validation_error(request: HttpRequest, query, code: str, description: str, status: int) -> HttpResponse:
    return eulogin_validation_response(ValidationResult(code=code, description=description), fmt=_format(query),
                                       status=status)


@backchannel(_login_init_error)
def login_init(request: HttpRequest, query) -> HttpResponse:
    """/cas/login/init: store /cas/login parameters, answer a loginRequestId."""
    opened = window_hit(scope="cas:login_init", key=client_ip(request) or "", window=60)
    if opened > conf.get("CAS_EULOGIN_LOGIN_INIT_PER_IP_PER_MINUTE"):
        result = LoginRequestResult(code=INVALID_REQUEST, description="Too many login requests; try again in a minute",
                                    status=429)
        return login_request_response(result, fmt=_format(query))
    return login_request_response(login_request_create(query=query), fmt=_format(query))


def _validation_view(endpoint_level: int | None):
    @backchannel(_validation_error)
    def view(request: HttpRequest, query) -> HttpResponse:
        params = validation_params_parse(query, endpoint_level=endpoint_level)
        result = eulogin_ticket_validate(
            request=request, ticket_value=query.get("ticket", ""), service_url=query.get("service", ""), params=params,
        )
        return eulogin_validation_response(result, fmt=params.fmt, user_details=params.user_details,
                                           groups=params.groups)

    return view


# The assurance each endpoint requires at least (TicketValidationService: `assuranceLevel`).
ticket_validation_service = _validation_view(None)
lax_validate = _validation_view(LOW)
sponsor_validate = _validation_view(MEDIUM)
interinstitutional_validate = _validation_view(HIGH)
strict_validate = _validation_view(TOP)
