"""Self-service of second factors: list every enrolled factor of every kind, rename, and
remove (with the fresh proof the pages ask for); add a mobile phone number and confirm it
with the challenge code; prove a number now (the fresh second factor)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.response import Response

from accounts.audit import audit_event_record
from accounts.decorators import has_fresh_factor
from accounts.factors import factor_get, second_factors
from accounts.models import AuditEvent
from accounts.rebind import rebind_proof_url
from mfa_sms import devices as sms_devices
from mfa_sms import flows as sms_flows
from mfa_sms import selectors as sms_selectors
from mfa_sms.factor import SMS
from mfa_sms.flows import VerifyResult
from mfa_sms.forms import ChallengeForm, PhoneAddForm
from mfa_sms.models import Challenge, PhoneDevice
from mfa_sms.phones import phone_format

from .forms import form_cleaned
from .me import PersonView, recent_password_required

Purpose = Challenge.Purpose


def fresh_second_factor_required(request) -> None:
    """The rule of the pages (accounts.decorators.fresh_factor_required): with a second
    factor of any kind enrolled, one of them proved in this session recently."""
    if not has_fresh_factor(request):
        raise PermissionDenied(_("Prove one of your second factors first (for SMS: POST /api/v1/me/verification/sms/)."),
                               code="second_factor_required")


def rebind_proof_required(request) -> None:
    """The core rule (accounts.rebind): an account that had a second factor and has none
    left binds a new one only once its email confirms it."""
    url = rebind_proof_url(request, "/account/my-account/")
    if url:
        raise PermissionDenied(_("Confirm this change from your email first: open %(url)s in the browser.")
                               % {"url": url}, code="email_confirmation_required")


def sensitive_change_allowed(request) -> None:
    recent_password_required(request)
    fresh_second_factor_required(request)


# --- factors: every enrolled device of every kind, through the registry ------------------


class FactorSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="The factor kind: SMS, …")
    label = serializers.CharField(help_text="The kind's name, e.g. Mobile phone + SMS.")
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True, help_text="The person's own name for it.")
    description = serializers.CharField(help_text="What it is, e.g. the masked phone number.")
    created_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)


class FactorRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, allow_blank=True)


def _enrolled(user):
    """(factor, device) for every confirmed device of every second factor of `user`."""
    for factor in second_factors():
        for device in factor.devices(user):
            if getattr(device, "confirmed", True):
                yield factor, device


def _row(factor, device) -> dict:
    return {"kind": factor.kind, "label": str(factor.label), "id": device.pk, "name": getattr(device, "name", ""),
            "description": str(device), "created_at": getattr(device, "created_at", None),
            "last_used_at": getattr(device, "last_used_at", None)}


def factor_device(user, kind: str, factor_id: int):
    """One of `user`'s own enrolled devices, or 404 (someone else's is like one that never was)."""
    found = next(((f, d) for f, d in _enrolled(user) if f.kind == kind and d.pk == factor_id), None)
    if found is None:
        raise NotFound
    return found


class FactorsView(PersonView):
    @extend_schema(summary="List every second factor of mine, of every kind", responses={200: FactorSerializer(many=True)})
    def get(self, request):
        return Response(FactorSerializer([_row(f, d) for f, d in _enrolled(request.user)], many=True).data)


class FactorView(PersonView):
    @extend_schema(summary="Rename one of my second factors", request=FactorRenameSerializer,
                   responses={200: FactorSerializer})
    def patch(self, request, kind: str, factor_id: int):
        factor, device = factor_device(request.user, kind, factor_id)
        data = FactorRenameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        name = data.validated_data["name"]
        if factor.rename is not None:
            factor.rename(request, device, name)
        else:
            device.name = name
            device.save(update_fields=["name"])
        return Response(FactorSerializer(_row(*factor_device(request.user, kind, factor_id))).data)

    @extend_schema(summary="Remove one of my second factors (recent password and a fresh second factor needed)",
                   responses={204: None})
    def delete(self, request, kind: str, factor_id: int):
        factor, device = factor_device(request.user, kind, factor_id)
        sensitive_change_allowed(request)
        if factor.remove is not None:
            factor.remove(request, device)
        else:
            device.delete()
            audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, request=request, user=request.user,
                               factor=factor.kind)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- phones ------------------------------------------------------------------------------


class PhoneAddSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=64, help_text="International format, e.g. +32 470 12 34 56.")
    label = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class PendingPhoneSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="The number the code was sent to.")
    code_minutes = serializers.IntegerField(help_text="How long the code is valid.")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text="The challenge code received by SMS.")


def _send(request, device, purpose, state=None) -> None:
    try:
        sms_flows.challenge_issue(request=request, device=device, purpose=purpose, state=state or {})
    except sms_flows.SmsRefused as refused:
        raise Throttled(detail=str(refused.message)) from None


def _pending(device) -> dict:
    from mfa_sms import conf as sms_conf

    return {"number": phone_format(device.number), "code_minutes": sms_conf.get("MFA_SMS_CODE_VALIDITY_SECONDS") // 60}


def _verify(request, purpose: str, device) -> None:
    data = CodeSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    code = form_cleaned(ChallengeForm({"code": data.validated_data["code"]}))["code"]
    result = sms_flows.challenge_verify(request=request, purpose=purpose, code=code)
    if result is VerifyResult.OK:
        return
    message = sms_flows.verify_error_message(result=result, device=device)
    if result in (VerifyResult.THROTTLED, VerifyResult.LOCKED):
        throttled = Throttled(detail=message)  # the message says the wait already: DRF's sentence would repeat it
        if result is VerifyResult.THROTTLED:
            throttled.wait = sms_flows.verify_wait(device=device)
        raise throttled
    raise ValidationError({"code": [message]}, code=result.value)


class PhonesView(PersonView):
    @extend_schema(summary="Add a mobile phone number: a challenge code is sent to it (recent password and a "
                           "fresh second factor needed)", request=PhoneAddSerializer,
                   responses={202: PendingPhoneSerializer})
    def post(self, request):
        sensitive_change_allowed(request)
        rebind_proof_required(request)
        data = PhoneAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cleaned = form_cleaned(PhoneAddForm(data.validated_data, user=request.user))
        device = sms_devices.phone_device_enrolment_start(user=request.user, number=cleaned["phone"],
                                                           label=cleaned["label"])
        _send(request, device, Purpose.ENROL)
        return Response(_pending(device), status=status.HTTP_202_ACCEPTED)


def _enrolment_device(request):
    state = sms_flows.challenge_state(request, purpose=Purpose.ENROL)
    device = sms_selectors.phone_device_for_user(user=request.user, pk=state["device"], confirmed=False) \
        if state else None
    if device is None:
        raise NotFound(_("No number is waiting for its code: add one first."))
    return device


class PhoneConfirmView(PersonView):
    @extend_schema(summary="Confirm the number being added with its challenge code", request=CodeSerializer,
                   responses={201: FactorSerializer})
    def post(self, request):
        device = _enrolment_device(request)
        _verify(request, Purpose.ENROL, device)
        sms_flows.challenge_state_clear(request)
        if sms_devices.phone_device_confirm(request=request, device=device):
            sms_flows.session_sms_proved(request=request, device=device)
        device = PhoneDevice.objects.filter(user=request.user, number=device.number, confirmed=True).first()
        if device is None:
            raise NotFound
        return Response(FactorSerializer(_row(factor_get(SMS), device)).data, status=status.HTTP_201_CREATED)


class PhoneResendView(PersonView):
    @extend_schema(summary="Send a new code to the number being added (the previous one stops working)",
                   request=None, responses={202: PendingPhoneSerializer})
    def post(self, request):
        device = _enrolment_device(request)
        _send(request, device, Purpose.ENROL)
        return Response(_pending(device), status=status.HTTP_202_ACCEPTED)


class SmsVerificationSerializer(serializers.Serializer):
    factor = serializers.IntegerField(help_text="The id of one of my SMS factors.")


class SmsVerificationView(PersonView):
    """Prove a number now: the fresh second factor that changing factors asks for."""

    @extend_schema(summary="Send a code to one of my numbers, to prove it now", request=SmsVerificationSerializer,
                   responses={202: PendingPhoneSerializer})
    def post(self, request):
        data = SmsVerificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device = sms_selectors.phone_device_for_user(user=request.user, pk=data.validated_data["factor"],
                                                     confirmed=True)
        if device is None:
            raise ValidationError({"factor": [_("This is not one of your mobile phone numbers.")]}, code="unknown")
        _send(request, device, Purpose.VERIFY)
        return Response(_pending(device), status=status.HTTP_202_ACCEPTED)


class SmsVerificationConfirmView(PersonView):
    @extend_schema(summary="Enter the code: this session now holds a fresh SMS factor", request=CodeSerializer,
                   responses={204: None})
    def post(self, request):
        state = sms_flows.challenge_state(request, purpose=Purpose.VERIFY)
        device = sms_selectors.phone_device_for_user(user=request.user, pk=state["device"], confirmed=True) \
            if state else None
        if device is None:
            raise NotFound(_("No code is waiting: ask for one first."))
        _verify(request, Purpose.VERIFY, device)
        sms_flows.challenge_state_clear(request)
        sms_flows.session_sms_proved(request=request, device=device)
        return Response(status=status.HTTP_204_NO_CONTENT)

