"""A part eulogin needs that does not answer: a 503 with Retry-After, never a 500.

Two failures are not a fault of the request, and the same request may be tried again as it
was:
- PostgreSQL's connection lost or refused (django.db's OperationalError and InterfaceError:
  the server restarted, a pooler or an administrator cut the connection, a failover);
- a use of Redis that fails closed (eulogin.cache.CacheUnavailable).

Each kind of answer says so in its own form: a translated page for a person
(`UnavailableMiddleware` for a view, `eulogin.errors.server_error` for a middleware), the
endpoint's protocol for a relying service (cas_server.backchannel), the API's error body
(api.errors). Every other error stays a 500. With DEBUG on, Django answers a middleware's
failure itself, with a 500: its page is eulogin's "temporarily unavailable" all the same
(eulogin.errors.ExceptionReporter).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .cache import CacheUnavailable

logger = logging.getLogger("eulogin.unavailable")

# How soon to try again: a lost database connection is replaced by the next request; a cache
# that fails closed waits for Redis to come back.
RETRY_AFTER_SECONDS = {CacheUnavailable: 60, OperationalError: 5, InterfaceError: 5}


def unavailable_cause(error: BaseException | None) -> type | None:
    """The kind of unavailability `error` is (a key of RETRY_AFTER_SECONDS), or None."""
    for kind in RETRY_AFTER_SECONDS:
        if isinstance(error, kind):
            return kind
    return None


def unavailable_headers(response: HttpResponse, error: BaseException) -> HttpResponse:
    """The 503 status and Retry-After for `error`, on a response of any form; logs the cause
    in one line (no traceback: nothing in the code is wrong)."""
    kind = unavailable_cause(error)
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS[kind])
    if kind is not CacheUnavailable:
        logger.warning("database unavailable: %s: %s", type(error).__name__, str(error).strip()[:300])
    return response


def unavailable_page(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The person's page: the cache's own "try again" page, or "temporarily unavailable"."""
    from .errors import error_page

    if isinstance(error, CacheUnavailable):
        response = render(request, "unavailable.html", status=503)
    else:
        response = error_page(request, 503)
    return unavailable_headers(response, error)


class UnavailableMiddleware:
    """Innermost: a view whose database or fail-closed cache does not answer gets the 503
    page (with DEBUG on too). A middleware's failure is answered by handler500
    (eulogin.errors.server_error), which tells the same case apart."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if unavailable_cause(exception) is None:
            return None
        return unavailable_page(request, exception)
