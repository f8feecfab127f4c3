import django_cas_ng.views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path


@login_required
def protected(request):
    name = request.user.get_username()
    return HttpResponse(f'<!doctype html><title>protected</title><p id="who">signed in as {name}</p>'
                        f'<p id="first-name">{request.user.first_name}</p>'
                        '<a id="logout" href="/accounts/logout/">log out</a>')


def public(request):
    who = request.user.get_username() if request.user.is_authenticated else "anonymous"
    return HttpResponse(f'<!doctype html><title>public</title><p id="who">{who}</p>')


urlpatterns = [
    path("", public),
    path("protected/", protected),
    path("accounts/login/", django_cas_ng.views.LoginView.as_view(), name="cas_ng_login"),
    path("accounts/logout/", django_cas_ng.views.LogoutView.as_view(), name="cas_ng_logout"),
]
