from django import forms
from django.utils.translation import gettext_lazy as _


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
            "class": "code-input", "autofocus": True, "placeholder": "XXXXX-XXXXX",
        }),
    )
