"""Settings of the WebAuthn factor, with their defaults, read at call time.

Override any of them in Django settings under the same name; eulogin/settings.py reads
the RP ID and origins from the environment.
"""

from django.conf import settings

DEFAULTS = {
    # The Relying Party ID: the domain the credentials are bound to. It must be the host
    # of every origin below or a parent domain of it (never an IP address: browsers refuse
    # the ceremony). Changing it orphans every registered key.
    "MFA_WEBAUTHN_RP_ID": "localhost",
    # The name authenticators show beside the account.
    "MFA_WEBAUTHN_RP_NAME": "EU Login",
    # The exact origins (scheme://host[:port]) the pages are served from; https, except
    # http://localhost, which browsers treat as secure.
    "MFA_WEBAUTHN_ORIGINS": ["https://localhost"],
    # Attestation asked at registration: "none" (no identifying data about the
    # authenticator model is collected; we do not restrict models).
    "MFA_WEBAUTHN_ATTESTATION": "none",
    # A challenge is used once and lives 5 minutes: long enough to find a key and type a
    # PIN, short enough that an intercepted challenge is soon worthless.
    "MFA_WEBAUTHN_CHALLENGE_SECONDS": 5 * 60,
    # At most 20 keys per account: plenty for spares, bounded storage.
    "MFA_WEBAUTHN_MAX_KEYS": 20,
    # Adding or removing a key, once the account has a second factor, needs one proved
    # this recently in the same session.
    "MFA_WEBAUTHN_FRESH_PROOF_SECONDS": 10 * 60,
    # Passkey answers (the sign-in without a password) per client IP: 30 in 10 minutes.
    # Signatures cannot be guessed; this bounds the work and audit rows one address causes.
    "MFA_WEBAUTHN_PASSKEY_LIMIT_PER_IP": (30, 10 * 60),
    # EU Login's name of the strength of a password plus a key.
    "MFA_WEBAUTHN_STRENGTH": "PASSWORD_WEBAUTHN",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
