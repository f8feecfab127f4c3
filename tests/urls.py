from django.urls import include, path

from eulogin.urls import urlpatterns as eulogin_urlpatterns

urlpatterns = [*eulogin_urlpatterns, path("fake-factor/", include("tests.fake_factor.urls"))]
