"""The SMS factor as the core's registry knows it (registered in MfaSmsConfig.ready())."""


from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.factors import Factor
from accounts.http import url_with_query
from accounts.tiles import Tile

SMS = "SMS"


def _has_device(user) -> bool:
    from .models import PhoneDevice

    return PhoneDevice.objects.filter(user=user, confirmed=True).exists()


def _is_locked(user) -> bool:
    from accounts.locks import factor_is_locked

    return factor_is_locked(user=user, kind=SMS)


def _devices(user):
    from .models import PhoneDevice

    return PhoneDevice.objects.filter(user=user)


def _rename(request, device, name: str) -> None:
    from .devices import phone_device_rename

    phone_device_rename(device=device, label=name)


def _remove(request, device) -> None:
    from .devices import phone_device_remove

    phone_device_remove(request=request, device=device)


def sms_enrol_url(next_url: str, cancel_url: str = "") -> str:
    """Add a number (guided enrolment), then go on to `next_url`; "Annuler" goes to
    `cancel_url`."""
    return url_with_query(reverse("mfa_sms:phone_add"), next=next_url, cancel=cancel_url)


def _guided_enrol_url(next_url: str, cancel_url: str = "") -> str:
    """The guided enrolment's link, or "" once new numbers are stopped (SMS phase-out)."""
    from . import conf

    return sms_enrol_url(next_url, cancel_url) if conf.get("MFA_SMS_ENROLMENT_ENABLED") else ""


def sms_step_up_url(next_url: str) -> str:
    """Where to send a signed-in person who must prove SMS (choose a number, enter the
    code) before going on to `next_url`; the session then holds a fresh SMS factor and
    strength PASSWORD_SMS."""
    return url_with_query(reverse("mfa_sms:verify"), next=next_url)


def _had_device(user) -> bool:
    """Numbers confirmed before the audit trail recorded enrolments count too."""
    from .selectors import phone_history_exists

    return phone_history_exists(user=user)


def _eulogin_factors(proved: dict, *, user, user_details: bool = True) -> list[tuple[str, str]]:
    # The masked number, and only to a response that carries the person's details.
    return [("mobilePhoneNumber", proved["phone"])] if proved.get("phone") and user_details else []


def sms_factor() -> Factor:
    from .forms import SignInPhoneForm
    from .signin import sms_signin_start

    return Factor(
        kind=SMS,
        strength="PASSWORD_SMS",
        label=_("Mobile phone + SMS"),
        description=_("Send an SMS to a registered mobile phone number for multi-factor authentication."),
        notice=_("SMS is the least safe second factor: prefer another one when you can."),
        order=90,
        form_class=SignInPhoneForm,
        start=sms_signin_start,
        has_device=_has_device,
        is_locked=_is_locked,
        devices=_devices,
        rename=_rename,
        remove=_remove,
        had_device=_had_device,
        enrol_url=_guided_enrol_url,
        step_up_url=sms_step_up_url,
        enrol_label=_("Add a mobile phone number"),
        enrol_template="mfa_sms/enrol_steps.html",
        enrol_html_id="add-phone",
        tile=Tile("phones", _("Manage my mobile phone numbers"),
                  _("Add or remove the mobile phones that receive your SMS codes."), "mfa_sms:phones", order=60),
        eulogin_factors=_eulogin_factors,
    )
