from django.urls import path

from . import views

app_name = "traces_gateway"
urlpatterns = [
    path("two-factor/", views.step_up, name="step_up"),
    path("two-factor/cancelled/", views.step_up_cancelled, name="step_up_cancelled"),
]
