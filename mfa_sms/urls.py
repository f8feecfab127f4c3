from django.urls import path

from . import views

app_name = "mfa_sms"

urlpatterns = [
    path("signin/", views.SignInChallengeView.as_view(), name="signin"),
    path("phones/", views.phones, name="phones"),
    path("phones/add/", views.phone_add, name="phone_add"),
    path("phones/confirm/", views.phone_confirm, name="phone_confirm"),
    path("phones/<int:pk>/label/", views.phone_label, name="phone_label"),
    path("phones/<int:pk>/remove/", views.phone_remove, name="phone_remove"),
    path("verify/", views.verify, name="verify"),
    path("verify/code/", views.verify_challenge, name="verify_challenge"),
    path("twilio/status/", views.twilio_status, name="twilio_status"),
]
