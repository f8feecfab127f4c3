from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import language_set
from observability.dashboard import sms_dashboard

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:home", permanent=False)),
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/sms-dashboard/", admin.site.admin_view(sms_dashboard), name="admin_sms_dashboard"),
    path("admin/", admin.site.urls),
    path("account/", include("accounts.urls")),
    path("sms/", include("mfa_sms.urls")),
    path("webauthn/", include("mfa_webauthn.urls")),
    path("app/", include("mfa_totp.urls")),
    path("recovery/", include("mfa_recovery.urls")),
    path("cas/", include("cas_server.urls")),
    path("traces/", include("traces_gateway.urls")),
    path("dev/outbox/", include("devoutbox.urls")),
    path("metrics", include("observability.urls")),
    path("api/", include("api.urls")),
]

handler400 = "eulogin.errors.bad_request"
handler403 = "eulogin.errors.permission_denied"
handler404 = "eulogin.errors.page_not_found"
handler500 = "eulogin.errors.server_error"
