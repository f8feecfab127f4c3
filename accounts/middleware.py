from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone, translation

from . import conf
from .language import language_for
from .models import UserSession
from .services import user_session_start


class UserSessionMiddleware:
    """Keep "last activity" of signed-in sessions, written at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        key = request.session.session_key if hasattr(request, "session") else None
        if key and user is not None and user.is_authenticated:
            interval = conf.get("ACCOUNTS_SESSION_TOUCH_SECONDS")
            # The cache marker only spares the database a query. Without the cache (add()
            # answers None: Redis down, ignored) the conditional UPDATE still writes at
            # most once per interval, so activity keeps being recorded.
            if cache.add(f"accounts:session-touch:{key}", 1, timeout=interval) is not False:
                now = timezone.now()
                updated = UserSession.objects.filter(
                    session_key=key, user=user, last_activity_at__lt=now - timedelta(seconds=interval)
                ).update(last_activity_at=now)
                if not updated and not UserSession.objects.filter(session_key=key).exists():
                    user_session_start(request=request, user=user)
        return response


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
