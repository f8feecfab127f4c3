import pytest
from django.core.exceptions import ValidationError

from mfa_sms.phones import phone_format, phone_mask, phone_parse


@pytest.mark.parametrize("typed", ["+33 6 12 34 56 78", "+33612345678", "0033 6 12 34 56 78", "+33.6.12.34.56.78",
                                   "+33-6-12-34-56-78"])
def test_international_formats_are_stored_e164(typed):
    assert phone_parse(typed) == "+33612345678"


@pytest.mark.parametrize("typed, code", [
    ("", "invalid"),
    ("06 12 34 56 78", "no_country_code"),
    ("+33 6 12", "invalid"),
    ("+33 1 23 45 67 89", "not_mobile"),  # fixed line
    ("+33 8 00 12 34 56", "not_mobile"),  # toll free
    ("+33 8 99 12 34 56", "not_mobile"),  # premium rate
    ("+1 202 555 0123", "region"),
    ("+32 470 12 34 56 ext 5" * 3, "invalid"),
])
def test_unusable_numbers_are_refused_with_their_reason(typed, code):
    with pytest.raises(ValidationError) as refused:
        phone_parse(typed)
    assert refused.value.code == code


def test_the_region_allow_list_is_a_setting(settings):
    settings.MFA_SMS_ALLOWED_REGIONS = ["BE"]
    assert phone_parse("+32 470 12 34 56") == "+32470123456"
    with pytest.raises(ValidationError):
        phone_parse("+33 6 12 34 56 78")


def test_numbers_are_masked_keeping_the_first_and_last_two_digits():
    assert phone_mask("+33612345678") == "+33 6•• •• •• 78"
    assert phone_mask("+32470000001") == "+32 4•• •• •• 01"
    assert phone_format("+33612345678") == "+33 6 12 34 56 78"
