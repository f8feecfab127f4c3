"""Which language a page speaks, in this order (README, "Languages"):

1. the language chosen in this browser with the header's selector (Django's language
   cookie, written only by that choice, or cleared when the person saves an account
   preference on "Configurer mon compte");
2. the `locale` a relying service asked for at /cas/login (a browser-session cookie of
   its own, so a service never overrides the person's own choice);
3. the account's preferred language (signed in), also used for emails and by a fresh device;
4. the browser's Accept-Language, then LANGUAGE_CODE.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SERVICE_LANGUAGE_COOKIE_NAME = "eulogin_service_language"


def language_supported(code: str | None) -> str:
    """'fr', 'fr-be' → 'fr' when offered here, else ''."""
    if not code or len(code) > 16:
        return ""
    try:
        return translation.get_supported_language_variant(code.replace("_", "-").lower())
    except LookupError:
        return ""


def language_for(request: HttpRequest, *, service_language: str = "") -> str:
    """The language of this request's pages (the order of the module docstring)."""
    chosen = language_supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if chosen:
        return chosen
    service = service_language or language_supported(request.COOKIES.get(SERVICE_LANGUAGE_COOKIE_NAME))
    if service:
        return service
    user = getattr(request, "user", None)
    preferred = language_supported(getattr(user, "preferred_language", "")) if user and user.is_authenticated else ""
    return preferred or translation.get_language_from_request(request)


def service_language_cookie_write(response: HttpResponse, language: str) -> None:
    """The `locale` of a relying service, for the pages of this login (until the browser
    closes); below the person's own choice in this browser."""
    response.set_cookie(
        SERVICE_LANGUAGE_COOKIE_NAME,
        language,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def language_choice_forget(response: HttpResponse) -> None:
    """Forget the choice made in this browser's header, so the account's preference (or the
    browser's own language) applies here too."""
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite=settings.LANGUAGE_COOKIE_SAMESITE)
