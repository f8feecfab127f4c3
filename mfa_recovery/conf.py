"""Settings of the recovery codes, read at call time. Every limit says its number and why."""

from django.conf import settings

DEFAULTS = {
    # EU Login has no name for recovery codes. A password plus a one-time code the person
    # holds is what PASSWORD_SOFTWARE_TOKEN names (NIST 800-63B: a look-up secret, AAL2 with
    # a password like an app's code); responses still name the factor RECOVERY_CODE.
    "MFA_RECOVERY_STRENGTH": "PASSWORD_SOFTWARE_TOKEN",
    # 10 codes a set: enough for years of lost phones, few enough to write down.
    "MFA_RECOVERY_CODES_COUNT": 10,
    # 10 characters of a 32-letter alphabet = 50 bits each: with the delays below a guess
    # is a 10 × 2^-50 chance, and no dictionary of them can be built.
    "MFA_RECOVERY_CODE_LENGTH": 10,
    # "Mon compte" warns when this many codes or fewer are left.
    "MFA_RECOVERY_WARN_AT": 3,
    # Growing delays between wrong codes: factor × 2^(n−1) seconds (django-otp's
    # ThrottlingMixin), as for the other factors.
    "MFA_RECOVERY_THROTTLE_FACTOR": 1,
    # Codes just generated wait at most 10 minutes in the session to be shown once.
    "MFA_RECOVERY_SHOW_SECONDS": 10 * 60,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
