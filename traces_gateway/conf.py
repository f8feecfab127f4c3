"""Settings of traces_gateway, with their defaults, read at call time."""

from django.conf import settings

DEFAULTS = {
    # Where the TRACES NT service lives (its CAS service URL prefix). The default is the
    # demo TRACES NT that `make run` starts beside eulogin.
    "TRACES_SERVICE_URL": "http://localhost:8001/",
    "TRACES_SERVICE_NAME": "TRACES NT",
    # From this moment TRACES NT accepts only two-factor sign-ins (midnight in Brussels).
    "TRACES_TWO_FACTOR_FROM": "2024-06-11T00:00:00+02:00",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
