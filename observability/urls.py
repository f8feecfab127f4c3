from django.urls import path

from .metrics import metrics_view

app_name = "observability"
urlpatterns = [path("", metrics_view, name="metrics")]
