"""The emails of the accounts app: plain text, in the recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

SUBJECTS = {
    "registration_verify": _("EU Login: confirm your email address"),
    "registration_existing": _("EU Login: you already have an account"),
    "password_reset": _("EU Login: reset your password"),
    "password_reset_done": _("EU Login: your password has been reset"),
    "password_changed": _("EU Login: your password has been changed"),
    "account_deleted": _("EU Login: your account has been deleted"),
    "invitation": _("EU Login: your account is ready, choose your password"),
    "panic": _("All second factors were removed from your EU Login account"),
    "factor_rebind_confirm": _("Confirm the new second-factor method of your EU Login account"),
}


def email_language(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def email_subject_register(template: str, subject) -> None:
    """Another app's email: `template` is "<app>/<name>", rendered from
    <app>/email/<name>.txt, under the (lazily translated) `subject`."""
    SUBJECTS[template] = subject


def _template_path(template: str) -> str:
    app, _sep, name = template.rpartition("/")
    return f"{app or 'accounts'}/email/{name}.txt"


def email_send(*, to: str, template: str, language: str | None, context: dict | None = None) -> None:
    """Render accounts/email/<template>.txt (or <app>/email/<name>.txt for "<app>/<name>")
    in `language` and send it to `to`."""
    with translation.override(email_language(language)):
        subject = str(SUBJECTS[template])
        body = render_to_string(_template_path(template), context or {})
    send_mail(subject, body, None, [to])


def factor_notice_send(*, user, subject, template: str, context: dict) -> None:
    """A factor app's notice to the person (a factor added, removed, locked or used): by
    email, a channel independent of the device, in the person's language. `template` is
    the factor app's own."""
    with translation.override(email_language(user.preferred_language or translation.get_language())):
        body = render_to_string(template, {"user": user, **context})
        send_mail(str(subject), body, None, [user.email])
