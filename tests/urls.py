from django.urls import include, path

from eulogin.urls import handler400, handler403, handler404, handler500  # noqa: F401 — the same pages
from eulogin.urls import urlpatterns as eulogin_urlpatterns


def _fails(request):
    raise RuntimeError("a defect, as a test needs one")


urlpatterns = [*eulogin_urlpatterns, path("fake-factor/", include("tests.fake_factor.urls")),
               path("tests/fails/", _fails)]
