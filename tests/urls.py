from django.urls import include, path

from eulogin.urls import handler400, handler403, handler404, handler500  # noqa: F401 — the same pages
from eulogin.urls import urlpatterns as eulogin_urlpatterns

urlpatterns = [*eulogin_urlpatterns, path("fake-factor/", include("tests.fake_factor.urls"))]
