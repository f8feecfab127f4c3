"""Where a protocol dialect plugs into the CAS core: the core names no dialect.

A dialect (cas_server.eulogin, EU Login's) registers itself from its AppConfig.ready():
its endpoints, a login parameter standing for stored login parameters, a renderer that
answers a validation in its own form when the service chose it, and what the periodic
purge must also clear.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# name of a /cas/login parameter → take(value) -> (LoginParams | None, error message)
login_parameter_sources: dict[str, Callable] = {}
# (request, query, result, fmt) -> HttpResponse | None: None leaves the CAS form.
validation_renderers: list[Callable[..., HttpResponse | None]] = []
# URL patterns served under /cas/ beside the core's.
urlpatterns: list = []
# purge(now=) -> {what: how many deleted}
purgers: list[Callable[..., dict[str, int]]] = []


def dialect_register(*, login_parameters: dict[str, Callable] | None = None, validation_renderer=None,
                     urls=(), purge=None) -> None:
    login_parameter_sources.update(login_parameters or {})
    if validation_renderer is not None and validation_renderer not in validation_renderers:
        validation_renderers.append(validation_renderer)
    urlpatterns.extend(u for u in urls if u not in urlpatterns)
    if purge is not None and purge not in purgers:
        purgers.append(purge)


def validation_render(request: HttpRequest, query, result, fmt: str) -> HttpResponse | None:
    """The answer of the first dialect that takes this validation, else None."""
    for render in validation_renderers:
        response = render(request, query, result, fmt)
        if response is not None:
            return response
    return None
