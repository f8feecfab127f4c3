"""The API's request rate: API_REQUESTS_PER_MINUTE per API key, per signed-in person, else
per client IP.

Counted like every other request limit of the product (eulogin.ratelimit): a fixed
one-minute window in Redis, kept in PostgreSQL while Redis does not answer, so the limit
never fails open and never turns a request into an error. (DRF's SimpleRateThrottle keeps
its history in the "default" cache, which ignores a Redis that is down: every request
would then pass.)
"""

from rest_framework.throttling import BaseThrottle

from accounts.http import client_ip
from eulogin.ratelimit import window_hit, window_seconds_left

from . import conf
from .authentication import request_api_key

SCOPE = "api:requests"
WINDOW_SECONDS = 60


def caller_ident(request) -> str:
    """Whose requests count together: the key's, the person's, or the client IP's."""
    key = request_api_key(request)
    if key is not None:
        return f"key:{key.pk}"
    if request.user and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


class ApiRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        count = window_hit(scope=SCOPE, key=caller_ident(request), window=WINDOW_SECONDS)
        return count <= conf.get("API_REQUESTS_PER_MINUTE")

    def wait(self) -> int:
        """Retry-After: the seconds until this minute's window ends."""
        return window_seconds_left(WINDOW_SECONDS)
