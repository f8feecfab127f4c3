"""Thin views: a form, one service call, a page or a redirect."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accounts import flows
from accounts.decorators import fresh_factor_required, recent_authentication_required
from accounts.factors import factors_enrolled
from accounts.http import safe_next_url

from . import conf, selectors, services
from .forms import RecoveryCodeForm
from .services import VerifyResult

protected = [never_cache, csrf_protect]



def _error(result: VerifyResult) -> str:
    return _("The recovery code is incorrect or has already been used.") if result is VerifyResult.WRONG else _(
        "Too many wrong codes in a row. Please wait a few seconds and try again.")


def _has_other_factor(user) -> bool:
    """Recovery codes stand in for another factor: without one they have nothing to back."""
    return bool(factors_enrolled(user, backups=False))


@never_cache
@login_required
def codes(request: HttpRequest) -> HttpResponse:
    """"Codes de récupération": how many are left, and a new set."""
    device = selectors.recovery_code_set_for_user(user=request.user)
    remaining = selectors.recovery_codes_remaining(user=request.user)
    return render(request, "mfa_recovery/codes.html", {
        "device": device, "remaining": remaining, "low": device is not None and remaining <= conf.get("MFA_RECOVERY_WARN_AT"),
        "has_other_factor": bool(_has_other_factor(request.user)),
    })


@never_cache
@csrf_protect
@recent_authentication_required
@fresh_factor_required
def generate(request: HttpRequest) -> HttpResponse:
    """POST: a new set (the old codes die). A GET (back from a password or factor check)
    leads to the codes page, whose button asks again."""
    if request.method != "POST":
        return redirect("mfa_recovery:codes")
    if not _has_other_factor(request.user):
        messages.error(request, _("Add a second factor first: recovery codes stand in for it when it is lost."))
        return redirect("mfa_recovery:codes")
    next_url = safe_next_url(request, request.POST.get("next")) or ""
    services.recovery_codes_generate(request=request, user=request.user)
    show = reverse("mfa_recovery:show")
    return redirect(f"{show}?{urlencode({'next': next_url})}" if next_url else show)


@never_cache
@csrf_protect
@recent_authentication_required
@fresh_factor_required
def remove(request: HttpRequest) -> HttpResponse:
    """POST: the set goes, and none of its codes signs in any more (audited, the person is
    told by email). A GET (back from a password or factor check) leads to the codes page."""
    if request.method == "POST" and selectors.recovery_code_set_for_user(user=request.user) is not None:
        services.recovery_codes_remove(request=request, user=request.user)
        messages.success(request, _("Your recovery codes were removed: none of them signs you in any more."))
    return redirect("mfa_recovery:codes")


@never_cache
@login_required
def show(request: HttpRequest) -> HttpResponse:
    """The new codes, once, with a text file to download. A reload shows them no more."""
    next_url = safe_next_url(request, request.GET.get("next")) or ""
    shown = services.recovery_codes_to_show(request)
    if not shown:
        return redirect(next_url or "mfa_recovery:codes")
    text = "\n".join([_("EU Login recovery codes for %(email)s") % {"email": request.user.email},
                      _("Each code works once."), "", *shown, ""])
    return render(request, "mfa_recovery/show.html", {
        "codes": shown, "next": next_url, "download": "data:text/plain;charset=utf-8," + quote(text),
    })


@never_cache
@login_required
def offer(request: HttpRequest) -> HttpResponse:
    """Right after a first second factor: offer a set of codes, or go on."""
    next_url = safe_next_url(request, request.GET.get("next")) or ""
    if selectors.recovery_code_set_for_user(user=request.user) or not _has_other_factor(request.user):
        return redirect(next_url or "accounts:my_account")
    return render(request, "mfa_recovery/offer.html", {"next": next_url})


def _code_page(request, *, title: str, form, purpose: str, status: int = 200, error: str = "", next_url: str = ""):
    return render(request, "mfa_recovery/code.html", {
        "title": title, "form": form, "purpose": purpose, "error": error, "next": next_url,
    }, status=status)


@method_decorator([sensitive_post_parameters("code"), *protected], name="dispatch")
class SignInCodeView(View):
    """"Vous n'avez pas accès à votre appareil ?": after the password, a recovery code
    completes the sign-in as its second factor."""

    def dispatch(self, request, *args, **kwargs):
        self.user = flows.signin_pending_user(request)
        if self.user is None:
            messages.info(request, _("Your sign-in took too long. Please enter your email address again."))
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request, form, status=200):
        return _code_page(request, title=_("Sign in with a recovery code"), form=form, purpose="signin", status=status)

    def get(self, request):
        return self._page(request, RecoveryCodeForm())

    def post(self, request):
        if request.POST.get("action") == "cancel":
            flows.signin_pending_clear(request)
            return redirect("accounts:login")
        form = RecoveryCodeForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        result, device = services.recovery_code_verify(request=request, user=self.user, code=form.cleaned_data["code"],
                                                       purpose="signin")
        if result is not VerifyResult.OK:
            form.add_error("code", _error(result))
            return self._page(request, form, status=400 if result is VerifyResult.WRONG else 429)
        left = selectors.recovery_codes_remaining(user=self.user)
        response = flows.signin_factor_proved(request, user=self.user, kind=services.KIND, device=device)
        messages.warning(request, _("You signed in with a recovery code. Codes left: %(left)d. If your device is lost, "
                                    "remove it and add a new one in “My account”.") % {"left": left})
        return response


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Prove a recovery code now (step-up), then go on to `next`."""
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or ""
    if not selectors.recovery_codes_remaining(user=request.user):
        return redirect(next_url or "mfa_recovery:codes")
    form = RecoveryCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result, device = services.recovery_code_verify(request=request, user=request.user,
                                                           code=form.cleaned_data["code"], purpose="verify")
            if result is VerifyResult.OK:
                services.session_recovery_proved(request=request, device=device)
                return redirect(next_url or "accounts:my_account")
            form.add_error("code", _error(result))
            status = 400 if result is VerifyResult.WRONG else 429
    return _code_page(request, title=_("Confirm it is you with a recovery code"), form=form, purpose="verify",
                      status=status, next_url=next_url)
