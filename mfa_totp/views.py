"""Thin views: a form, one service call, a page or a redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import flows
from accounts.decorators import fresh_factor_required, recent_authentication_required
from accounts.factors import enrolment_next_url
from accounts.http import safe_next_url
from accounts.locks import factor_is_locked
from accounts.steps import other_factors

from . import conf, provisioning, selectors, services
from .forms import AppNameForm, CodeForm
from .services import VerifyResult
from .signin import SIGNIN_SESSION_KEY

protected = [never_cache, csrf_protect]

_VERIFY_ERRORS = {
    VerifyResult.WRONG: gettext_lazy("The code is incorrect or has already been used. Please enter the code your app "
                                     "shows now."),
    VerifyResult.THROTTLED: gettext_lazy("Too many wrong codes in a row. Please wait a few seconds and try again."),
    VerifyResult.LOCKED: services.REFUSED_LOCKED,
}
_STATUS = {VerifyResult.WRONG: 400, VerifyResult.THROTTLED: 429, VerifyResult.LOCKED: 429}


def _code_page(request, *, title: str, form, purpose: str, cancel_url: str, others: list, status: int = 200,
               error: str = "", next_url: str = "") -> HttpResponse:
    return render(request, "mfa_totp/code.html", {
        "title": title, "form": form, "purpose": purpose, "cancel_url": cancel_url, "error": error,
        "other_factors": others, "next": next_url,
    }, status=status)


# --- sign-in -----------------------------------------------------------------------------


@method_decorator([sensitive_post_parameters("code"), *protected], name="dispatch")
class SignInCodeView(View):
    """After the password: a code of "Authenticator app"."""

    def dispatch(self, request, *args, **kwargs):
        self.user = flows.signin_pending_user(request)
        state = request.session.get(SIGNIN_SESSION_KEY) or {}
        if self.user is None or state.get("user") != self.user.pk:
            request.session.pop(SIGNIN_SESSION_KEY, None)
            messages.info(request, _("Your sign-in took too long. Please enter your email address again."))
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request, form, status=200, error=""):
        if not selectors.totp_devices_confirmed(user=self.user):
            error = _("Your account has no authenticator app. Sign in with your password, then add one in "
                      "\"My account\".")
            status = 400
        elif factor_is_locked(user=self.user, kind=services.KIND):
            error, status = str(services.REFUSED_LOCKED), 429
        return _code_page(request, title=_("Sign in with your authenticator app"), form=form, purpose="signin",
                          cancel_url=reverse("accounts:login"), status=status, error=error,
                          others=other_factors(request, self.user, current=services.KIND))

    def get(self, request):
        return self._page(request, CodeForm())

    def post(self, request):
        if request.POST.get("action") == "cancel":
            request.session.pop(SIGNIN_SESSION_KEY, None)
            flows.signin_pending_clear(request)
            return redirect("accounts:login")
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        result, device = services.totp_verify(request=request, user=self.user, code=form.cleaned_data["code"],
                                              purpose="signin")
        if result is not VerifyResult.OK:
            form.add_error("code", str(_VERIFY_ERRORS[result]))
            return self._page(request, form, status=_STATUS[result])
        request.session.pop(SIGNIN_SESSION_KEY, None)
        return flows.signin_factor_proved(request, user=self.user, kind=services.KIND, device=device, app=device.name)


# --- step-up: prove an app now -----------------------------------------------------------


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Prove one of your apps now, then go on to `next` (a sensitive change, or a service
    that needs PASSWORD_SOFTWARE_TOKEN)."""
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or ""
    if not selectors.totp_devices_confirmed(user=request.user):
        return redirect(next_url or "mfa_totp:devices")
    form = CodeForm(request.POST or None)
    status, error = 200, ""
    if factor_is_locked(user=request.user, kind=services.KIND):
        status, error = 429, str(services.REFUSED_LOCKED)
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            result, device = services.totp_verify(request=request, user=request.user,
                                                  code=form.cleaned_data["code"], purpose="verify")
            if result is VerifyResult.OK:
                services.session_totp_proved(request=request, device=device)
                return redirect(next_url or "accounts:my_account")
            form.add_error("code", str(_VERIFY_ERRORS[result]))
            status = _STATUS[result]
    return _code_page(request, title=_("Confirm it is you with your authenticator app"), form=form,
                      purpose="verify", cancel_url=reverse("accounts:my_account"), status=status, error=error,
                      next_url=next_url,
                      others=other_factors(request, request.user, current=services.KIND, next_url=next_url))


# --- "Gérer mes appareils mobiles" -------------------------------------------------------


def sensitive_change(view):
    return never_cache(csrf_protect(recent_authentication_required(fresh_factor_required(view))))


@never_cache
@login_required
def devices(request: HttpRequest) -> HttpResponse:
    rows = [{"device": d, "form": AppNameForm(initial={"name": d.name}, prefix=f"d{d.pk}")}
            for d in selectors.totp_devices_confirmed(user=request.user)]
    return render(request, "mfa_totp/devices.html", {
        "rows": rows, "locked": factor_is_locked(user=request.user, kind=services.KIND),
        "can_add": len(rows) < conf.get("MFA_TOTP_DEVICES_MAX"),
    })


@require_POST
@csrf_protect
@login_required
def device_rename(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.totp_device_for_user(user=request.user, pk=pk)
    if device is None:
        raise Http404
    form = AppNameForm(request.POST, prefix=f"d{pk}")
    if form.is_valid():
        services.totp_device_rename(device=device, name=form.cleaned_data["name"])
        messages.success(request, _("The name has been saved."))
    else:
        messages.error(request, _("Please give the app a name of at most 64 characters."))
    return redirect("mfa_totp:devices")


def _enrolment_urls(request: HttpRequest) -> dict:
    """Where a guided enrolment goes after the app is confirmed (`next`) and after "Annuler"
    (`cancel`): safe local URLs, else the apps page."""
    query = request.POST if request.method == "POST" else request.GET
    return {
        "next_url": safe_next_url(request, query.get("next")) or "",
        "cancel_url": safe_next_url(request, query.get("cancel")) or "",
    }


@sensitive_change
def device_add(request: HttpRequest) -> HttpResponse:
    urls = _enrolment_urls(request)
    count = len(selectors.totp_devices_confirmed(user=request.user))
    form = AppNameForm(request.POST or None, initial={"name": _("Authenticator app") + (f" {count + 1}" if count else "")})
    context = {"form": form, "next": urls["next_url"], "cancel": urls["cancel_url"]}
    if count >= conf.get("MFA_TOTP_DEVICES_MAX"):
        messages.error(request, _("Your account has as many authenticator apps as it may have. Remove one first."))
        return redirect("mfa_totp:devices")
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "mfa_totp/device_add.html", context, status=400)
        services.totp_enrolment_start(request=request, user=request.user, name=form.cleaned_data["name"], **urls)
        return redirect("mfa_totp:device_confirm")
    return render(request, "mfa_totp/device_add.html", context)


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
@login_required
def device_confirm(request: HttpRequest) -> HttpResponse:
    """The QR code and the secret, then the first code from the app."""
    state = services.totp_enrolment_state(request)
    device = selectors.totp_device_for_user(user=request.user, pk=state["device"], confirmed=False) if state else None
    if device is None:
        return redirect("mfa_totp:devices")
    next_url = safe_next_url(request, state.get("next")) or ""
    cancel_url = safe_next_url(request, state.get("cancel")) or reverse("mfa_totp:devices")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            services.totp_enrolment_cancel(request=request)
            return redirect(cancel_url)
        status = 400
        if form.is_valid():
            result = services.totp_enrolment_confirm(request=request, device=device, code=form.cleaned_data["code"])
            if result is VerifyResult.OK:
                messages.success(request, _("Your authenticator app is now registered on your EU Login account."))
                return redirect(enrolment_next_url(request.user, next_url or reverse("mfa_totp:devices")))
            form.add_error("code", str(_VERIFY_ERRORS[result]))
            status = _STATUS[result]
    return render(request, "mfa_totp/device_confirm.html", {
        "device": device, "form": form, "cancel_url": cancel_url,
        "qr_code": provisioning.qr_code_data_uri(device), "secret": provisioning.secret_grouped(device),
        "digits": device.digits, "step": device.step,
    }, status=status)


@sensitive_change
def device_remove(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.totp_device_for_user(user=request.user, pk=pk)
    if device is None:
        raise Http404
    if request.method == "POST":
        services.totp_device_remove(request=request, device=device)
        messages.success(request, _("The authenticator app has been removed."))
        return redirect("mfa_totp:devices")
    return render(request, "mfa_totp/device_remove.html", {"device": device})
