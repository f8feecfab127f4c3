"""The WebAuthn ceremonies, and the only module that talks to py_webauthn (`webauthn`).

Everything else in the app speaks in plain values: options as a JSON string for the
browser, a challenge as bytes, a verified credential as a small dataclass, and one
exception, `CeremonyFailed`, for every way a response can be refused. Replacing the
library, or following a change of its API, touches this file alone.
"""

import json
from dataclasses import dataclass

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, options_to_json_dict, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorAttachment,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

# The transports the browser may name (others are ignored, as the spec asks).
_KNOWN_TRANSPORTS = {t.value for t in AuthenticatorTransport}


class CeremonyFailed(Exception):
    """The browser's response does not prove what it must: wrong challenge, origin or RP
    ID, bad signature, malformed data, user presence or verification missing. The message
    is for the logs and the audit, never for the page."""


@dataclass(frozen=True)
class Credential:
    """A credential already registered: what the ceremonies need of it."""

    credential_id: str  # base64url
    transports: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewCredential:
    credential_id: str  # base64url
    public_key: bytes
    sign_count: int
    transports: list[str]
    aaguid: str
    user_verified: bool
    attachment: str  # "platform", "cross-platform" or ""
    backed_up: bool


@dataclass(frozen=True)
class Assertion:
    credential_id: str  # base64url
    user_handle: str  # base64url, "" when the authenticator returned none
    sign_count: int
    user_verified: bool


def _descriptors(credentials) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=b64url_bytes(c.credential_id),
            transports=[AuthenticatorTransport(t) for t in c.transports if t in _KNOWN_TRANSPORTS] or None,
        )
        for c in credentials
    ]


def b64url_bytes(value: str) -> bytes:
    from webauthn import base64url_to_bytes

    return base64url_to_bytes(value)


def b64url(value: bytes) -> str:
    return bytes_to_base64url(value)


def registration_options(*, rp_id: str, rp_name: str, user_handle: bytes, user_name: str, display_name: str,
                         exclude: list[Credential], passkey: bool, attestation: str,
                         timeout_seconds: int) -> tuple[dict, bytes]:
    """Options for navigator.credentials.create() (JSON-ready) and their challenge.

    A passkey must be discoverable and verify the person (PIN or biometrics); a security
    key is a roaming authenticator, asked to verify the person when it can.
    """
    if passkey:
        selection = AuthenticatorSelectionCriteria(resident_key=ResidentKeyRequirement.REQUIRED,
                                                   user_verification=UserVerificationRequirement.REQUIRED)
    else:
        selection = AuthenticatorSelectionCriteria(authenticator_attachment=AuthenticatorAttachment.CROSS_PLATFORM,
                                                   resident_key=ResidentKeyRequirement.DISCOURAGED,
                                                   user_verification=UserVerificationRequirement.PREFERRED)
    options = generate_registration_options(
        rp_id=rp_id, rp_name=rp_name, user_id=user_handle, user_name=user_name, user_display_name=display_name,
        timeout=timeout_seconds * 1000, attestation=AttestationConveyancePreference(attestation),
        authenticator_selection=selection, exclude_credentials=_descriptors(exclude),
    )
    data = options_to_json_dict(options)
    # credProps tells whether the authenticator made the credential discoverable.
    data["extensions"] = {"credProps": True}
    return data, options.challenge


def registration_verify(*, response: str, challenge: bytes, rp_id: str, origins: list[str],
                        require_user_verification: bool) -> NewCredential:
    try:
        verified = verify_registration_response(
            credential=response, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=list(origins),
            require_user_verification=require_user_verification,
        )
        data = json.loads(response)
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError) as error:
        raise CeremonyFailed(str(error) or error.__class__.__name__) from error
    reply = data.get("response") if isinstance(data.get("response"), dict) else {}
    transports = [t for t in reply.get("transports") or [] if isinstance(t, str) and t in _KNOWN_TRANSPORTS]
    attachment = data.get("authenticatorAttachment")
    return NewCredential(
        credential_id=b64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=transports,
        aaguid=str(verified.aaguid or ""),
        user_verified=verified.user_verified,
        attachment=attachment if attachment in {"platform", "cross-platform"} else "",
        backed_up=verified.credential_backed_up,
    )


def registration_discoverable(response: str) -> bool:
    """Whether the client said (credProps) that the credential is discoverable. A hint
    for the list of keys only: a passkey sign-in proves it by working."""
    try:
        data = json.loads(response)
        return (data.get("clientExtensionResults") or {}).get("credProps", {}).get("rk") is True
    except (ValueError, AttributeError, TypeError):
        return False


def authentication_options(*, rp_id: str, allow: list[Credential], user_verification: bool,
                           timeout_seconds: int) -> tuple[dict, bytes]:
    """Options for navigator.credentials.get() (JSON-ready) and their challenge. With no
    `allow`ed credential the browser offers the discoverable ones (passkeys)."""
    options = generate_authentication_options(
        rp_id=rp_id, timeout=timeout_seconds * 1000, allow_credentials=_descriptors(allow),
        user_verification=UserVerificationRequirement.REQUIRED if user_verification
        else UserVerificationRequirement.PREFERRED,
    )
    return options_to_json_dict(options), options.challenge


def assertion_credential_id(response: str) -> tuple[str, str]:
    """The credential id and user handle (base64url) an assertion claims, before it is
    verified: to find the key to verify it with."""
    try:
        parsed = parse_authentication_credential_json(response)
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError) as error:
        raise CeremonyFailed(str(error) or error.__class__.__name__) from error
    handle = parsed.response.user_handle
    return b64url(parsed.raw_id), b64url(handle) if handle else ""


def authentication_verify(*, response: str, challenge: bytes, rp_id: str, origins: list[str], public_key: bytes,
                          require_user_verification: bool) -> Assertion:
    """Verify an assertion's challenge, origin, RP ID, flags and signature. The signature
    counter is returned, not judged: the caller compares it with the stored one (so that
    a counter going backwards can be told from a forged response)."""
    try:
        verified = verify_authentication_response(
            credential=response, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=list(origins),
            credential_public_key=public_key, credential_current_sign_count=0,
            require_user_verification=require_user_verification,
        )
        credential_id, user_handle = assertion_credential_id(response)
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError) as error:
        raise CeremonyFailed(str(error) or error.__class__.__name__) from error
    return Assertion(credential_id=credential_id, user_handle=user_handle, sign_count=verified.new_sign_count,
                     user_verified=verified.user_verified)
