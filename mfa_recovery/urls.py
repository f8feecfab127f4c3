from django.urls import path

from . import views

app_name = "mfa_recovery"

urlpatterns = [
    path("", views.codes, name="codes"),
    path("generate/", views.generate, name="generate"),
    path("remove/", views.remove, name="remove"),
    path("new/", views.show, name="show"),
    path("offer/", views.offer, name="offer"),
    path("signin/", views.SignInCodeView.as_view(), name="signin"),
    path("verify/", views.verify, name="verify"),
]
