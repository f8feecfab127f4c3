import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from .factors import signin_methods
from .models import User

# Passwords are checked against at most this many characters: enough for any passphrase,
# small enough that a megabyte "password" cannot tie up the hasher.
PASSWORD_INPUT_MAX_LENGTH = 1024


class SignInEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class SignInPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    method = forms.ChoiceField(label=_("Authentication method"), widget=forms.RadioSelect)
    # Long-term single sign-on is the person's own choice, never a service's, and off
    # unless ticked (CAS specification 4.1.1).
    remember_me = forms.BooleanField(label=_("Keep me signed in on this device for 7 days"), required=False)
    # CAS `warn` at the credential acceptor: no transparent single sign-on afterwards.
    warn = forms.BooleanField(label=_("Warn me before logging me into other sites"), required=False)

    def __init__(self, *args, default_method: str = "PASSWORD", **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = signin_methods()
        codes = [m.code for m in self.methods]
        self.fields["method"].choices = [(m.code, m.label) for m in self.methods]
        self.fields["method"].initial = default_method if default_method in codes else codes[0]
        data = args[0] if args else kwargs.get("data")
        # One sub-form per method that needs extra fields; only the chosen one is validated.
        self.method_forms = {
            m.code: m.form_class(data, prefix=m.code.lower()) for m in self.methods if m.form_class
        }

    def chosen_method_form(self) -> forms.Form | None:
        return self.method_forms.get(self.cleaned_data.get("method", ""))

    def is_valid(self) -> bool:
        valid = super().is_valid()
        sub = self.chosen_method_form() if valid else None
        return valid and (sub is None or sub.is_valid())

    def method_entries(self):
        """For the template: each method with its radio and its own fields."""
        radios = {str(r.data["value"]): r for r in self["method"]}
        return [
            {"method": m, "radio": radios.get(m.code), "form": self.method_forms.get(m.code)}
            for m in self.methods
        ]


class PasswordConfirmForm(forms.Form):
    """Re-enter the current password (recent authentication, deletions, PANIC)."""

    password = forms.CharField(
        label=_("Current password"),
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is incorrect."), code="password_incorrect")
        return password


def _refuse_control_characters(value: str) -> None:
    # Names are shown on pages, in the admin and in emails: no invisible or control
    # characters (which also rules out line breaks that could forge email lines).
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value):
        raise forms.ValidationError(_("Please remove the invisible or control characters."), code="control_character")


class NameField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("validators", [_refuse_control_characters])
        super().__init__(**kwargs)


def _cap_password_fields(form: forms.Form, *names: str) -> None:
    """Refuse overlong passwords before any validator or hasher sees them."""
    for name in names:
        field = form.fields[name]
        field.max_length = PASSWORD_INPUT_MAX_LENGTH
        field.validators.append(MaxLengthValidator(PASSWORD_INPUT_MAX_LENGTH))
        field.widget.attrs["maxlength"] = str(PASSWORD_INPUT_MAX_LENGTH)


class RegistrationForm(forms.Form):
    first_name = NameField(label=_("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name", "autofocus": True}))
    last_name = NameField(label=_("Last name"), widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])


class NewPasswordForm(SetPasswordForm):
    """Choose a password: Django's validators as configured (NIST 800-63B: a minimum length,
    a list of common passwords, nothing close to the person's own data; no composition rules)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("Confirm the new password")
        self.fields["new_password1"].widget.attrs["autofocus"] = True
        _cap_password_fields(self, "new_password1", "new_password2")


class PasswordChangeFormCapped(PasswordChangeForm):
    """"Modifier le mot de passe": the current password, then the new one twice."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("Confirm the new password")
        _cap_password_fields(self, "old_password", "new_password1", "new_password2")


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("The language of my browser"))] + list(settings.LANGUAGES)


class PersonalDataForm(forms.Form):
    """"Mes données personnelles". A plain form, so a refused edit never touches the
    signed-in user object that the page header shows."""

    first_name = NameField(label=_("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = NameField(label=_("Last name"), widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    preferred_language = forms.ChoiceField(label=_("Language"), required=False, choices=_language_choices)


class ConfigureForm(forms.Form):
    """"Configurer mon compte"."""

    preferred_language = forms.ChoiceField(label=_("Language"), required=False, choices=_language_choices)
    preferred_method = forms.ChoiceField(label=_("Preferred authentication method"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_method"].choices = [("", _("The method I used last in this browser"))] + [
            (m.code, m.label) for m in signin_methods()
        ]


def form_with_error(form: forms.Form, message: str) -> forms.Form:
    """`form` (bound or not, never validated) showing one error of the whole form: the
    password it may hold is not checked, so a locked account costs no hashing."""
    form._errors = ErrorDict()
    form.cleaned_data = {}
    form.add_error(None, message)
    return form
