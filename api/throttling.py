from rest_framework.throttling import SimpleRateThrottle

from accounts.http import client_ip

from . import conf
from .authentication import request_api_key


class ApiRateThrottle(SimpleRateThrottle):
    """API_REQUESTS_PER_MINUTE per API key, per signed-in person, else per client IP."""

    scope = "api"

    def get_rate(self) -> str:
        return f"{conf.get('API_REQUESTS_PER_MINUTE')}/min"

    def get_cache_key(self, request, view) -> str:
        key = request_api_key(request)
        if key is not None:
            ident = f"key:{key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{client_ip(request)}"
        return f"throttle:api:{ident}"
