"""Settings of the authenticator app (TOTP, RFC 6238) second factor, read at call time.

Every limit says its number and why. Override any of them in Django settings under the
same name. django-otp's own TOTP settings (OTP_TOTP_ISSUER, OTP_TOTP_THROTTLE_FACTOR,
OTP_TOTP_SYNC) are set in eulogin/settings.py and read by django-otp itself.
"""

from django.conf import settings

DEFAULTS = {
    # EU Login's name for a password plus a one-time code from an app.
    "MFA_TOTP_STRENGTH": "PASSWORD_SOFTWARE_TOKEN",
    # The issuer the app shows beside the account ("EU Login: anna@example.org").
    "OTP_TOTP_ISSUER": "EU Login",
    # Growing delays between wrong codes on one app: factor × 2^(n−1) seconds (1, 2, 4 …),
    # django-otp's ThrottlingMixin. A 6-digit code has 10^6 values: with the delays and the
    # lock below a guesser gets about 20 tries, a 2·10^-5 chance.
    "OTP_TOTP_THROTTLE_FACTOR": 1,
    # After 20 consecutive wrong codes on an account, the authenticator app method locks for
    # it until an administrator unlocks it, as SMS does (NIST 800-63B allows at most 100).
    "MFA_TOTP_LOCK_AFTER_FAILURES": 20,
    # At most 10 apps per account: several phones, but not an unbounded list.
    "MFA_TOTP_DEVICES_MAX": 10,
    # An enrolment (QR code shown, not yet confirmed by a code) is abandoned after 15
    # minutes: the secret of an unconfirmed app never lingers.
    "MFA_TOTP_ENROLMENT_SECONDS": 15 * 60,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
