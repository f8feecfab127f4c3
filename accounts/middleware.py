import logging
from datetime import timedelta

from django.contrib.auth import logout
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone, translation

from . import conf
from .activity import activity_write_due
from .language import language_for
from .models import UserSession
from .services import SESSION_RECORDED, user_session_start

logger = logging.getLogger("accounts.sessions")


class UserSessionMiddleware:
    """Keep "last activity" of signed-in sessions, written at most once a minute, and sign
    out a session whose record is gone.

    A session is ended by deleting its UserSession row and then its stored copies; if the
    cache could not be reached then (a Redis partition), a copy may live on in the cache and
    be read back. The row is the truth: a session recorded at sign-in whose row is gone was
    ended, and it is signed out at its next look (within ACCOUNTS_SESSION_TOUCH_SECONDS),
    before the view answers. A session never recorded (signed in before records existed)
    is recorded now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        key = request.session.session_key if hasattr(request, "session") else None
        if key and user is not None and user.is_authenticated and activity_write_due(key):
            interval = conf.get("ACCOUNTS_SESSION_TOUCH_SECONDS")
            now = timezone.now()
            updated = UserSession.objects.filter(
                session_key=key, user=user, last_activity_at__lt=now - timedelta(seconds=interval)
            ).update(last_activity_at=now)
            if not updated and not UserSession.objects.filter(session_key=key, user=user).exists():
                if request.session.get(SESSION_RECORDED):
                    logger.info("a session ended elsewhere was used again: signed out")
                    logout(request)
                else:
                    user_session_start(request=request, user=user)
        return self.get_response(request)


class LanguageMiddleware:
    """After Django's LocaleMiddleware and the authentication: speak the language of
    accounts.language.language_for (this browser's choice > the service's `locale` >
    the account's preference > Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


NUL, REPLACEMENT = "\x00", "\ufffd"
# Well above any address of ours (a service URL is at most 1 KiB, its resume token ~2 KiB),
# and what proxies in front commonly accept (gunicorn: 4 KiB request line, nginx 8 KiB).
REQUEST_URI_MAX_LENGTH = 8192


def _has_nul(query: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


def _without_nul(query: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(key.replace(NUL, REPLACEMENT), [v.replace(NUL, REPLACEMENT) for v in values])
    cleaned._mutable = False
    return cleaned


class RequestParametersMiddleware:
    """Two limits on what a request's parameters can carry, for every page at once:

    - NUL never goes further than here: PostgreSQL cannot store it (text and jsonb refuse
      it, so any lookup, audit record or session write with it failed with a 500), and no
      form or URL a person sends holds one. In query strings and form bodies NUL is read as
      U+FFFD, exactly as bytes that are not UTF-8 already are.
    - A page address longer than REQUEST_URI_MAX_LENGTH gets a 414 page: every redirect to
      the sign-in carries the address in `next`, and Django refuses to redirect past 16 KiB
      (a 500). Back-channel views (marked `backchannel`) answer in their protocol instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            query_string = request.META.get("QUERY_STRING", "")
            if ("%00" in query_string or NUL in query_string) and _has_nul(request.GET):
                request.GET = _without_nul(request.GET)
            if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
                if (b"%00" in request.body or b"\x00" in request.body) and _has_nul(request.POST):
                    request.POST = _without_nul(request.POST)
        except SuspiciousOperation:
            pass  # too many fields, too large: the view answers that in its own way
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        too_long = len(request.path) + len(request.META.get("QUERY_STRING", "")) > REQUEST_URI_MAX_LENGTH
        if too_long and not getattr(view_func, "backchannel", False):
            return render(request, "accounts/request_refused.html", status=414)
        return None
