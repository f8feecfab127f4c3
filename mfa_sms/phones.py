"""Phone numbers: parsing (phonenumbers), the refusals, E.164, masking."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberType

from . import conf

# Types that can receive an SMS. Fixed lines, premium rate, toll free, VoIP, shared cost,
# pagers… cannot, or are the ranges SMS pumping abuses.
SMS_CAPABLE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
INPUT_MAX_LENGTH = 32


def phone_parse(raw: str) -> str:
    """The E.164 form of `raw` (international format: "+33 6 12 34 56 78", "0033…";
    spaces, dots and dashes tolerated), or ValidationError with the reason."""
    raw = (raw or "").strip()
    if not raw or len(raw) > INPUT_MAX_LENGTH:
        raise ValidationError(_("Enter a mobile phone number in international format, e.g. +32 470 12 34 56."), code="invalid")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not raw.startswith("+"):
        raise ValidationError(
            _("Enter the number in international format with the country code, e.g. +32 470 12 34 56."),
            code="no_country_code",
        )
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a valid phone number."), code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid phone number."), code="invalid")
    if phonenumbers.number_type(number) not in SMS_CAPABLE_TYPES:
        raise ValidationError(
            _("This number cannot receive SMS (it is not a mobile phone number)."), code="not_mobile"
        )
    region = phonenumbers.region_code_for_number(number)
    if region not in set(conf.get("MFA_SMS_ALLOWED_REGIONS")):
        raise ValidationError(_("SMS cannot be sent to numbers of this country."), code="region")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_format(e164: str) -> str:
    """The international, readable form: "+33 6 12 34 56 78"."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def phone_mask(e164: str) -> str:
    """The number with all but the first national digit and the last two hidden, keeping
    the international grouping: "+33612345678" → "+33 6•• •• •• 78"."""
    readable = phone_format(e164)
    prefix, _sep, national = readable.partition(" ")
    if not national:
        return "•" * max(len(e164) - 2, 0) + e164[-2:]
    groups = national.split(" ")
    if len(groups) > 1 and len(groups[0]) == 1:
        # A one-digit leading group (France's "6") joins the next: "6•• •• •• 78".
        groups[:2] = [groups[0] + groups[1]]
    national = " ".join(groups)
    digits = [i for i, ch in enumerate(national) if ch.isdigit()]
    keep = set(digits[:1]) | set(digits[-2:])
    masked = "".join(ch if (not ch.isdigit() or i in keep) else "•" for i, ch in enumerate(national))
    return f"{prefix} {masked}"
