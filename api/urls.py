"""Everything under /api/: version 1 of the API, its OpenAPI document and its docs page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import audit, docs, factors, me, recovery_codes, registry, users
from .views import not_found

app_name = "api"

router = SimpleRouter()
router.register("users", users.UserViewSet, basename="user")
router.register("services", registry.ServiceViewSet, basename="service")
router.register("audit", audit.AuditEventViewSet, basename="audit")
router.register("me/audit", audit.OwnAuditEventViewSet, basename="own-audit")

v1 = [
    path("me/", me.MeView.as_view(), name="me"),
    path("me/reauthenticate/", me.ReauthenticateView.as_view(), name="me-reauthenticate"),
    path("me/sessions/", me.SessionsView.as_view(), name="me-sessions"),
    path("me/sessions/end-others/", me.SessionsEndOthersView.as_view(), name="me-sessions-end-others"),
    path("me/sessions/<int:session_id>/", me.SessionView.as_view(), name="me-session"),
    path("me/factors/", factors.FactorsView.as_view(), name="me-factors"),
    path("me/factors/<str:kind>/<int:factor_id>/", factors.FactorView.as_view(), name="me-factor"),
    path("me/phones/", factors.PhonesView.as_view(), name="me-phones"),
    path("me/phones/confirm/", factors.PhoneConfirmView.as_view(), name="me-phone-confirm"),
    path("me/phones/resend/", factors.PhoneResendView.as_view(), name="me-phone-resend"),
    path("me/recovery-codes/", recovery_codes.RecoveryCodesView.as_view(), name="me-recovery-codes"),
    path("me/verification/sms/", factors.SmsVerificationView.as_view(), name="me-verification-sms"),
    path("me/verification/sms/confirm/", factors.SmsVerificationConfirmView.as_view(),
         name="me-verification-sms-confirm"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^[\s\S]*$", not_found),  # any path, newlines included
]
