"""Settings of the accounts app, with their defaults, read at call time.

Every limit says its number and why. Override any of them in Django settings under the
same name.
"""

from django.conf import settings

DEFAULTS = {
    # Email domains whose people are staff ("Interne"); everyone else is "Externe".
    "ACCOUNTS_INTERNAL_DOMAINS": ["eulogin.example.org"],
    # Brute force, per account (keyed by the typed email, so unknown emails behave the
    # same as known ones): 5 failures free, then a lock that doubles with each further
    # failure, from 1 minute up to 1 day. NIST 800-63B asks for at most 100 consecutive
    # failures before a lock; this is well under it.
    "ACCOUNTS_LOCKOUT_ACCOUNT_FREE_FAILURES": 5,
    # Per client IP: 30 failures free (a shared NAT holds many people), then the same
    # doubling locks.
    "ACCOUNTS_LOCKOUT_IP_FREE_FAILURES": 30,
    "ACCOUNTS_LOCKOUT_BASE_SECONDS": 60,  # first lock: 1 minute
    "ACCOUNTS_LOCKOUT_MAX_SECONDS": 24 * 3600,  # longest lock: 1 day
    # Failures older than this are forgotten: 1 day without a failure resets a counter.
    "ACCOUNTS_LOCKOUT_RESET_SECONDS": 24 * 3600,
    # A pending sign-in (email typed, factors still to prove) lasts 15 minutes.
    "ACCOUNTS_SIGNIN_TIMEOUT_SECONDS": 15 * 60,
    # Sessions: last activity is written at most once a minute, to spare the database.
    "ACCOUNTS_SESSION_TOUCH_SECONDS": 60,
    # Recent sign-in for sensitive changes (phones, deletion): 10 minutes.
    "ACCOUNTS_REAUTHENTICATION_SECONDS": 10 * 60,
    # Binding a new authenticator (or removing one) needs one the account already has,
    # proved in this session within 10 minutes (NIST 800-63B 6.1.2.1).
    "ACCOUNTS_FRESH_FACTOR_SECONDS": 10 * 60,
    # An account that had a second factor and has none left binds a new one only once its
    # email confirms it (accounts.rebind): the link works 1 hour, then the session may bind
    # one for 10 minutes; at most 3 such emails an hour per account (no mailbox flooding).
    "ACCOUNTS_REBIND_EMAIL_LINK_SECONDS": 3600,
    "ACCOUNTS_REBIND_EMAIL_PROOF_SECONDS": 10 * 60,
    "ACCOUNTS_REBIND_EMAILS_PER_HOUR": 3,
    # Registration verification links are valid 24 hours.
    "ACCOUNTS_REGISTRATION_TIMEOUT_SECONDS": 24 * 3600,
    # Invitation links (an account made by an administrator, e.g. through the API) are
    # valid 7 days: the person may be on leave the day their account is made.
    "ACCOUNTS_INVITATION_TIMEOUT_SECONDS": 7 * 24 * 3600,
    # Emails sent on request (registration, lost password) are rate limited so nobody can
    # flood a mailbox or use us as a mail cannon. Within one window of 1 hour: 3 requests
    # per email address (a person who lost the first email tries twice more; beyond that
    # it is somebody else), and 20 per client IP (a shared NAT, an office).
    "ACCOUNTS_EMAIL_REQUEST_WINDOW_SECONDS": 3600,
    "ACCOUNTS_EMAIL_REQUESTS_PER_ADDRESS": 3,
    "ACCOUNTS_EMAIL_REQUESTS_PER_IP": 20,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
