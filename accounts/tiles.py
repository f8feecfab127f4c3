"""The "Mon compte" tiles. A tile shows only once the page it leads to exists."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tile:
    key: str
    title: Promise
    description: Promise
    url_name: str


TILES = [
    Tile("personal-data", _("My personal data"), _("View and change your name and language."), "accounts:personal_data"),
    Tile("configure", _("Configure my account"), _("Choose your language and preferred authentication method."), "accounts:configure"),
    Tile("delete", _("Delete my account"), _("Close your EU Login account and erase your personal data."), "accounts:delete"),
    Tile("mobile-devices", _("Manage my mobile devices"), _("Add or remove the mobile app used to sign in."), "mfa_app:devices"),
    Tile("security-keys", _("Manage my security keys and trusted platforms"), _("Add or remove security keys."), "mfa_webauthn:keys"),
    Tile("phones", _("Manage my mobile phone numbers"), _("Add or remove the mobile phones that receive your SMS codes."), "mfa_sms:phones"),
    Tile("eid", _("Manage my eIDs"), _("Link or unlink your electronic identity cards."), "eid:cards"),
    Tile("panic", _("Delete all my devices and eIDs (PANIC)"), _("Lost a phone? Remove every second factor at once."), "mfa_sms:panic"),
    Tile("sessions", _("View my sessions"), _("You can view your open sessions."), "accounts:sessions"),
]


def tiles_available() -> list[dict]:
    available = []
    for tile in TILES:
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            continue
        available.append({"tile": tile, "url": url})
    return available
