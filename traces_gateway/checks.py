"""Misconfiguration of the TRACES NT policy fails early and loudly."""

from datetime import datetime

from django.core.checks import Error, register

from . import conf


@register()
def traces_settings_check(app_configs, **kwargs):
    problems = []
    try:
        cutoff = datetime.fromisoformat(conf.get("TRACES_TWO_FACTOR_FROM"))
    except (TypeError, ValueError):
        cutoff = None
    if cutoff is None or cutoff.tzinfo is None:
        problems.append(Error(
            "TRACES_TWO_FACTOR_FROM must be an ISO 8601 moment with its offset, e.g. 2024-06-11T00:00:00+02:00.",
            id="traces_gateway.E001",
        ))
    return problems
