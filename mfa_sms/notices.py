"""Notices by email about the account's SMS factor (a channel independent of the phone),
sent through the accounts app's email task once the transaction commits."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.emails import email_subject_register
from eulogin.queue import task_enqueue

SUBJECTS = {
    "mfa_sms/phone_added": _("A mobile phone number was added to your EU Login account"),
    "mfa_sms/phone_removed": _("A mobile phone number was removed from your EU Login account"),
    "mfa_sms/locked": _("Signing in by SMS is locked on your EU Login account"),
}
for _template, _subject in SUBJECTS.items():
    email_subject_register(_template, _subject)


def account_notice_send(*, user, template: str, context: dict) -> None:
    """Email `user` the notice `template` (a key of SUBJECTS), in their language."""
    from accounts.tasks import account_email_send

    to, language = user.email, user.preferred_language or translation.get_language()
    context = {"name": user.get_full_name(), **context}
    transaction.on_commit(lambda: task_enqueue(account_email_send, to=to, template=template, language=language,
                                               context=context))
