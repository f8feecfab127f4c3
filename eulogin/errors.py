"""Error pages: every 400, 403, 404, 500 and 503 a person meets is a translated eulogin page,
with DEBUG on or off, and so is a refused form (CSRF).

With DEBUG on, Django answers a 404 with its technical page (the URL patterns, in English)
and a 400 or a 500 with a traceback. Neither reaches anybody here:
- `ErrorPagesMiddleware` answers a view's Http404 and PermissionDenied, and a path that
  matches no route, with eulogin's page;
- `ExceptionReporter` renders eulogin's page in place of the traceback page (a bad Host
  header, an uncaught error); the traceback still goes to the log.
`DEBUG_TRACEBACKS=true` gives a developer Django's technical pages back. With DEBUG off the
URLconf's handler400/403/404/500 are the views below. Server-to-server endpoints never come
here: they answer in their protocol (cas_server/backchannel.py, the API's exception handler).
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import debug

from .unavailable import unavailable_cause, unavailable_page

logger = logging.getLogger("eulogin.errors")

PAGES = {
    400: (_("Bad request"), _("The request could not be understood. Check the address and try again.")),
    403: (_("Access denied"), _("You are not allowed to open this page.")),
    405: (_("Not available this way"),
          _("This page cannot be opened this way. Go back and use the buttons and links of the page.")),
    404: (_("Page not found"), _("There is no page at this address. Check the address, or go back to EU Login.")),
    500: (_("Something went wrong"),
          _("The page could not be shown. Nothing was changed. Please try again in a few minutes.")),
    503: (_("Temporarily unavailable"),
          _("EU Login could not complete this request right now. Please try again in a moment.")),
    "csrf": (_("This form has expired"),
             _("For your security, the form you sent could not be accepted: it was open too long, or "
               "your browser blocks cookies. Go back, reload the page and try again.")),
}


def _context(kind) -> dict:
    title, message = PAGES[kind]
    return {"error_title": title, "error_message": message}


def error_page(request: HttpRequest, status: int, kind=None) -> HttpResponse:
    """eulogin's page for `status`, in the language of the request; a page of its own
    (no session, no user, no URL) when the full page cannot be drawn."""
    try:
        return render(request, "errors/page.html", _context(kind or status), status=status)
    except Exception:  # noqa: BLE001 — the error page itself must not fail
        if status == 503:  # expected: the frame reads the person, from the database that is not answering
            logger.info("error page 503 drawn without the site's frame")
        else:
            logger.exception("error page %s drawn without the site's frame", status)
        return HttpResponse(plain_page(request, kind or status), status=status)


def plain_page(request: HttpRequest | None, kind) -> str:
    language = translation.get_language_from_request(request) if request is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        return render_to_string("errors/plain.html", {**_context(kind), "LANGUAGE_CODE": language})


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    """handler500, called while the error is being handled: a database that does not
    answer (a middleware's query) is a 503, like a view's (eulogin.unavailable)."""
    error = sys.exc_info()[1]
    if unavailable_cause(error) is not None:
        return unavailable_page(request, error)
    return error_page(request, 500)


def csrf_failure(request, reason=""):
    logger.info("form refused (CSRF): %s", reason)
    return error_page(request, 403, "csrf")


def technical_pages() -> bool:
    return settings.DEBUG and settings.DEBUG_TRACEBACKS


class ErrorPagesMiddleware:
    """After the language and the user are known; before CommonMiddleware's APPEND_SLASH
    redirect on the way out, which still sees the 404. A 405 with no body (Django's
    require_POST) gets a page too; back-channel endpoints answer theirs in their protocol."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 404 and settings.DEBUG and not technical_pages()
                and getattr(request, "resolver_match", None) is None):
            return page_not_found(request)  # no route matched: Django's page lists the URLconf
        if response.status_code == 405 and not response.content:  # require_POST & co answer nothing
            page = error_page(request, 405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response

    def process_exception(self, request, exception):
        if technical_pages():
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None


class ExceptionReporter(debug.ExceptionReporter):
    """DEFAULT_EXCEPTION_REPORTER: with DEBUG on, the page shown in place of a traceback
    (the log keeps it); Django's own with DEBUG_TRACEBACKS, and with DEBUG off (the
    traceback of an error mailed to the admins)."""

    def _kind(self) -> int:
        if isinstance(self.exc_value, SuspiciousOperation):
            return 400
        return 503 if unavailable_cause(self.exc_value) is not None else 500

    def get_traceback_html(self) -> str:
        if not settings.DEBUG or technical_pages():
            return super().get_traceback_html()
        return plain_page(self.request, self._kind())

    def get_traceback_text(self) -> str:
        if not settings.DEBUG or technical_pages():
            return super().get_traceback_text()
        title, message = PAGES[self._kind()]
        return f"{title}\n\n{message}\n"
