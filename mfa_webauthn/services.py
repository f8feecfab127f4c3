"""Writes of the WebAuthn factor: ceremonies kept in the session, keys, notices.

A ceremony's challenge lives in the session that asked for it, for one purpose and one
answer: taking it removes it, whatever the answer turns out to be, and a challenge older
than MFA_WEBAUTHN_CHALLENGE_SECONDS is refused.
"""

import enum
import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.audit import audit_event_record
from accounts.factors import factor_proved
from accounts.models import AuditEvent

from . import conf, notices
from .factor import PASSKEY, WEBAUTHN
from .internal import auth
from .models import WebAuthnDevice
from .selectors import keys_of

logger = logging.getLogger(__name__)

KIND = WEBAUTHN  # the factor kind a key proves after the password (and at step-up)
PASSKEY_KIND = PASSKEY  # the kind a passkey proves alone
SESSION_KEY = "mfa_webauthn_ceremony"


class Purpose(enum.StrEnum):
    REGISTER = "register"
    SIGNIN = "signin"  # the second factor after the password
    PASSKEY = "passkey"  # a passkey alone, no password
    VERIFY = "verify"  # a fresh proof for a signed-in session (step-up, binding a factor)


class Refused(Exception):
    """A ceremony did not succeed; `reason` is one of the Reason values, for the page."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason


class Reason(enum.StrEnum):
    EXPIRED = "expired"  # no challenge, too old, already used, or for another purpose
    INVALID = "invalid"  # the response does not verify
    UNKNOWN_KEY = "unknown_key"  # no such key (for this account)
    DUPLICATE = "duplicate"  # this key is already registered
    TOO_MANY = "too_many"
    COUNTER = "counter"  # the signature counter went backwards: a cloned key?


# --- ceremonies ----------------------------------------------------------------------


def _ceremony_begin(request: HttpRequest, *, purpose: Purpose, challenge: bytes, **state) -> None:
    request.session[SESSION_KEY] = {"purpose": str(purpose), "challenge": auth.b64url(challenge),
                                    "at": timezone.now().isoformat(), **state}


def ceremony_take(request: HttpRequest, *, purpose: Purpose) -> dict:
    """The challenge of this session for `purpose`, removed from the session (single use);
    Refused(EXPIRED) when there is none or it is too old."""
    state = request.session.pop(SESSION_KEY, None)
    if not isinstance(state, dict) or state.get("purpose") != str(purpose):
        raise Refused(Reason.EXPIRED)
    age = (timezone.now() - datetime.fromisoformat(state["at"])).total_seconds()
    if not 0 <= age <= conf.get("MFA_WEBAUTHN_CHALLENGE_SECONDS"):
        raise Refused(Reason.EXPIRED)
    state["challenge"] = auth.b64url_bytes(state["challenge"])
    return state


def ceremony_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def _rp() -> dict:
    return {"rp_id": conf.get("MFA_WEBAUTHN_RP_ID"), "origins": list(conf.get("MFA_WEBAUTHN_ORIGINS"))}


# --- keys ----------------------------------------------------------------------------


def _credentials(devices) -> list[auth.Credential]:
    return [auth.Credential(credential_id=d.credential_id, transports=tuple(d.transports or ())) for d in devices]


def user_handle(user) -> str:
    """The account's WebAuthn user handle (base64url): opaque, stable, never the email.
    An account keeps the handle its first key was created with."""
    first = WebAuthnDevice.objects.filter(user=user).order_by("pk").values_list("user_handle", flat=True).first()
    if first:
        return first
    return auth.b64url(salted_hmac("mfa_webauthn.user-handle", str(user.pk), algorithm="sha256").digest())


def registration_begin(request: HttpRequest, *, user, passkey: bool) -> dict:
    """Start registering a key (a passkey if `passkey`): the options for the browser."""
    options, challenge = auth.registration_options(
        rp_id=conf.get("MFA_WEBAUTHN_RP_ID"), rp_name=conf.get("MFA_WEBAUTHN_RP_NAME"),
        user_handle=auth.b64url_bytes(user_handle(user)), user_name=user.email,
        display_name=user.get_full_name() or user.email, exclude=_credentials(keys_of(user)), passkey=passkey,
        attestation=conf.get("MFA_WEBAUTHN_ATTESTATION"), timeout_seconds=conf.get("MFA_WEBAUTHN_CHALLENGE_SECONDS"),
    )
    _ceremony_begin(request, purpose=Purpose.REGISTER, challenge=challenge, user=user.pk, passkey=passkey)
    return options


def default_name(*, passkey: bool) -> str:
    return _("Passkey") if passkey else _("Security key")


def key_register(request: HttpRequest, *, user, response: str, name: str) -> WebAuthnDevice:
    """Verify the browser's answer to registration_begin and keep the new key; tell the
    person by email."""
    state = ceremony_take(request, purpose=Purpose.REGISTER)
    if state.get("user") != user.pk:
        raise Refused(Reason.EXPIRED)
    try:
        new = auth.registration_verify(response=response, challenge=state["challenge"],
                                       require_user_verification=bool(state.get("passkey")), **_rp())
    except auth.CeremonyFailed as failed:
        logger.info("WebAuthn registration refused: %s", failed)
        raise Refused(Reason.INVALID, str(failed)) from failed
    if WebAuthnDevice.objects.filter(user=user).count() >= conf.get("MFA_WEBAUTHN_MAX_KEYS"):
        raise Refused(Reason.TOO_MANY)
    try:
        with transaction.atomic():
            device = WebAuthnDevice.objects.create(
                user=user, name=(name.strip() or default_name(passkey=bool(state.get("passkey"))))[:64],
                confirmed=True, credential_id=new.credential_id, public_key=new.public_key,
                sign_count=new.sign_count, transports=new.transports, attachment=new.attachment,
                discoverable=auth.registration_discoverable(response) or bool(state.get("passkey")),
                user_verified=new.user_verified, aaguid=new.aaguid, backed_up=new.backed_up,
                user_handle=user_handle(user),
            )
    except IntegrityError as clash:
        raise Refused(Reason.DUPLICATE) from clash
    audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_ADDED, request=request, user=user, method=KIND,
                       key=device.name, passkey=device.is_passkey)
    notices.notice_send(user=user, notice="key_added", key=device.name)
    return device


def key_rename(*, request: HttpRequest, device: WebAuthnDevice, name: str) -> None:
    old, device.name = device.name, name.strip()[:64] or device.name
    device.save(update_fields=["name"])
    audit_event_record(kind=AuditEvent.Kind.ACCOUNT_UPDATED, request=request, user=device.user, method=KIND,
                       key_renamed_from=old, key=device.name)
    notices.notice_send(user=device.user, notice="key_renamed", key=device.name, old=old)


def key_remove(*, request: HttpRequest, device: WebAuthnDevice) -> None:
    user, name = device.user, device.name
    device.delete()
    audit_event_record(kind=AuditEvent.Kind.MFA_DEVICE_REMOVED, request=request, user=user, method=KIND, key=name)
    notices.notice_send(user=user, notice="key_removed", key=name)


# --- proving a key ---------------------------------------------------------------------


def assertion_begin(request: HttpRequest, *, purpose: Purpose, user=None, **state) -> dict:
    """Start proving a key: of `user` (second factor, step-up), or any passkey (PASSKEY,
    no user yet). Returns the options for the browser."""
    passkey = purpose is Purpose.PASSKEY
    allow = [] if passkey else _credentials(keys_of(user))
    options, challenge = auth.authentication_options(
        rp_id=conf.get("MFA_WEBAUTHN_RP_ID"), allow=allow, user_verification=passkey,
        timeout_seconds=conf.get("MFA_WEBAUTHN_CHALLENGE_SECONDS"),
    )
    _ceremony_begin(request, purpose=purpose, challenge=challenge, user=user.pk if user else None, **state)
    return options


def assertion_state(request: HttpRequest, *, purpose: Purpose) -> dict | None:
    """The ceremony under way for `purpose`, without taking it (the extra state it keeps)."""
    state = request.session.get(SESSION_KEY)
    return state if isinstance(state, dict) and state.get("purpose") == str(purpose) else None


def assertion_verify(request: HttpRequest, *, purpose: Purpose, response: str, user=None) -> tuple[WebAuthnDevice, dict]:
    """Verify the browser's answer to assertion_begin. Returns the key proved and the
    ceremony's state. A passkey must be discoverable (it returns its user handle) and
    verify the person."""
    state = ceremony_take(request, purpose=purpose)
    passkey = purpose is Purpose.PASSKEY
    if not passkey and (user is None or state.get("user") != user.pk):
        raise Refused(Reason.EXPIRED)
    try:
        credential_id, handle = auth.assertion_credential_id(response)
    except auth.CeremonyFailed as failed:
        raise Refused(Reason.INVALID, str(failed)) from failed
    devices = WebAuthnDevice.objects.filter(credential_id=credential_id, confirmed=True).select_related("user")
    device = devices.filter(user=user).first() if not passkey else devices.first()
    if device is None or (passkey and handle != device.user_handle):
        raise Refused(Reason.UNKNOWN_KEY)
    if passkey and not device.user.is_active:
        raise Refused(Reason.UNKNOWN_KEY)
    outcome = _assertion_check(device=device, response=response, challenge=state["challenge"], passkey=passkey)
    if outcome is not None:
        audit_event_record(kind=AuditEvent.Kind.MFA_FAILED, request=request, user=device.user, method=KIND,
                           key=device.name, purpose=str(purpose), reason=str(outcome.reason))
        if outcome.reason == Reason.COUNTER:
            notices.notice_send(user=device.user, notice="counter", key=device.name)
        raise outcome
    audit_event_record(kind=AuditEvent.Kind.MFA_SUCCEEDED, request=request, user=device.user, method=KIND,
                       key=device.name, purpose=str(purpose))
    return device, state


def _assertion_check(*, device: WebAuthnDevice, response: str, challenge: bytes, passkey: bool) -> Refused | None:
    """Verify under a row lock (two answers at once cannot both move the counter) and
    move the counter and the last use; the refusal, if any."""
    with transaction.atomic():
        locked = WebAuthnDevice.objects.select_for_update().get(pk=device.pk)
        try:
            assertion = auth.authentication_verify(response=response, challenge=challenge,
                                                   public_key=bytes(locked.public_key),
                                                   require_user_verification=passkey, **_rp())
        except auth.CeremonyFailed as failed:
            logger.info("WebAuthn assertion refused: %s", failed)
            return Refused(Reason.INVALID, str(failed))
        # WebAuthn §6.1.1: a counter that does not grow (once either side is non-zero)
        # means the credential may have been cloned.
        if (assertion.sign_count or locked.sign_count) and assertion.sign_count <= locked.sign_count:
            return Refused(Reason.COUNTER, f"{assertion.sign_count} <= {locked.sign_count}")
        locked.sign_count = assertion.sign_count
        locked.last_used_at = timezone.now()
        locked.save(update_fields=["sign_count", "last_used_at"])
    device.sign_count, device.last_used_at = locked.sign_count, locked.last_used_at
    return None


def session_key_proved(*, request: HttpRequest, device: WebAuthnDevice) -> None:
    """Record in this (signed-in) session that `device` was proved now."""
    factor_proved(request, kind=KIND, device=device, **proof_detail(device))


def proof_detail(device: WebAuthnDevice) -> dict:
    """What a session keeps of the key it proved (nothing secret): its name."""
    return {"key": device.name}

