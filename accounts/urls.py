from django.urls import path

from . import invitations, views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInEmailView.as_view(), name="login"),
    path("login/password/", views.SignInPasswordView.as_view(), name="login_password"),
    path("login/other/", views.signin_other_factor, name="login_other"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("my-account/", views.my_account, name="my_account"),
    path("confirm-password/", views.reauthenticate, name="reauthenticate"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("register/sent/", views.register_sent, name="register_sent"),
    path("register/confirm/<str:token>/", views.RegisterConfirmView.as_view(), name="register_confirm"),
    path("password/lost/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/lost/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("password/reset/<str:uidb64>/<str:token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/change/", views.password_change, name="password_change"),
    path("invitation/<str:token>/", invitations.InvitationView.as_view(), name="invitation"),
    path("my-account/personal-data/", views.personal_data, name="personal_data"),
    path("my-account/configure/", views.configure, name="configure"),
    path("my-account/delete/", views.delete_account, name="delete"),
    path("my-account/panic/", views.panic, name="panic"),
    path("my-account/prove/", views.factor_choose, name="factor_choose"),
    path("my-account/confirm-by-email/", views.rebind_email, name="rebind_email"),
    path("my-account/confirm-by-email/<str:token>/", views.rebind_email_confirmed, name="rebind_email_confirmed"),
    path("my-account/sessions/", views.sessions, name="sessions"),
    path("my-account/sessions/<int:session_id>/end/", views.session_end, name="session_end"),
    path("my-account/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
]
