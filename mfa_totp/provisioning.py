"""What the enrolment page shows so an app can take the secret: the otpauth:// URI as a
QR code (SVG drawn here by segno, no external service) and the secret as text in groups of
four for typing by hand."""

from base64 import b32encode

import segno

from .models import TOTPDevice


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


def secret_grouped(device: TOTPDevice) -> str:
    """'JBSW Y3DP EHPK 3PXP …': the base32 secret as the apps ask for it, easier to copy."""
    secret = secret_base32(device)
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI (django-otp's `config_url`) as an SVG data: URI for an <img>: the
    Content-Security-Policy allows data: images, and nothing inline runs."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")
