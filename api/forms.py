"""The browser's forms validate the API's input too: one set of rules, one set of messages."""

from rest_framework.exceptions import ValidationError


def form_cleaned(form) -> dict:
    """The form's cleaned data, or a 400 in the API's error shape with the form's errors
    (translated, with their codes)."""
    if form.is_valid():
        return form.cleaned_data
    detail = {}
    for name, errors in form.errors.as_data().items():
        key = "non_field_errors" if name == "__all__" else name
        detail[key] = [ValidationError(" ".join(error.messages), code=error.code or "invalid").detail[0]
                       for error in errors]
    raise ValidationError(detail)
