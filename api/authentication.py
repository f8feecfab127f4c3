"""Who is calling: a machine with an API key (provisioning), or a person with the browser
session (self-service)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.http import client_ip
from eulogin.ratelimit import window_hit

from . import conf
from .keys import api_key_find, api_key_touch
from .models import ApiKey

INVALID_KEY = _("The API key is unknown, has expired or has been revoked.")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer eul_…`. The request's user stays anonymous (a key is no
    person: nothing it does is ever recorded as done by one); `request.auth` is the key.

    Wrong keys count per client IP, like wrong passwords on the sign-in page: past
    API_KEY_FAILURES_PER_IP_PER_HOUR, the IP gets 429 for the rest of the hour.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        token = header[1].decode("latin-1") if len(header) == 2 else ""
        key = api_key_find(token) if token else None
        if key is None:
            ip = client_ip(request) or "unknown"
            if window_hit(scope="api:bad-key", key=ip, window=3600) > conf.get("API_KEY_FAILURES_PER_IP_PER_HOUR"):
                raise exceptions.Throttled(wait=3600)
            raise exceptions.AuthenticationFailed(INVALID_KEY, code="invalid_key")
        api_key_touch(key)
        return AnonymousUser(), key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="eulogin"'


class BrowserSessionAuthentication(authentication.SessionAuthentication):
    """The browser's eulogin session, with CSRF enforced on writes (the X-CSRFToken header
    carries the csrftoken cookie's value, as for any Django form). Not signed in: 401."""

    def authenticate_header(self, request) -> str:
        return 'Session realm="eulogin"'


def request_api_key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None
