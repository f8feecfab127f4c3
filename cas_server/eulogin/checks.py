"""Misconfiguration of the EU Login dialect fails early and loudly."""

from django.core.checks import Error, register

from . import conf


@register()
def cas_eulogin_assurance_check(app_configs, **kwargs):
    """Every domain code needs an assurance level of EU Login's scale."""
    levels = conf.get("CAS_EULOGIN_ASSURANCE_BY_DOMAIN")
    if not isinstance(levels, dict) or set(levels) != {"internal", "external"} or any(
        value not in (0, 10, 20, 30, 40) for value in levels.values()
    ):
        return [Error(
            "CAS_EULOGIN_ASSURANCE_BY_DOMAIN must give 'internal' and 'external' a level among 0, 10, 20, 30, 40.",
            id="cas.E004",
        )]
    return []
