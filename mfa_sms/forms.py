from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .phones import INPUT_MAX_LENGTH, phone_parse

PHONE_HELP = _("International format with the country code, for example for Belgium: +32 123 45 67 89")


class PhoneNumberField(forms.CharField):
    """A mobile number typed in international format; cleans to E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("help_text", PHONE_HELP)
        kwargs.setdefault("max_length", INPUT_MAX_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        return phone_parse(super().clean(value))


class SignInPhoneForm(forms.Form):
    """The number field of "Téléphone portable + SMS" on the password step."""

    phone = PhoneNumberField()


class PhoneAddForm(forms.Form):
    phone = PhoneNumberField(label=_("Mobile phone number"))
    label = forms.CharField(label=_("Label (optional)"), max_length=64, required=False,
                            help_text=_("A name to tell your numbers apart, e.g. \"Work phone\"."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_phone(self):
        number = self.cleaned_data["phone"]
        if self.user.phonedevice_set.filter(number=number, confirmed=True).exists():
            raise ValidationError(_("This number is already registered on your account."), code="duplicate")
        return number


class PhoneLabelForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=64, required=False)


class ChallengeForm(forms.Form):
    code = forms.CharField(
        label=_("Challenge code received by SMS"),
        max_length=32,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false",
            "class": "code-input", "autofocus": True, "placeholder": "XXXX-XXXX",
        }),
    )


class DeviceChoiceForm(forms.Form):
    device = forms.ChoiceField(label=_("Mobile phone"), widget=forms.RadioSelect)

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = {str(d.pk): d for d in devices}
        self.fields["device"].choices = [(str(d.pk), f"{d.masked_number} {d.name}".strip()) for d in devices]
        if devices:
            self.fields["device"].initial = str(devices[0].pk)

    def clean_device(self):
        return self.devices[self.cleaned_data["device"]]
