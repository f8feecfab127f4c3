"""One error shape for every answer of the API that is not a success:

    {"status": 404, "code": "not_found", "message": "…", "errors": [
        {"field": "email", "code": "invalid", "message": "…"}]}

`message` (and each error's) is translated into the language of `Accept-Language`;
`code` is stable, for programs. `errors` lists what was wrong with each field (`field` is
null for the request as a whole); it is empty when the error is not about input.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from eulogin.unavailable import unavailable_cause, unavailable_headers

logger = logging.getLogger(__name__)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self):
        super().__init__(_("The resource has changed since you read it (If-Match does not match its ETag). "
                           "Read it again, then apply your change."))


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"

    def __init__(self):
        super().__init__(_("Send the If-Match header with the ETag you read, so that no one else's change "
                           "is overwritten."))


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _flatten(detail, field=None) -> list[dict]:
    if isinstance(detail, dict):
        rows = []
        for name, value in detail.items():
            name = None if name in ("non_field_errors", "__all__") else str(name)
            rows += _flatten(value, ".".join(p for p in (field, name) if p) or None)
        return rows
    if isinstance(detail, list):
        rows = []
        for index, value in enumerate(detail):
            inner = f"{field}.{index}" if field and isinstance(value, (dict, list)) else field
            rows += _flatten(value, inner)
        return rows
    return [{"field": field, "code": getattr(detail, "code", "invalid") or "invalid", "message": str(detail)}]


def error_body(status_code: int, code: str, message: str, errors: list | None = None) -> dict:
    return {"status": status_code, "code": code, "message": str(message), "errors": errors or []}


def exception_handler(exc, context):
    """DRF's handler (headers such as WWW-Authenticate and Retry-After), then our shape.
    Whatever else goes wrong is logged and answered as a 500 in the same shape."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None and unavailable_cause(exc) is not None:  # the database lost: try again, as it was
        response = Response(error_body(503, "unavailable", _("The service is temporarily unavailable. Please try "
                                                               "again in a moment.")), status=503)
        return unavailable_headers(response, exc)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(error_body(500, "server_error", _("Something went wrong on our side. Please try again later.")),
                        status=500)
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(response.status_code, "invalid", _("Some values are not valid: see errors."),
                          _flatten(exc.detail))
    else:
        if isinstance(exc, Http404):
            code, message = "not_found", _("Not found.")
        elif isinstance(exc, DjangoPermissionDenied):
            code, message = "permission_denied", _("You do not have permission to perform this action.")
        else:
            detail = getattr(exc, "detail", "")
            code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
            message = str(detail) if not isinstance(detail, (dict, list)) else str(exc.default_detail)
        body = error_body(response.status_code, code, message)
    response.data = body
    return response
