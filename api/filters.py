"""Filters of the API that the database takes as given."""

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC: PostgreSQL refuses offsets past
    ±15:59 that ISO 8601 allows, and a moment near year 9999 may not exist in UTC."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(_("This moment is out of range."), code="overflow") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
