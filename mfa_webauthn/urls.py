from django.urls import path

from . import views

app_name = "mfa_webauthn"

urlpatterns = [
    path("keys/", views.keys, name="keys"),
    path("keys/add/", views.key_add, name="key_add"),
    path("keys/<int:pk>/name/", views.key_rename, name="key_rename"),
    path("keys/<int:pk>/remove/", views.key_remove, name="key_remove"),
    path("signin/", views.SignInKeyView.as_view(), name="signin"),
    path("passkey/", views.PasskeySignInView.as_view(), name="passkey"),
    path("verify/", views.verify, name="verify"),
]
