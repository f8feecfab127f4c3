from django import forms
from django.utils.translation import gettext_lazy as _

from .methods import methods_enabled

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

    def __init__(self, *args, default_method: str = "PASSWORD", **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = methods_enabled()
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
