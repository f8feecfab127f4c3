"""Invitations: an account made for a person by an administrator (the provisioning API),
whose password the person chooses from a link sent to their address.

The account exists at once, with no usable password. The link is signed and expires
after ACCOUNTS_INVITATION_TIMEOUT_SECONDS; it carries a fingerprint of the password hash,
so it dies as soon as a password is set (used once) and whenever the password changes.
"""

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import conf
from .audit import audit_event_record
from .forms import NewPasswordForm
from .models import AuditEvent, User

SALT = "accounts.invitation"
TOKEN_MAX_LENGTH = 512


class EmailTaken(Exception):
    """An account with this address exists already."""


def _fingerprint(user: User) -> str:
    return salted_hmac(SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:32]


def invitation_token_make(user: User) -> str:
    return signing.dumps({"u": user.pk, "p": _fingerprint(user)}, salt=SALT)


def invitation_user(token: str) -> User | None:
    """The active account an invitation link is for, or None (forged, expired, used)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=conf.get("ACCOUNTS_INVITATION_TIMEOUT_SECONDS"))
        user = User.objects.filter(pk=int(data["u"]), is_active=True).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or not constant_time_compare(_fingerprint(user), str(data.get("p", ""))):
        return None
    return user


def user_invite(*, email: str, first_name: str = "", last_name: str = "", preferred_language: str = "",
                base_url: str, request: HttpRequest | None = None, **by) -> User:
    """Make the account of `email` with no usable password and email the person a link to
    choose one. `by` names the inviter in the audit trail. Raises EmailTaken."""
    from .tasks import account_email_send as task

    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=email).exists():
                raise EmailTaken
            user = User.objects.create_user(email, None, first_name=first_name, last_name=last_name,
                                            preferred_language=preferred_language)
            audit_event_record(kind=AuditEvent.Kind.ACCOUNT_CREATED, request=request, user=user, invited=True, **by)
            audit_event_record(kind=AuditEvent.Kind.INVITATION_SENT, request=request, user=user, **by)
            context = {"url": base_url + reverse("accounts:invitation", args=[invitation_token_make(user)]),
                       "days": conf.get("ACCOUNTS_INVITATION_TIMEOUT_SECONDS") // 86400}
            to, language = user.email, preferred_language
            transaction.on_commit(lambda: task.delay(to=to, template="invitation", language=language, context=context))
    except IntegrityError as error:  # the same address made at the same instant
        raise EmailTaken from error
    return user


def invitation_accept(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_event_record(kind=AuditEvent.Kind.PASSWORD_RESET, request=request, user=user, invitation=True)


@method_decorator([sensitive_post_parameters("new_password1", "new_password2"), never_cache, csrf_protect],
                  name="dispatch")
class InvitationView(View):
    """The link of the invitation email: choose a password, then sign in."""

    template_name = "accounts/invitation.html"

    def _invalid(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/link_invalid.html", {"kind": "invitation"}, status=400)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        user = invitation_user(token)
        if user is None:
            return self._invalid(request)
        return render(request, self.template_name, {"form": NewPasswordForm(user), "invited": user})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        user = invitation_user(token)
        if user is None:
            return self._invalid(request)
        form = NewPasswordForm(user, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "invited": user}, status=400)
        invitation_accept(user=user, password=form.cleaned_data["new_password1"], request=request)
        messages.success(request, _("Your password is set. You can now sign in."))
        return redirect("accounts:login")
