from django.urls import path

from . import views

app_name = "mfa_totp"

urlpatterns = [
    path("signin/", views.SignInCodeView.as_view(), name="signin"),
    path("devices/", views.devices, name="devices"),
    path("devices/add/", views.device_add, name="device_add"),
    path("devices/confirm/", views.device_confirm, name="device_confirm"),
    path("devices/<int:pk>/name/", views.device_rename, name="device_rename"),
    path("devices/<int:pk>/remove/", views.device_remove, name="device_remove"),
    path("verify/", views.verify, name="verify"),
]
