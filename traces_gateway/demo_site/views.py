from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Who is signed in, with which strength and factors, as eulogin's CAS 3 answer said."""
    attributes = request.session.get("attributes") or {} if request.user.is_authenticated else {}
    return render(request, "demo_site/home.html", {"attributes": sorted(attributes.items())})
