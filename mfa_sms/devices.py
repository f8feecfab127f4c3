"""The account's mobile phone numbers: enrolment, confirmation, removal, labels."""


from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.audit import audit_event_record
from accounts.models import AuditEvent

from .models import PhoneDevice, PhoneHistory
from .notices import account_notice_send


def phone_device_enrolment_start(*, user, number: str, label: str = "") -> PhoneDevice:
    """An unconfirmed device for `number` (E.164), reusing one left over by an earlier,
    unfinished attempt."""
    device = PhoneDevice.objects.filter(user=user, number=number, confirmed=False).first()
    if device is None:
        device = PhoneDevice.objects.create(user=user, number=number, name=label[:64], confirmed=False)
    elif label and device.name != label:
        device.name = label[:64]
        device.save(update_fields=["name"])
    return device


def phone_device_confirm(*, request: HttpRequest, device: PhoneDevice) -> bool:
    """Mark a verified number confirmed; False if the account already had it confirmed
    (a double submission), in which case the spare row is dropped."""
    try:
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    except IntegrityError:
        device.delete()
        return False
    PhoneHistory.objects.get_or_create(user=device.user)
    audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, request=request, user=device.user, phone=device.masked_number)
    account_notice_send(user=device.user, template="mfa_sms/phone_added", context={"phone": device.masked_number})
    return True


def phone_device_remove(*, request: HttpRequest, device: PhoneDevice) -> None:
    masked, user, confirmed = device.masked_number, device.user, device.confirmed
    device.delete()
    if confirmed:
        audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, request=request, user=user, phone=masked)
        account_notice_send(user=user, template="mfa_sms/phone_removed", context={"phone": masked})


def phone_device_rename(*, device: PhoneDevice, label: str) -> None:
    device.name = label[:64]
    device.save(update_fields=["name"])
