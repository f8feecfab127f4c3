"""Emails that tell a person about their keys, in their language, from the account's
own address (a channel the key does not control)."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

SUBJECTS = {
    "key_added": _("A security key was added to your EU Login account"),
    "key_renamed": _("A security key of your EU Login account was renamed"),
    "key_removed": _("A security key was removed from your EU Login account"),
    "counter": _("EU Login refused a sign-in with one of your security keys"),
}


def notice_send(*, user, notice: str, **context) -> None:
    with translation.override(user.preferred_language or translation.get_language()):
        body = render_to_string(f"mfa_webauthn/email/{notice}.txt", {"user": user, **context})
        send_mail(str(SUBJECTS[notice]), body, None, [user.email])
