from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.strengths import Requirement, UnknownRequirement


def requirement_validate(value: str) -> None:
    try:
        Requirement.parse(value)
    except UnknownRequirement:
        raise ValidationError(
            _("Name a level (BASIC, MEDIUM, HIGH) or strengths separated by commas (e.g. PASSWORD_SMS)."),
            code="unknown_requirement",
        ) from None


class StrengthRule(models.Model):
    """From `effective_from` on, `service` requires `requirement` — until a later rule.

    A service's rules form a time line: at any moment the latest rule already in effect
    applies; before its first rule, or without rules, any sign-in is accepted.
    """

    service = models.ForeignKey("cas.Service", on_delete=models.CASCADE, related_name="strength_rules",
                                verbose_name=_("service"))
    effective_from = models.DateTimeField(_("effective from"))
    requirement = models.CharField(
        _("requirement"), max_length=200, validators=[requirement_validate],
        help_text=_("A level (BASIC, MEDIUM, HIGH) or accepted strengths separated by commas."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("strength rule")
        verbose_name_plural = _("strength rules")
        ordering = ["service", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "effective_from"], name="traces_rule_service_from_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.requirement} from {self.effective_from:%Y-%m-%d %H:%M %Z}"

    def save(self, *args, **kwargs):
        self.requirement = self.requirement.replace(" ", "").upper()
        super().save(*args, **kwargs)

    def as_requirement(self) -> Requirement:
        return Requirement.parse(self.requirement)
