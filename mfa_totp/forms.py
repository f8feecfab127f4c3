from django import forms
from django.utils.translation import gettext_lazy as _


class AppNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the app"), max_length=64,
        help_text=_("A name to tell your apps apart, e.g. \"Phone – Google Authenticator\"."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown by your authenticator app"),
        max_length=16,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false",
            "class": "code-input", "autofocus": True, "placeholder": "123456",
        }),
    )
