from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import flows, rebind, selectors, services, throttling, tokens
from .audit import audit_event_record
from .factors import PASSWORD, factor_get, factor_proved, session_strengths, signin_method_get, signin_passwordless
from .forms import (
    ConfigureForm,
    NewPasswordForm,
    PasswordChangeFormCapped,
    PasswordConfirmForm,
    PasswordResetRequestForm,
    PersonalDataForm,
    RegistrationForm,
    SignInEmailForm,
    SignInPasswordForm,
    form_with_error,
)
from .http import client_ip, safe_next_url
from .language import language_choice_forget, language_supported
from .models import AuditEvent, User, email_domain_label
from .services import user_signout
from .step_up import step_up_reason
from .steps import factors_to_prove
from .strengths import Requirement, UnknownRequirement
from .tiles import tiles_available

protected = [never_cache, csrf_protect]

# Remembers, per browser, the method to offer first on the password step.
METHOD_COOKIE = "eulogin_method"


@method_decorator(protected, name="dispatch")
class SignInEmailView(View):
    """Step 1: the email address. Nothing is looked up, so nothing can be learnt here."""

    template_name = "accounts/signin_email.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return signin_email_page(request, next_url=safe_next_url(request, request.GET.get("next")) or "")

    def post(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next_url(request, request.POST.get("next"))
        form = SignInEmailForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, signin_email_context(form, next_url or ""), status=400)
        flows.signin_pending_start(request, email=form.cleaned_data["email"], next_url=next_url)
        return redirect("accounts:login_password")


def signin_email_page(request: HttpRequest, *, next_url: str) -> HttpResponse:
    """Step 1's page, going on to `next_url` (a URL of this site) once signed in. Served by
    /account/login/ and, without a redirect first, by /cas/login. Writes nothing."""
    pending = flows.signin_pending(request)
    initial = {"email": pending["email"]} if pending and "change" not in request.GET else {}
    return render(request, SignInEmailView.template_name, signin_email_context(SignInEmailForm(initial=initial), next_url))


def signin_email_context(form, next_url: str) -> dict:
    passwordless = [{"factor": f, "url": f.passwordless_url(next_url)} for f in signin_passwordless()]
    return {"form": form, "next": next_url, "passwordless": passwordless}


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

        sub = form.chosen_method_form()
        outcome = flows.signin_password_step(
            request, email=pending["email"], password=form.cleaned_data["password"],
            method=signin_method_get(form.cleaned_data["method"]), extra=sub.cleaned_data if sub else {},
            remember_me=form.cleaned_data["remember_me"], warn=form.cleaned_data["warn"],
        )
        if outcome.refused is flows.Refused.THROTTLED:
            return self._locked(request, pending, form, outcome.locked_until)
        if outcome.refused is flows.Refused.WRONG:
            form.add_error(None, _("The email address or the password is incorrect."))
            return render(request, self.template_name, self._context(request, pending, form), status=400)
        if outcome.refused is flows.Refused.ACCOUNT_LOCKED:
            form.add_error(None, _("This account is locked. Please contact the helpdesk."))
            return render(request, self.template_name, self._context(request, pending, form), status=403)
        response = outcome.response
        response.set_cookie(METHOD_COOKIE, outcome.user.preferred_method or outcome.method, max_age=365 * 24 * 3600,
                            httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
        return response

    def _locked(self, request, pending, form, locked_until) -> HttpResponse:
        when = formats.date_format(timezone.localtime(locked_until), "DATETIME_FORMAT")
        form.add_error(
            None,
            _("Too many failed attempts. For your security, signing in is paused until %(time)s. "
              "You can also reset your password.") % {"time": when},
        )
        return render(request, self.template_name, self._context(request, pending, form), status=429)


@require_POST
@never_cache
@csrf_protect
def signin_other_factor(request: HttpRequest) -> HttpResponse:
    """"Can't use your device?" on a factor's sign-in step: go to the step of another
    second factor (or backup) the account holds, the password being proved already."""
    user = flows.signin_pending_user(request)
    if user is None:
        messages.info(request, _("Your sign-in took too long. Please enter your email address again."))
        return redirect("accounts:login")
    factor = factor_get(request.POST.get("kind", ""))
    if (factor is None or factor.kind == PASSWORD or factor.start is None or not factor.is_enabled()
            or not factor.has_device(user) or factor.is_locked(user)):
        return redirect("accounts:login_password")
    flows.signin_pending_update(request, method=factor.kind)
    return factor.start(request, user, {})


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
    return render(request, "accounts/my_account.html", {"tiles": tiles_available(request.user)})


@require_POST
@csrf_protect
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's selector: Django's set_language, for this browser only. The account's
    preferred language is set on "Configurer mon compte" (accounts.language)."""
    return set_language(request)




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

    def page(form, status=200):
        # A factor that stands alone (a passkey the person holds) presents the credentials
        # as well as the password does: its sign-in, back to `next`, is offered instead.
        alone = [{"factor": f, "url": f.passwordless_url(next_url or reverse("accounts:my_account"))}
                 for f in signin_passwordless() if f.has_device(request.user)]
        return render(request, "accounts/reauthenticate.html", {"form": form, "next": next_url, "passwordless": alone},
                      status=status)

    if request.method == "POST":
        email, ip = request.user.email, client_ip(request)
        locked_until = throttling.signin_locked_until(email=email, ip=ip)
        if locked_until:
            return page(form_with_error(PasswordConfirmForm(None, user=request.user),
                                        _("Too many failed attempts. Please try again later.")), 429)
        if form.is_valid():
            throttling.signin_success_record(email=email)
            factor_proved(request, kind=PASSWORD)
            return redirect(next_url or "accounts:my_account")
        if "password" in form.errors:
            throttling.signin_failure_record(email=email, ip=ip)
            audit_event_record(kind=AuditEvent.Kind.SIGNIN_FAILED, request=request, reason="reauthentication")
        return page(form, 400)
    return page(form)


# --- Helpers shared by the pages below ----------------------------------------------------

NEW_PASSWORD_FIELDS = ("new_password1", "new_password2")


def _base_url(request: HttpRequest) -> str:
    """This site's origin, for links in emails (the Host header is checked by ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/").rstrip("/")


def _too_many_attempts(request: HttpRequest, template: str, context: dict, form) -> HttpResponse:
    form = form_with_error(form, _("Too many failed attempts. Please try again later."))
    return render(request, template, {**context, "form": form}, status=429)


def _email_request_refused(request: HttpRequest, template: str, form) -> HttpResponse:
    form.add_error(None, _("Too many requests from your network. Please try again in an hour."))
    return render(request, template, {"form": form}, status=429)


# --- Créer un compte ----------------------------------------------------------------------


@method_decorator(protected, name="dispatch")
class RegisterView(View):
    """Names and email; the answer is the same whether or not the address has an account."""

    template_name = "accounts/register.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": RegistrationForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RegistrationForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data
        address_ok, ip_ok = throttling.email_request_allowed(action="registration", email=data["email"],
                                                             ip=client_ip(request))
        if not ip_ok:
            return _email_request_refused(request, self.template_name, form)
        if address_ok:  # beyond the limit, silently nothing: the answer must not differ
            services.registration_request(
                email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
                language=translation.get_language(), base_url=_base_url(request),
            )
        return redirect("accounts:register_sent")


@never_cache
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_sent.html")


@method_decorator([sensitive_post_parameters(*NEW_PASSWORD_FIELDS), *protected], name="dispatch")
class RegisterConfirmView(View):
    """The link of the verification email: choose a password, and the account exists."""

    template_name = "accounts/register_confirm.html"

    def _invalid(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/link_invalid.html", {"kind": "registration"}, status=400)

    def _form(self, request: HttpRequest, registration: tokens.RegistrationRequest, data=None) -> NewPasswordForm:
        # An unsaved user, so the validators can refuse a password close to the names.
        person = User(email=registration.email, first_name=registration.first_name, last_name=registration.last_name)
        return NewPasswordForm(person, data)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        registration = tokens.registration_token_read(token)
        if registration is None:
            return self._invalid(request)
        return render(request, self.template_name, {"form": self._form(request, registration), "registration": registration})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        registration = tokens.registration_token_read(token)
        if registration is None:
            return self._invalid(request)
        form = self._form(request, registration, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "registration": registration}, status=400)
        try:
            services.user_register(registration=registration, password=form.cleaned_data["new_password1"], request=request)
        except services.RegistrationLinkInvalid:
            return self._invalid(request)
        messages.success(request, _("Your account has been created. You can now sign in."))
        # The sign-in page has the new address filled in.
        flows.signin_pending_start(request, email=registration.email, next_url=None)
        return redirect("accounts:login")


# --- Mot de passe perdu -------------------------------------------------------------------


@method_decorator(protected, name="dispatch")
class PasswordResetView(View):
    template_name = "accounts/password_reset.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {}
        pending = flows.signin_pending(request)
        if pending:
            initial["email"] = pending["email"]
        return render(request, self.template_name, {"form": PasswordResetRequestForm(initial=initial)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PasswordResetRequestForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        email = form.cleaned_data["email"]
        address_ok, ip_ok = throttling.email_request_allowed(action="password_reset", email=email, ip=client_ip(request))
        if not ip_ok:
            return _email_request_refused(request, self.template_name, form)
        if address_ok:  # beyond the limit, silently nothing: the answer must not differ
            services.password_reset_request(email=email, language=translation.get_language(),
                                            base_url=_base_url(request), ip=client_ip(request))
        return redirect("accounts:password_reset_sent")


@never_cache
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


@method_decorator([sensitive_post_parameters(*NEW_PASSWORD_FIELDS), *protected], name="dispatch")
class PasswordResetConfirmView(View):
    """The link of the reset email: single use (it hashes the old password), expiring."""

    template_name = "accounts/password_reset_confirm.html"

    def _invalid(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/link_invalid.html", {"kind": "password_reset"}, status=400)

    def get(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        user = tokens.password_reset_user(uidb64, token)
        if user is None:
            return self._invalid(request)
        return render(request, self.template_name, {"form": NewPasswordForm(user)})

    def post(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        user = tokens.password_reset_user(uidb64, token)
        if user is None:
            return self._invalid(request)
        form = NewPasswordForm(user, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        services.user_password_reset(user=user, password=form.cleaned_data["new_password1"], request=request,
                                     base_url=_base_url(request))
        messages.success(request, _("Your password has been changed. You can now sign in with it."))
        return redirect("accounts:login")


# --- Modifier le mot de passe -------------------------------------------------------------


@sensitive_post_parameters("old_password", *NEW_PASSWORD_FIELDS)
@never_cache
@csrf_protect
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    template = "accounts/password_change.html"
    form = PasswordChangeFormCapped(request.user, request.POST or None)
    if request.method != "POST":
        return render(request, template, {"form": form})
    if throttling.current_password_locked(request):
        return _too_many_attempts(request, template, {}, PasswordChangeFormCapped(request.user))
    if not form.is_valid():
        if "old_password" in form.errors and request.POST.get("old_password"):
            throttling.current_password_failed(request, "password_change")
        return render(request, template, {"form": form}, status=400)
    throttling.signin_success_record(email=request.user.email)
    services.user_password_change(request=request, user=request.user, password=form.cleaned_data["new_password1"],
                                  base_url=_base_url(request))
    messages.success(request, _("Your password has been changed. Your other sessions have been ended."))
    return redirect("accounts:my_account")


# --- Mon compte ---------------------------------------------------------------------------


def _language_remember(request: HttpRequest, response: HttpResponse, *, changed: bool) -> None:
    """A preferred language just saved applies in this browser too: its header choice goes
    (and the confirmation is already in the new language)."""
    if changed:
        language_choice_forget(response)
        translation.activate(language_supported(request.user.preferred_language)
                             or translation.get_language_from_request(request))


@never_cache
@csrf_protect
@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    """"Mes données personnelles": names and language."""
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name, "preferred_language": user.preferred_language}
    form = PersonalDataForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/personal_data.html", {"form": form}, status=400)
        before = user.preferred_language
        services.user_personal_data_update(user=user, request=request, **form.cleaned_data)
        response = redirect("accounts:personal_data")
        _language_remember(request, response, changed=user.preferred_language != before)
        messages.success(request, _("Your personal data has been saved."))
        return response
    return render(request, "accounts/personal_data.html", {"form": form})


@never_cache
@csrf_protect
@login_required
def configure(request: HttpRequest) -> HttpResponse:
    """"Configurer mon compte": language and preferred authentication method."""
    user = request.user
    form = ConfigureForm(request.POST or None,
                         initial={"preferred_language": user.preferred_language, "preferred_method": user.preferred_method})
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/configure.html", {"form": form}, status=400)
        before = user.preferred_language
        services.user_configure(user=user, request=request, **form.cleaned_data)
        response = redirect("accounts:configure")
        _language_remember(request, response, changed=user.preferred_language != before)
        if user.preferred_method:
            response.set_cookie(METHOD_COOKIE, user.preferred_method, max_age=365 * 24 * 3600, httponly=True,
                                secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
        messages.success(request, _("Your settings have been saved."))
        return response
    return render(request, "accounts/configure.html", {"form": form})


@sensitive_post_parameters("password")
@never_cache
@csrf_protect
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """"Supprimer mon compte": the password again, then everything personal is erased."""
    template = "accounts/delete.html"
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method != "POST":
        return render(request, template, {"form": form})
    if throttling.current_password_locked(request):
        return _too_many_attempts(request, template, {}, PasswordConfirmForm(None, user=request.user))
    if not form.is_valid():
        if "password" in form.errors and request.POST.get("password"):
            throttling.current_password_failed(request, "account_deletion")
        return render(request, template, {"form": form}, status=400)
    services.user_delete(request=request, user=request.user)
    return render(request, "accounts/deleted.html")


@sensitive_post_parameters("password")
@never_cache
@csrf_protect
@login_required
def panic(request: HttpRequest) -> HttpResponse:
    """"Supprimer tous mes appareils … (PANIC)": password, then every device of every kind
    goes, every session ends, an email tells the person."""
    template = "accounts/panic.html"
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method != "POST":
        return render(request, template, {"form": form})
    # The password is checked here: it counts against the sign-in brute-force limits.
    if throttling.current_password_locked(request):
        return _too_many_attempts(request, template, {}, form)
    if not form.is_valid():
        if "password" in form.errors and request.POST.get("password"):
            throttling.current_password_failed(request, "panic")
        return render(request, template, {"form": form}, status=400)
    throttling.signin_success_record(email=request.user.email)
    services.user_devices_panic(request=request, user=request.user)
    return render(request, "accounts/panic_done.html")


@never_cache
@csrf_protect
@login_required
def rebind_email(request: HttpRequest) -> HttpResponse:
    """Ask for (POST) a link sent to the account's email address; following it lets this
    session bind a second factor again (accounts.rebind)."""
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or ""
    if request.method == "POST":
        if not rebind.rebind_email_send(request=request, user=request.user, next_url=next_url):
            messages.error(request, _("Too many emails were asked for. Please try again in an hour."))
            return render(request, "accounts/rebind_email.html", {"next": next_url}, status=429)
        return render(request, "accounts/rebind_email.html", {"next": next_url, "sent": True})
    return render(request, "accounts/rebind_email.html", {"next": next_url})


@never_cache
@login_required
def rebind_email_confirmed(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the email: this session may now bind a second factor of any kind, then
    go on (to "Mon compte", where the methods are, when no page was named)."""
    next_url = rebind.rebind_email_accept(request=request, token=token)
    if next_url is None:
        return render(request, "accounts/rebind_email.html", {"invalid": True}, status=400)
    return redirect(safe_next_url(request, next_url) or "accounts:my_account")


@never_cache
@login_required
def factor_choose(request: HttpRequest) -> HttpResponse:
    """"Prove it is you": every factor the person holds that fits (the requirement of a
    step-up, or any for a change of devices), each leading to its own step, then `next`."""
    next_url = safe_next_url(request, request.GET.get("next")) or reverse("accounts:my_account")
    requirement = None
    if request.GET.get("requirement"):
        try:
            requirement = Requirement.parse(request.GET["requirement"][:200])
        except UnknownRequirement:
            return redirect(next_url)
        if requirement.is_met_by(session_strengths(request)):
            return redirect(next_url)
    usable, locked = factors_to_prove(request, requirement)
    options = [{"factor": f, "url": f.step_up_url(next_url)} for f in usable]
    context = {"options": options, "locked": locked, "next": next_url,
               "reason": step_up_reason(request, next_url=next_url)}
    return render(request, "accounts/factor_choose.html", context, status=200 if options else 403)


@never_cache
@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    """"Afficher mes sessions"."""
    rows = selectors.user_sessions_list(user=request.user, current_session_key=request.session.session_key)
    return render(request, "accounts/sessions.html", {"sessions": rows})


@require_POST
@csrf_protect
@login_required
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    """End one of the person's sessions; someone else's is a 404, like one that never was."""
    session = selectors.user_session_get(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
    if session.session_key == request.session.session_key:
        user_signout(request=request)
        return render(request, "accounts/signed_out.html")
    services.user_session_end(user=request.user, session_key=session.session_key, request=request)
    messages.success(request, _("The session has been ended."))
    return redirect("accounts:sessions")


@require_POST
@csrf_protect
@login_required
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = services.user_sessions_end_all(user=request.user, except_session_key=request.session.session_key,
                                           request=request)
    messages.success(request, ngettext("%(count)d other session has been ended.",
                                       "%(count)d other sessions have been ended.", count) % {"count": count})
    return redirect("accounts:sessions")
