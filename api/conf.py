"""Settings of the REST API, with their defaults, read at call time.

Every limit says its number and why. Override any of them in Django settings under the
same name.
"""

from django.conf import settings

DEFAULTS = {
    # A new key lives 90 days unless its creator says otherwise: a key forgotten in a
    # script dies on its own. The longest allowed is 2 years.
    "API_KEY_DEFAULT_DAYS": 90,
    "API_KEY_MAX_DAYS": 2 * 365,
    # "Last used" is written at most once a minute, to spare the database.
    "API_KEY_TOUCH_SECONDS": 60,
    # Requests per minute, per API key and per signed-in person. A script provisioning
    # a thousand people in a batch stays well under 10 a second; a runaway loop does not.
    "API_REQUESTS_PER_MINUTE": 600,
    # Unknown, expired or revoked keys per client IP within an hour before every request
    # from that IP is refused for the rest of it: the same 30 free failures as the
    # passwords of the sign-in page (ACCOUNTS_LOCKOUT_IP_FREE_FAILURES).
    "API_KEY_FAILURES_PER_IP_PER_HOUR": 30,
    # Page size of lists, and the largest a client may ask for with ?page_size=.
    "API_PAGE_SIZE": 50,
    "API_MAX_PAGE_SIZE": 500,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
