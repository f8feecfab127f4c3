from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from .base import ApiViewMixin


class NotFoundView(ApiViewMixin, APIView):
    """Any other address under /api/: a 404 in the API's error shape, never an HTML page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound

    def get(self, request, *args, **kwargs):
        raise NotFound

    post = put = patch = delete = head = options = get


not_found = NotFoundView.as_view()
