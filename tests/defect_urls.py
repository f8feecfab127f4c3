"""The test URLconf plus one page with a defect (tests/test_error_pages.py): kept apart so
the route fuzzers, which try every route, never meet it."""

from django.urls import path

from tests.urls import handler400, handler403, handler404, handler500  # noqa: F401 — the same pages
from tests.urls import urlpatterns as test_urlpatterns


def _fails(request):
    raise RuntimeError("a defect, as a test needs one")


urlpatterns = [*test_urlpatterns, path("tests/fails/", _fails)]
