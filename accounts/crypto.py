"""The one digest of eulogin's random values (tickets, nonces, request ids): SHA-256, so
that only the digest is stored or looked up and a database dump gives nothing to replay."""

import hashlib


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
