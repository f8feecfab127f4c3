from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _text(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def home(request: HttpRequest) -> HttpResponse:
    """Who is signed in, with which strength, level and factors, as eulogin's CAS 3 answer said."""
    attributes = (request.session.get("attributes") or {}) if request.user.is_authenticated else {}
    return render(request, "demo_site/home.html", {
        "attributes": sorted((name, _text(value)) for name, value in attributes.items()),
        "strength": _text(attributes.get("strength", "")),
        "level": _text(attributes.get("authenticationLevel", "")),
    })
