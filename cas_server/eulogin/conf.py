"""Settings of the EU Login dialect, with their defaults, read at call time."""

from django.conf import settings

DEFAULTS = {
    # A login request (/cas/login/init) lives 10 minutes: the service sends the browser to
    # /cas/login at once; 10 minutes cover a slow network or page while an id that leaked
    # (logs, history) is soon worthless. It is also single use.
    "CAS_EULOGIN_LOGIN_REQUEST_SECONDS": 10 * 60,
    # Longest loginRequestId looked up: 128 characters (ours have 47); anything longer is
    # refused before touching the database.
    "CAS_EULOGIN_LOGIN_REQUEST_ID_MAX_LENGTH": 128,
    # The assurance level of a person, by domain code (see assurance.user_domain):
    # self-registered external users have only an email address proved (LOW = 10);
    # people of the internal domains (ACCOUNTS_INTERNAL_DOMAINS) were identified by their
    # institution when the account was made (TOP = 40).
    "CAS_EULOGIN_ASSURANCE_BY_DOMAIN": {"internal": 40, "external": 10},
    # Login requests opened per client address: 600 a minute. A service's back end opens one
    # per person signing in (10 a second is a busy service); past that someone is filling
    # the table, and gets a 429 until the minute turns.
    "CAS_EULOGIN_LOGIN_INIT_PER_IP_PER_MINUTE": 600,
    # The `server` attribute of every EU Login serviceResponse.
    "CAS_EULOGIN_SERVER_NAME": "eulogin",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
