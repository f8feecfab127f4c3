from django.conf import settings
from django.urls import include, path

if settings.PEER == "mama_cas":
    urlpatterns = [path("cas/", include("mama_cas.urls"))]
else:
    urlpatterns = [path("cas/", include("cas_server.urls", namespace="cas_server"))]
