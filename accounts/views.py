from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import flows, throttling
from .audit import audit_event_record
from .factors import PASSWORD
from .factors import session_factor_add
from .forms import PasswordConfirmForm, SignInEmailForm, SignInPasswordForm
from .http import client_ip, safe_next_url
from .methods import method_get, method_start
from .models import AuditEvent, User, email_domain_label
from .services import user_set_language, user_signout
from .tiles import tiles_available

protected = [never_cache, csrf_protect]

# Remembers, per browser, the method to offer first on the password step.
METHOD_COOKIE = "eulogin_method"


@method_decorator(protected, name="dispatch")
class SignInEmailView(View):
    """Step 1: the email address. Nothing is looked up, so nothing can be learnt here."""

    template_name = "accounts/signin_email.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next_url(request, request.GET.get("next"))
        pending = flows.signin_pending(request)
        initial = {"email": pending["email"]} if pending and "change" not in request.GET else {}
        form = SignInEmailForm(initial=initial)
        return render(request, self.template_name, {"form": form, "next": next_url or ""})

    def post(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next_url(request, request.POST.get("next"))
        form = SignInEmailForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "next": next_url or ""}, status=400)
        flows.signin_pending_start(request, email=form.cleaned_data["email"], next_url=next_url)
        return redirect("accounts:login_password")


@method_decorator([sensitive_post_parameters("password"), *protected], name="dispatch")
class SignInPasswordView(View):
    """Step 2, "Bienvenue": password and authentication method."""

    template_name = "accounts/signin_password.html"

    def _context(self, request: HttpRequest, pending: dict, form: SignInPasswordForm, **extra) -> dict:
        return {
            "form": form,
            "email": pending["email"],
            "domain_label": email_domain_label(pending["email"]),
            **extra,
        }

    def _default_method(self, request: HttpRequest) -> str:
        # The cookie remembers the last method chosen in this browser; it names a method,
        # never a person, and is set for unknown emails just the same.
        return request.COOKIES.get(METHOD_COOKIE, "PASSWORD")

    def get(self, request: HttpRequest) -> HttpResponse:
        pending = flows.signin_pending(request)
        if pending is None:
            return redirect("accounts:login")
        form = SignInPasswordForm(default_method=self._default_method(request))
        return render(request, self.template_name, self._context(request, pending, form))

    def post(self, request: HttpRequest) -> HttpResponse:
        pending = flows.signin_pending(request)
        if pending is None:
            messages.info(request, _("Your sign-in took too long. Please enter your email address again."))
            return redirect("accounts:login")
        form = SignInPasswordForm(request.POST, default_method=self._default_method(request))
        if not form.is_valid():
            return render(request, self.template_name, self._context(request, pending, form), status=400)

        email, ip = pending["email"], client_ip(request)
        locked_until = throttling.signin_locked_until(email=email, ip=ip)
        if locked_until:
            return self._locked(request, pending, form, email, locked_until)

        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if user is None:
            locked_until = throttling.signin_failure_record(email=email, ip=ip)
            audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, request=request, email=email)
            if locked_until:
                return self._locked(request, pending, form, email, locked_until)
            form.add_error(None, _("The email address or the password is incorrect."))
            return render(request, self.template_name, self._context(request, pending, form), status=400)

        if user.locked_at:
            audit_event_record(kind=AuditEvent.Kind.SIGNIN_LOCKED, request=request, user=user, reason="admin")
            form.add_error(None, _("This account is locked. Please contact the helpdesk."))
            return render(request, self.template_name, self._context(request, pending, form), status=403)

        method = method_get(form.cleaned_data["method"])
        sub = form.chosen_method_form()
        proved = {"kind": PASSWORD, "at": timezone.now().isoformat()}
        flows.signin_pending_update(request, password_proved=proved, method=method.code)
        response = method_start(method, request, user, sub.cleaned_data if sub else {})
        if response is None:
            response = flows.signin_redirect(request, flows.signin_complete(request, user=user, proved=[proved]))
        response.set_cookie(METHOD_COOKIE, user.preferred_method or method.code, max_age=365 * 24 * 3600, httponly=True,
                            secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
        return response

    def _locked(self, request, pending, form, email, locked_until) -> HttpResponse:
        audit_event_record(kind=AuditEvent.Kind.SIGNIN_LOCKED, request=request, email=email, reason="throttle")
        when = formats.date_format(timezone.localtime(locked_until), "DATETIME_FORMAT")
        form.add_error(
            None,
            _("Too many failed attempts. For your security, signing in is paused until %(time)s. "
              "You can also reset your password.") % {"time": when},
        )
        return render(request, self.template_name, self._context(request, pending, form), status=429)


@method_decorator(protected, name="dispatch")
class SignOutView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/signout_confirm.html")

    def post(self, request: HttpRequest) -> HttpResponse:
        user_signout(request=request)
        return render(request, "accounts/signed_out.html")


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """"Authentification réussie": the page after a sign-in with no service to go to."""
    return render(request, "accounts/home.html")


@never_cache
@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_account.html", {"tiles": tiles_available()})


@require_POST
@csrf_protect
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language, which also remembers the choice on the signed-in account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response




@sensitive_post_parameters("password")
@never_cache
@csrf_protect
@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Ask for the password again before a sensitive change, then go back to it.

    Wrong passwords count towards the same brute-force limits as the sign-in page.
    """
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or ""
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST":
        email, ip = request.user.email, client_ip(request)
        locked_until = throttling.signin_locked_until(email=email, ip=ip)
        if locked_until:
            form = PasswordConfirmForm(None, user=request.user)
            form.add_error(None, _("Too many failed attempts. Please try again later."))
            return render(request, "accounts/reauthenticate.html", {"form": form, "next": next_url}, status=429)
        if form.is_valid():
            throttling.signin_success_record(email=email)
            session_factor_add(request, kind=PASSWORD)
            return redirect(next_url or "accounts:my_account")
        if "password" in form.errors:
            throttling.signin_failure_record(email=email, ip=ip)
            audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, request=request, reason="reauthentication")
        return render(request, "accounts/reauthenticate.html", {"form": form, "next": next_url}, status=400)
    return render(request, "accounts/reauthenticate.html", {"form": form, "next": next_url})
