"""What a caller may do: an API key's scopes; a person's own account only."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .authentication import request_api_key


class HasScope(BasePermission):
    """The key holds the scope the view asks for: `read_scope` for GET, HEAD and OPTIONS,
    `write_scope` for the rest."""

    message = _("This API key does not have the scope this operation needs.")
    code = "scope_missing"

    def has_permission(self, request, view) -> bool:
        key = request_api_key(request)
        if key is None:
            return False
        scope = view.read_scope if request.method in SAFE_METHODS else view.write_scope
        if not key.has_scope(scope):
            self.message = _("This API key does not have the scope %(scope)s, which this operation needs.") % {
                "scope": scope}
            return False
        return True


class IsPerson(BasePermission):
    """A person signed in through the browser."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)
