from django.urls import path

from . import views

app_name = "fake_factor"
urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("tokens/", views.tokens, name="tokens"),
]
