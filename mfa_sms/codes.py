"""Challenge codes: 8 characters without look-alikes, shown XXXX-XXXX, kept only hashed."""

from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac

# 32 capitals and digits without the look-alikes 0/O and 1/I: 8 of them carry 40 bits.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# What stands for the code in the text kept in the SMS log (SmsMessage.redacted_body).
CODE_BLANKED = "••••-••••"
_HMAC_SALT = "mfa_sms.codes.challenge"


def code_generate() -> str:
    """A new code from the operating system's CSPRNG, without the dash."""
    return get_random_string(CODE_LENGTH, allowed_chars=ALPHABET)


def code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def code_normalise(typed: str) -> str:
    """What the person typed, as stored: no spaces or dashes, upper case."""
    return "".join(ch for ch in (typed or "")[:64] if ch not in " -\t").upper()


def code_hmac(code: str, *, salt: str) -> str:
    """HMAC-SHA256 (keyed by SECRET_KEY) of the code and a per-challenge salt: a database
    dump alone gives nothing to brute-force offline."""
    return salted_hmac(_HMAC_SALT, f"{salt}:{code}", algorithm="sha256").hexdigest()


def code_matches(typed: str, *, salt: str, expected_hmac: str) -> bool:
    return constant_time_compare(code_hmac(code_normalise(typed), salt=salt), expected_hmac)
