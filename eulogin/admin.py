"""The Django admin, reached only through eulogin's own sign-in.

Django's admin has its own login form, which would skip the brute-force limits and the
second factor. Here the admin's login page sends people to the two-step sign-in, and the
admin opens only to a session that meets EULOGIN_ADMIN_REQUIRED_STRENGTH (a strength, a
list of them or a level; MEDIUM outside development): a stolen password does not
open the registry.
"""


from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.factors import session_strengths
from accounts.http import url_with_query
from accounts.steps import factor_prove_url
from accounts.strengths import Requirement


def admin_requirement() -> Requirement:
    return Requirement.parse(getattr(settings, "EULOGIN_ADMIN_REQUIRED_STRENGTH", "MEDIUM"))


def admin_strength_met(request: HttpRequest) -> bool:
    return admin_requirement().is_met_by(session_strengths(request))


class EuloginAdminSite(admin.AdminSite):
    site_header = "eulogin administration"
    site_title = "eulogin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and admin_strength_met(request)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not admin_strength_met(request):
            return redirect(factor_prove_url(request, next_url, admin_requirement()))
        return redirect(url_with_query(reverse(settings.LOGIN_URL), next=next_url))
