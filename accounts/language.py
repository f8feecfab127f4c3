from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def language_cookie_set(request: HttpRequest, response: HttpResponse) -> None:
    """After a sign-in, speak the person's preferred language from now on."""
    user = getattr(request, "user", None)
    language = getattr(user, "preferred_language", "") if user and user.is_authenticated else ""
    if language and language in dict(settings.LANGUAGES):
        translation.activate(language)
        language_cookie_write(response, language)


def language_cookie_write(response: HttpResponse, language: str) -> None:
    """Speak `language` to this browser from its next request on (Django's own cookie)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def language_cookie_forget(response: HttpResponse) -> None:
    """Back to the browser's own language (Accept-Language)."""
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite=settings.LANGUAGE_COOKIE_SAMESITE)
