"""The authentication methods offered on the password step ("Méthode d'authentification").

Each method is a password plus, optionally, a further step. Apps register their method in
their AppConfig.ready(); the sign-in page lists the registered methods in order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class AuthenticationMethod:
    code: str
    label: Promise | str
    description: Promise | str
    order: int = 100
    # Extra fields this method needs on the password step (rendered under the method).
    form_class: type[forms.Form] | None = None
    # Called once the password is right. Returns the response that continues the sign-in
    # (e.g. a redirect to the SMS challenge); None means the password alone completes it.
    start: Callable[..., HttpResponse | None] | None = None
    # Whether the method can be offered at all right now (e.g. a backend is configured).
    is_enabled: Callable[[], bool] = field(default=lambda: True)


_registry: dict[str, AuthenticationMethod] = {}


def method_register(method: AuthenticationMethod) -> None:
    _registry[method.code] = method


def methods_enabled() -> list[AuthenticationMethod]:
    return sorted((m for m in _registry.values() if m.is_enabled()), key=lambda m: m.order)


def method_get(code: str) -> AuthenticationMethod | None:
    method = _registry.get(code)
    return method if method and method.is_enabled() else None


method_register(
    AuthenticationMethod(
        code="PASSWORD",
        label=_("Password"),
        description=_("Sign in to EU Login with your password only."),
        order=0,
    )
)


def method_start(method: AuthenticationMethod, request: HttpRequest, user, extra: dict) -> HttpResponse | None:
    return method.start(request, user, extra) if method.start else None
