"""The back-channel endpoints: those a relying service calls from its own server (ticket
validation, proxy tickets, EU Login's /cas/login/init), never a browser.

`backchannel(render_error)` makes a view one of them:
- CSRF-exempt: the caller has no browser, no cookie and no CSRF token; nothing it can do
  there acts on anyone's session (tickets are single-use secrets in the request itself).
- GET and form-encoded POST carry the same parameters (a POST's fields win over its query
  string); the view receives them merged as `query`.
- Every answer is in the endpoint's protocol, `render_error(request, query, code,
  description, status)`: another method is a 405, a request Django refuses to read (too
  many fields, too large a body) or a Host not in ALLOWED_HOSTS a 400, the database lost a 503 with Retry-After,
  any other unexpected failure a 500; both with INTERNAL_ERROR. Never Django's HTML error pages, whatever DEBUG says.
"""

import logging
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from eulogin.unavailable import unavailable_cause, unavailable_headers

from .results import INTERNAL_ERROR, INVALID_REQUEST

logger = logging.getLogger(__name__)

METHODS = ("GET", "HEAD", "POST")

ErrorRenderer = Callable[[HttpRequest, QueryDict, str, str, int], HttpResponse]


NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"  # as add_never_cache_headers writes it


def no_store(response: HttpResponse) -> HttpResponse:
    """Appendix B: nothing on the way to or from a service may be cached."""
    if response.has_header("Cache-Control"):
        add_never_cache_headers(response)  # merged with what the view set
    else:
        response["Cache-Control"] = NEVER_CACHE
    response["Pragma"] = "no-cache"
    response["Expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    return response


def backchannel_params(request: HttpRequest) -> QueryDict:
    """The parameters of a GET, or of a POST's form merged over its query string."""
    if request.method != "POST":
        return request.GET
    query = request.GET.copy()
    for key, values in request.POST.lists():
        query.setlist(key, values)
    return query


def backchannel(render_error: ErrorRenderer, *, methods: tuple[str, ...] = METHODS, form: bool = True):
    """`form=False`: the body is the endpoint's own document (SAML), parameters come from the
    query string only."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            query = QueryDict()
            try:
                request.get_host()  # ALLOWED_HOSTS, as for pages (DisallowedHost: a 400 in the protocol)
                if request.method not in methods:
                    response = render_error(
                        request, request.GET, INVALID_REQUEST, f"Method {request.method} not allowed; use GET or POST", 405,
                    )
                    response.status_code = 405
                    response["Allow"] = ", ".join(methods)
                    return no_store(response)
                query = backchannel_params(request) if form else request.GET
                return no_store(view(request, query, *args, **kwargs))
            except (SuspiciousOperation, BadRequest, UnreadablePostError) as exc:
                logger.warning("CAS %s: unreadable request (%s)", request.path, type(exc).__name__)
                code, description, status = INVALID_REQUEST, "The request could not be read", 400
            except Exception as error:  # noqa: BLE001 — a relying service must get its protocol's answer
                if unavailable_cause(error) is not None:  # the database lost: try again, as it was
                    response = render_error(request, query, INTERNAL_ERROR, "Temporarily unavailable; try again", 503)
                    return no_store(unavailable_headers(response, error))
                logger.exception("CAS %s failed", request.path)
                code, description, status = INTERNAL_ERROR, "An internal error occurred", 500
            response = render_error(request, query, code, description, status)
            response.status_code = status
            return no_store(response)

        wrapped.backchannel = True  # accounts.middleware leaves its answers to the view
        return csrf_exempt(wrapped)

    return decorator
