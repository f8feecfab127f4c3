from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A registration answer with a large public key and a few transports is 1-2 KB; 64 KB
# leaves room for any authenticator and bounds what a request can make us parse.
ANSWER_MAX_LENGTH = 64 * 1024
NO_ANSWER = _("Your browser sent no answer from a security key. Security keys and passkeys need JavaScript "
              "and a browser that supports them.")


class CeremonyForm(forms.Form):
    """The browser's answer to a WebAuthn ceremony, put into a hidden field by the page's
    script."""

    credential = forms.CharField(widget=forms.HiddenInput, required=False, max_length=ANSWER_MAX_LENGTH,
                                 error_messages={"max_length": NO_ANSWER})

    def clean_credential(self):
        value = self.cleaned_data["credential"].strip()
        if not value:
            raise ValidationError(NO_ANSWER, code="missing")
        return value


class KeyAddForm(CeremonyForm):
    name = forms.CharField(label=_("Name (optional)"), max_length=64, required=False,
                           help_text=_("A name to tell your keys apart, e.g. \"Blue key\" or \"Work laptop\"."))

    field_order = ["name", "credential"]


class KeyRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
