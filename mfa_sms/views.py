"""Thin views: a form, one service call, a page or a redirect."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from accounts import flows
from accounts.decorators import fresh_factor_required, recent_authentication_required
from accounts.factors import enrolment_next_url
from accounts.http import safe_next_url
from accounts.locks import factor_is_locked
from accounts.step_up import step_up_reason
from accounts.steps import other_factors

from . import conf, selectors
from . import flows as sms_flows
from .delivery import sms_status_update
from .devices import phone_device_confirm, phone_device_enrolment_start, phone_device_remove, phone_device_rename
from .factor import SMS, sms_enrol_url
from .flows import SmsRefused, VerifyResult
from .forms import ChallengeForm, DeviceChoiceForm, PhoneAddForm, PhoneLabelForm
from .models import Challenge, PhoneDevice
from .phones import phone_format
from .signin import PROBLEMS

protected = [never_cache, csrf_protect]
Purpose = Challenge.Purpose

# Why the provider refused a number, in words the person can act on.
DELIVERY_PROBLEMS = {
    "21211": gettext_lazy("This number is not a valid mobile phone number according to the SMS provider."),
    "21614": gettext_lazy("This number cannot receive SMS."),
    "21610": gettext_lazy("This number has refused our SMS (it replied STOP). Send START to the sender to allow them."),
    "21408": gettext_lazy("SMS cannot be sent to this country."),
}


def _delivery_problem(challenge_id: int | None) -> str:
    if not challenge_id:
        return ""
    message = selectors.challenge_delivery_problem(challenge_id=challenge_id)
    if message is None:
        return ""
    reason = DELIVERY_PROBLEMS.get(message.error_code)
    return str(reason) if reason else _("The SMS could not be sent to this number. Please check the number.")


@method_decorator([sensitive_post_parameters("code"), *protected], name="dispatch")
class ChallengeView(View):
    """The challenge page of every purpose: the number, the code field, "Finaliser",
    "Annuler", and a resend. A subclass names its `purpose` and `title`, finds the device
    in `challenge_setup` (or answers itself there), and says what a right code leads to
    (`succeeded`) and where "Annuler" goes (`cancel_url`, `cancelled`)."""

    purpose = ""
    title = ""
    full_number = False  # the owner's own enrolment page shows the number in full
    template_name = "mfa_sms/challenge.html"

    def dispatch(self, request, *args, **kwargs):
        self.state = sms_flows.challenge_state(request, purpose=self.purpose)
        self.device: PhoneDevice | None = None
        self.error = ""  # why the challenge cannot go on at all (shown instead of the code field)
        answer = self.challenge_setup(request)
        return answer if answer is not None else super().dispatch(request, *args, **kwargs)

    def challenge_setup(self, request) -> HttpResponse | None:
        return None

    def cancel_url(self) -> str:
        return reverse("accounts:my_account")

    def cancelled(self, request) -> HttpResponse:
        sms_flows.challenge_state_clear(request)
        return redirect(self.cancel_url())

    def succeeded(self, request) -> HttpResponse:
        raise NotImplementedError

    def other_factors(self, request) -> list:
        """"Can't use your device?": what else the person could prove instead."""
        return []

    def get(self, request):
        return self.page(request)

    def post(self, request):
        if request.POST.get("action") == "cancel":
            return self.cancelled(request)
        return self.page(request)

    def page(self, request) -> HttpResponse:
        state, device, error = (self.state if self.device else None), self.device, self.error
        form = ChallengeForm(request.POST if request.method == "POST" and request.POST.get("action") == "verify" else None)
        status = 200
        resend_error = ""  # a refused resend: the code already sent stays, and so does its field
        if request.method == "POST" and state is not None and device is not None and not error:
            action = request.POST.get("action")
            if action == "resend":
                try:
                    sms_flows.challenge_issue(request=request, device=device, purpose=self.purpose,
                                              state={k: v for k, v in state.items() if k in {"next", "cancel"}})
                    messages.success(request, _("A new code has been sent. The previous one no longer works."))
                    return redirect(request.get_full_path())
                except SmsRefused as refused:
                    resend_error, status = str(refused.message), 429
            elif action == "verify" and form.is_valid():
                result = sms_flows.challenge_verify(request=request, purpose=self.purpose,
                                                    code=form.cleaned_data["code"])
                if result is VerifyResult.OK:
                    sms_flows.challenge_state_clear(request)
                    return self.succeeded(request)
                form.add_error("code", sms_flows.verify_error_message(result=result, device=device))
                status = 429 if result in {VerifyResult.THROTTLED, VerifyResult.LOCKED} else 400
            elif action == "verify":
                status = 400
            else:
                return HttpResponseBadRequest()
        state = sms_flows.challenge_state(request, purpose=self.purpose) or state
        refused = ""
        if (state or {}).get("refused") and device is not None:
            # The first send was refused (lock, abuse limit): say why, with today's wait.
            refused = sms_flows.sms_refusal_now(request=request, device=device)
            if refused and status == 200:
                status = 429
        resend_wait, _why = sms_flows.sms_resend_wait(request=request, device=device) if device else (0, "")
        context = {
            "form": form,
            "title": self.title,
            "purpose": self.purpose,
            "number": (phone_format(device.number) if self.full_number else device.masked_number) if device else "",
            "cancel_url": self.cancel_url(),
            "error": error or refused,
            "resend_error": resend_error,
            "delivery_problem": _delivery_problem((state or {}).get("challenge")),
            "can_verify": bool(state and state.get("challenge")) and not error,
            "can_resend": device is not None and not (error and not state) and not factor_is_locked(user=device.user, kind=SMS),
            "resend_wait": resend_wait,
            "resend_at": timezone.localtime(timezone.now() + timedelta(seconds=resend_wait)),
            "code_minutes": conf.get("MFA_SMS_CODE_VALIDITY_SECONDS") // 60,
            "other_factors": self.other_factors(request),
        }
        if error and status == 200:
            status = 400  # the sign-in cannot go on: say so with a 4xx
        return render(request, self.template_name, context, status=status)


# --- sign-in -----------------------------------------------------------------------------


class SignInChallengeView(ChallengeView):
    """After the password: the SMS code of "Mobile phone + SMS"."""

    purpose = Purpose.SIGNIN
    title = gettext_lazy("Challenge code sent by SMS to sign in")

    def challenge_setup(self, request):
        pending = flows.signin_pending(request)
        if pending is None or not pending.get("password_proved") or self.state is None:
            sms_flows.challenge_state_clear(request)
            messages.info(request, _("Your sign-in took too long. Please enter your email address again."))
            return redirect("accounts:login")
        problem = PROBLEMS.get(self.state.get("problem", ""))
        if not problem:
            user = get_user_model().objects.filter(pk=self.state["user"]).first()
            self.device = (selectors.phone_device_for_user(user=user, pk=self.state.get("device"), confirmed=True)
                           if user else None)
            problem = None if self.device else PROBLEMS["no_match"]
        self.error = str(problem) if problem else ""
        return None

    def cancel_url(self) -> str:
        return reverse("accounts:login")

    def cancelled(self, request):
        flows.signin_pending_clear(request)
        return super().cancelled(request)

    def succeeded(self, request):
        device = self.device
        return flows.signin_factor_proved(request, user=device.user, kind=SMS, device=device,
                                          phone=device.masked_number)

    def other_factors(self, request):
        user = flows.signin_pending_user(request)
        return other_factors(request, user, current=SMS) if user else []


# --- "Mon compte": numbers ---------------------------------------------------------------


def sensitive_change(view):
    return never_cache(csrf_protect(recent_authentication_required(fresh_factor_required(view))))


@never_cache
@login_required
def phones(request: HttpRequest) -> HttpResponse:
    """"Gérer mes numéros de téléphone portable": the owner sees their numbers in full."""
    devices = selectors.phone_devices_confirmed(user=request.user)
    rows = [{"device": d, "number": phone_format(d.number), "label_form": PhoneLabelForm(initial={"label": d.name},
             prefix=f"d{d.pk}")} for d in devices]
    return render(request, "mfa_sms/phones.html", {"rows": rows, "locked": factor_is_locked(user=request.user, kind=SMS),
                                                   "can_add": conf.get("MFA_SMS_ENROLMENT_ENABLED")})


@require_POST
@csrf_protect
@login_required
def phone_label(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.phone_device_for_user(user=request.user, pk=pk, confirmed=True)
    if device is None:
        raise Http404
    form = PhoneLabelForm(request.POST, prefix=f"d{pk}")
    if form.is_valid():
        phone_device_rename(device=device, label=form.cleaned_data["label"])
        messages.success(request, _("The label has been saved."))
    else:
        messages.error(request, _("The label is too long."))
    return redirect("mfa_sms:phones")


def _enrolment_urls(request: HttpRequest) -> dict:
    """Where a guided enrolment goes after "Finaliser" (`next`) and after "Annuler"
    (`cancel`): safe local URLs given by the page that sent the person here, else the
    numbers page."""
    query = request.POST if request.method == "POST" else request.GET
    return {
        "next": safe_next_url(request, query.get("next")) or "",
        "cancel": safe_next_url(request, query.get("cancel")) or "",
    }


@sensitive_change
def phone_add(request: HttpRequest) -> HttpResponse:
    form = PhoneAddForm(request.POST or None, user=request.user)
    urls = _enrolment_urls(request)
    context = {"form": form, "next": urls["next"], "cancel": urls["cancel"]}
    if not conf.get("MFA_SMS_ENROLMENT_ENABLED"):
        return render(request, "mfa_sms/phone_add.html", {**context, "closed": True}, status=403)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "mfa_sms/phone_add.html", context, status=400)
        device = phone_device_enrolment_start(
            user=request.user, number=form.cleaned_data["phone"], label=form.cleaned_data["label"]
        )
        try:
            sms_flows.challenge_issue(request=request, device=device, purpose=Purpose.ENROL, state=urls)
        except SmsRefused as refused:
            form.add_error(None, str(refused.message))
            return render(request, "mfa_sms/phone_add.html", context, status=429)
        return redirect("mfa_sms:phone_confirm")
    return render(request, "mfa_sms/phone_add.html", context)


@method_decorator(login_required, name="dispatch")
class PhoneConfirmView(ChallengeView):
    """The enrolment challenge: "Code challenge envoyé par SMS, pour l'ajout d'un numéro"."""

    purpose = Purpose.ENROL
    title = gettext_lazy("Challenge code sent by SMS, to add a mobile phone number")
    full_number = True

    def challenge_setup(self, request):
        state = self.state
        self.device = (selectors.phone_device_for_user(user=request.user, pk=state["device"], confirmed=False)
                       if state else None)
        if self.device is None:
            return redirect("mfa_sms:phones")
        self.next_url = safe_next_url(request, state.get("next")) or ""
        self.cancel_to = safe_next_url(request, state.get("cancel")) or reverse("mfa_sms:phones")
        return None

    def cancel_url(self) -> str:
        return self.cancel_to

    def cancelled(self, request):
        self.device.delete()
        return super().cancelled(request)

    def succeeded(self, request):
        if phone_device_confirm(request=request, device=self.device):
            # The confirmed enrolment code proves the phone: it counts as this session's
            # SMS factor, so a guided enrolment goes on to its service without a new code.
            sms_flows.session_sms_proved(request=request, device=self.device)
            messages.success(request, _("Your mobile phone number is now registered on your EU Login account."))
            return redirect(enrolment_next_url(request.user, self.next_url or reverse("mfa_sms:phones")))
        return redirect(self.next_url or "mfa_sms:phones")


phone_confirm = PhoneConfirmView.as_view()


@sensitive_change
def phone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.phone_device_for_user(user=request.user, pk=pk, confirmed=True)
    if device is None:
        raise Http404
    if request.method == "POST":
        phone_device_remove(request=request, device=device)
        messages.success(request, _("The mobile phone number has been removed."))
        return redirect("mfa_sms:phones")
    return render(request, "mfa_sms/phone_remove.html", {"device": device, "number": phone_format(device.number)})


# --- verification of an existing number (step-up) ----------------------------------------


@never_cache
@csrf_protect
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Prove one of your confirmed numbers now, then go on to `next` (a change of numbers,
    or a service that needs PASSWORD_SMS)."""
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or ""
    devices = selectors.phone_devices_confirmed(user=request.user)
    if not devices:
        # Nothing to prove yet: add a number first (which proves it), then go on.
        return redirect(sms_enrol_url(next_url) if next_url else reverse("mfa_sms:phones"))
    form = DeviceChoiceForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        try:
            sms_flows.challenge_issue(request=request, device=form.cleaned_data["device"], purpose=Purpose.VERIFY,
                                     state={"next": next_url})
            return redirect("mfa_sms:verify_challenge")
        except SmsRefused as refused:
            form.add_error(None, str(refused.message))
    return render(request, "mfa_sms/verify.html",
                  {"form": form, "next": next_url, "reason": step_up_reason(request, next_url=next_url)},
                  status=200 if request.method == "GET" else 400)


@method_decorator(login_required, name="dispatch")
class VerifyChallengeView(ChallengeView):
    """The code sent to an existing number (step-up, a change of numbers), then `next`."""

    purpose = Purpose.VERIFY
    title = gettext_lazy("Challenge code sent by SMS to confirm it is you")

    def challenge_setup(self, request):
        state = self.state
        self.device = (selectors.phone_device_for_user(user=request.user, pk=state["device"], confirmed=True)
                       if state else None)
        if self.device is None:
            return redirect("mfa_sms:verify")
        self.next_url = safe_next_url(request, state.get("next")) or ""
        return None

    def succeeded(self, request):
        sms_flows.session_sms_proved(request=request, device=self.device)
        return redirect(self.next_url or "accounts:my_account")

    def other_factors(self, request):
        return other_factors(request, request.user, current=SMS, next_url=self.next_url)


verify_challenge = VerifyChallengeView.as_view()


# --- Twilio delivery reports -------------------------------------------------------------


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio's status callback: verified by X-Twilio-Signature (403 otherwise); a repeated
    report changes nothing."""
    token = conf.get("TWILIO_AUTH_TOKEN")
    url = conf.get("TWILIO_STATUS_CALLBACK_URL") or request.build_absolute_uri()
    signature = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
    if not token or not signature or not RequestValidator(token).validate(url, request.POST.dict(), signature):
        return HttpResponseForbidden("invalid signature")
    sid = request.POST.get("MessageSid", "")[:64]
    status = request.POST.get("MessageStatus", "")[:20]
    if not sid:
        return HttpResponseBadRequest("MessageSid missing")
    sms_status_update(provider_id=sid, provider_status=status, error_code=request.POST.get("ErrorCode", ""))
    return HttpResponse(status=204)
