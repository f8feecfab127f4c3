"""The Django admin, reached only through eulogin's own sign-in.

Django's admin has its own login form, which would skip the brute-force limits and the
second factor. Here the admin's login page sends people to the two-step sign-in, and the
admin opens only to a session whose strength is at least EULOGIN_ADMIN_REQUIRED_STRENGTH
(PASSWORD_SMS outside development): a stolen password does not open the registry.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.factors import session_factor_kinds, strengths_for


def admin_strength_met(request: HttpRequest) -> bool:
    required = getattr(settings, "EULOGIN_ADMIN_REQUIRED_STRENGTH", "PASSWORD_SMS")
    return required in strengths_for(session_factor_kinds(request))


class EuloginAdminSite(admin.AdminSite):
    site_header = "eulogin administration"
    site_title = "eulogin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and admin_strength_met(request)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not admin_strength_met(request):
            from mfa_sms.services import sms_step_up_url

            return redirect(sms_step_up_url(next_url))
        return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")
