"""A software authenticator for the tests: it answers WebAuthn ceremonies as a browser
and a security key would (attestation "none", ES256), so the server side is exercised
with real signatures, real CBOR and real client data, without a browser."""

import base64
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    def __init__(self, *, origin: str, rp_id: str | None = None, user_verification: bool = False,
                 resident: bool = False):
        self.origin = origin
        self.rp_id = rp_id  # None: the one the options name
        self.user_verification = user_verification
        self.resident = resident
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.user_handle = b""

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def _auth_data(self, rp_id: str, flags: int, extra: bytes = b"") -> bytes:
        flags |= UP | (UV if self.user_verification else 0)
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count) + extra

    def create(self, options: dict) -> str:
        """The JSON a browser posts after navigator.credentials.create(options)."""
        rp_id = self.rp_id or options["rp"]["id"]
        self.user_handle = unb64url(options["user"]["id"])
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cose
        auth_data = self._auth_data(rp_id, AT, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps({
            "id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {"clientDataJSON": b64url(self._client_data("webauthn.create", options["challenge"])),
                         "attestationObject": b64url(attestation), "transports": ["usb"]},
            "clientExtensionResults": {"credProps": {"rk": self.resident}},
        })

    def get(self, options: dict, *, sign_count: int | None = None) -> str:
        """The JSON a browser posts after navigator.credentials.get(options). Each answer
        moves the counter on, unless `sign_count` says otherwise."""
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        rp_id = self.rp_id or options["rpId"]
        auth_data = self._auth_data(rp_id, 0)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        response = {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature)}
        if self.resident:
            response["userHandle"] = b64url(self.user_handle)
        return json.dumps({"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                           "response": response, "clientExtensionResults": {}})
