"""The short way through the middleware for server-to-server endpoints.

A view marked `backchannel` (cas_server.backchannel: ticket validation, proxy tickets, EU
Login's /cas/login/init) is called by a relying service's server: no browser, no cookie,
no session, no CSRF token, no page to translate or frame. The browser's middleware
(sessions, authentication, CSRF, locale, messages, OTP, the "Mon compte" activity, CSP
nonces) has nothing to do there, yet it cost about a third of such a request's CPU.

Placed after the probes, the request id, the metrics and SecurityMiddleware (so HSTS,
nosniff, the referrer and opener policies and the SSL redirect still apply), this
middleware serves a back-channel path itself: it resolves it, cleans its parameters as
RequestParametersMiddleware does, names the view for the metrics, calls the view, and adds
the headers the skipped middleware would have given a machine answer (X-Frame-Options, a
Content-Security-Policy that allows nothing, Content-Length). Every other path goes down
the whole chain, untouched.
"""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation

from accounts.middleware import request_parameters_clean
from observability.metrics import current_view

# A machine answer (XML, JSON, text) loads nothing and is framed by no one.
BACKCHANNEL_CSP = "default-src 'none'; frame-ancestors 'none'"


def backchannel_paths(resolver=None, prefix: str = "/") -> set[str]:
    """Every path of the URLconf served by a `backchannel` view, among plain routes (no
    converter, no regular expression): those this middleware can recognise by the path."""
    resolver = resolver or get_resolver()
    paths: set[str] = set()
    for pattern in resolver.url_patterns:
        route = getattr(pattern.pattern, "_route", None)
        if route is None or "<" in route:
            continue
        if isinstance(pattern, URLResolver):
            paths |= backchannel_paths(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "backchannel", False):
            paths.add(prefix + route)
    return paths


class BackchannelMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths: set[str] | None = None  # read from the URLconf at the first request

    def __call__(self, request):
        if self.paths is None:
            self.paths = backchannel_paths()
        if request.path_info not in self.paths or hasattr(request, "urlconf"):
            return self.get_response(request)
        match = resolve(request.path_info)
        request.resolver_match = match
        current_view.set(match.view_name)
        request_parameters_clean(request)
        translation.activate(settings.LANGUAGE_CODE)  # not the language of this thread's last page
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = match.func(request, *match.args, **match.kwargs)
        response.headers.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY"))
        response.headers.setdefault("Content-Security-Policy", BACKCHANNEL_CSP)
        if not response.streaming and "Content-Length" not in response:
            response["Content-Length"] = str(len(response.content))
        return response
