from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInEmailView.as_view(), name="login"),
    path("login/password/", views.SignInPasswordView.as_view(), name="login_password"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("my-account/", views.my_account, name="my_account"),
    path("confirm-password/", views.reauthenticate, name="reauthenticate"),
]
