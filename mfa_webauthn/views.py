"""Thin views: each page starts a ceremony (its options go into the page), and its form
brings back the browser's answer for one service call."""

from urllib.parse import urlencode

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
from accounts.forms import form_with_error
from accounts.http import client_ip, safe_next_url
from accounts.steps import other_factors
from eulogin.ratelimit import window_hit

from . import conf, selectors, services
from .forms import CeremonyForm, KeyAddForm, KeyRenameForm
from .services import KIND, Purpose, Reason, Refused

protected = [never_cache, csrf_protect]

REASONS = {
    Reason.EXPIRED: gettext_lazy("This request has expired. Please try again."),
    Reason.INVALID: gettext_lazy("The answer of your security key could not be verified. Please try again."),
    Reason.UNKNOWN_KEY: gettext_lazy("This security key is not registered on your EU Login account."),
    Reason.DUPLICATE: gettext_lazy("This security key is already registered."),
    Reason.TOO_MANY: gettext_lazy("You have registered the maximum number of security keys. Please remove one first."),
    Reason.COUNTER: gettext_lazy("This security key was refused: its signature counter went backwards, which can mean "
                                 "that it was copied. An email has been sent to you."),
}
NO_KEY = gettext_lazy("Your account has no security key or trusted platform. Sign in with another method, then add "
                      "one in \"My account\".")


def _ceremony_page(request, template: str, *, options: dict, form, status: int = 200, **context) -> HttpResponse:
    return render(request, template, {"options": options, "form": form, **context}, status=status)


def _refused(form, refused: Refused) -> int:
    form.add_error(None, str(REASONS[refused.reason]))
    return 403 if refused.reason == Reason.COUNTER else 400


def _key_proved(request, form, *, purpose: Purpose, user=None):
    """(the key the form's answer proves, or None with the refusal put on the form; the
    status of a page that says why)."""
    if not form.is_valid():
        return None, 400
    try:
        device, _state = services.assertion_verify(request, purpose=purpose, user=user,
                                                   response=form.cleaned_data["credential"])
    except Refused as refused:
        return None, _refused(form, refused)
    return device, 200


def sensitive_change(view):
    """Binding or removing a key: a recent password and, once the account holds any second
    factor, one of them proved in this session within the last minutes (the registry's
    rule, NIST 800-63B)."""
    return never_cache(csrf_protect(recent_authentication_required(fresh_factor_required(view))))


# --- "Mon compte": keys --------------------------------------------------------------


@never_cache
@login_required
def keys(request: HttpRequest) -> HttpResponse:
    """"Gérer mes clés de sécurité et plateformes sécurisées"."""
    rows = [{"device": d, "rename_form": KeyRenameForm(initial={"name": d.name}, prefix=f"k{d.pk}")}
            for d in selectors.keys_of(request.user)]
    return render(request, "mfa_webauthn/keys.html", {"rows": rows})


def _enrolment_urls(request: HttpRequest) -> dict:
    query = request.POST if request.method == "POST" else request.GET
    return {"next": safe_next_url(request, query.get("next")) or "",
            "cancel": safe_next_url(request, query.get("cancel")) or ""}


@sensitive_post_parameters("credential")
@sensitive_change
def key_add(request: HttpRequest) -> HttpResponse:
    """Register a security key (type=key) or a trusted platform / passkey (type=passkey)."""
    query = request.POST if request.method == "POST" else request.GET
    passkey = query.get("type") == "passkey"
    urls = _enrolment_urls(request)
    form = KeyAddForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = services.key_register(request, user=request.user, response=form.cleaned_data["credential"],
                                               name=form.cleaned_data["name"])
            except Refused as refused:
                status = _refused(form, refused)
            else:
                # The new key answered this session's challenge: it counts as proved now,
                # so a guided enrolment goes on to its service.
                services.session_key_proved(request=request, device=device)
                messages.success(request, _("Your security key is now registered on your EU Login account."))
                return redirect(enrolment_next_url(request.user, urls["next"] or reverse("mfa_webauthn:keys")))
    options = services.registration_begin(request, user=request.user, passkey=passkey)
    switch_url = f"{reverse('mfa_webauthn:key_add')}?{urlencode({'type': 'key' if passkey else 'passkey', **urls})}"
    return _ceremony_page(request, "mfa_webauthn/key_add.html", options=options, form=form, status=status,
                          passkey=passkey, switch_url=switch_url, cancel_url=urls["cancel"] or reverse("mfa_webauthn:keys"),
                          hidden={"type": "passkey" if passkey else "key", **urls})


@require_POST
@csrf_protect
@login_required
def key_rename(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.key_of(user=request.user, pk=pk)
    if device is None:
        raise Http404
    form = KeyRenameForm(request.POST, prefix=f"k{pk}")
    if form.is_valid():
        services.key_rename(request=request, device=device, name=form.cleaned_data["name"])
        messages.success(request, _("The name has been saved."))
    else:
        messages.error(request, _("Please give a name of at most 64 characters."))
    return redirect("mfa_webauthn:keys")


@sensitive_change
def key_remove(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.key_of(user=request.user, pk=pk)
    if device is None:
        raise Http404
    if request.method == "POST":
        services.key_remove(request=request, device=device)
        messages.success(request, _("The security key has been removed."))
        return redirect("mfa_webauthn:keys")
    return render(request, "mfa_webauthn/key_remove.html", {"device": device})


# --- sign-in: password + key -------------------------------------------------------------


@method_decorator([sensitive_post_parameters("credential"), *protected], name="dispatch")
class SignInKeyView(View):
    """After the password: prove one of the account's keys."""

    template_name = "mfa_webauthn/signin.html"

    def dispatch(self, request, *args, **kwargs):
        self.user = flows.signin_pending_user(request)
        if self.user is None or (flows.signin_pending(request) or {}).get("method") != KIND:
            services.ceremony_clear(request)
            messages.info(request, _("Your sign-in took too long. Please enter your email address again."))
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._page(request, CeremonyForm())

    def post(self, request):
        if request.POST.get("action") == "cancel":
            services.ceremony_clear(request)
            flows.signin_pending_clear(request)
            return redirect("accounts:login")
        form = CeremonyForm(request.POST)
        device, status = _key_proved(request, form, purpose=Purpose.SIGNIN, user=self.user)
        if device is not None:
            return flows.signin_factor_proved(request, user=self.user, kind=KIND, device=device,
                                              **services.proof_detail(device))
        return self._page(request, form, status)

    def _page(self, request, form, status: int = 200):
        others = other_factors(request, self.user, current=KIND)
        if not selectors.has_key(self.user):
            return _ceremony_page(request, self.template_name, options=None, status=400, other_factors=others,
                                  form=form_with_error(CeremonyForm(), str(NO_KEY)))
        options = services.assertion_begin(request, purpose=Purpose.SIGNIN, user=self.user)
        return _ceremony_page(request, self.template_name, options=options, form=form, status=status,
                              other_factors=others)


# --- sign-in: a passkey alone ------------------------------------------------------------


@method_decorator([sensitive_post_parameters("credential"), *protected], name="dispatch")
class PasskeySignInView(View):
    """"Se connecter avec une clé d'accès": a discoverable credential that verified the
    person (PIN or biometrics) proves possession and knowledge at once; no password."""

    template_name = "mfa_webauthn/passkey.html"

    def get(self, request):
        next_url = safe_next_url(request, request.GET.get("next")) or ""
        return self._page(request, CeremonyForm(), next_url)

    def post(self, request):
        form = CeremonyForm(request.POST)
        state = services.assertion_state(request, purpose=Purpose.PASSKEY) or {}
        next_url = safe_next_url(request, state.get("next")) or ""
        attempts, window = conf.get("MFA_WEBAUTHN_PASSKEY_LIMIT_PER_IP")
        if window_hit(scope="webauthn:passkey", key=client_ip(request) or "", window=window) > attempts:
            form = form_with_error(CeremonyForm(), _("Too many attempts. Please try again later."))
            return self._page(request, form, next_url, 429)
        device, status = _key_proved(request, form, purpose=Purpose.PASSKEY)
        if device is not None:
            user = device.user
            if user.locked_at:
                form.add_error(None, _("This account is locked. Please contact the helpdesk."))
                return self._page(request, form, next_url, 403)
            # A sign-in of its own: no password was asked, none of an earlier attempt is
            # carried over.
            flows.signin_pending_start(request, email=user.email, next_url=next_url)
            return flows.signin_factor_proved(request, user=user, kind=services.PASSKEY_KIND, device=device,
                                              **services.proof_detail(device))
        return self._page(request, form, next_url, status)

    def _page(self, request, form, next_url: str, status: int = 200):
        options = services.assertion_begin(request, purpose=Purpose.PASSKEY, next=next_url)
        login_url = reverse("accounts:login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
        return _ceremony_page(request, self.template_name, options=options, form=form, status=status,
                              login_url=login_url)


# --- a fresh proof for a signed-in session (step-up) -------------------------------------


@sensitive_post_parameters("credential")
@never_cache
@csrf_protect
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Prove one of your keys now, then go on to `next` (a change of factors, or a service
    that needs a stronger sign-in)."""
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or ""
    if not selectors.has_key(request.user):
        return redirect(next_url or "mfa_webauthn:keys")
    form = CeremonyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        device, status = _key_proved(request, form, purpose=Purpose.VERIFY, user=request.user)
        if device is not None:
            services.session_key_proved(request=request, device=device)
            return redirect(next_url or "accounts:my_account")
    options = services.assertion_begin(request, purpose=Purpose.VERIFY, user=request.user)
    return _ceremony_page(request, "mfa_webauthn/verify.html", options=options, form=form, status=status,
                          hidden={"next": next_url},
                          other_factors=other_factors(request, request.user, current=KIND, next_url=next_url or
                                                      reverse("accounts:my_account")))
