"""The "Mon compte" tiles: the core's own, and one per registered factor (its `tile`).

A tile shows only once the page it leads to exists. `order` places it among the others.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tile:
    key: str
    title: Promise | str
    description: Promise | str
    url_name: str
    # Where it stands on the page: the core's tiles are 10, 20, ... 90; factor tiles
    # usually go between "Delete my account" (30) and "Manage my eIDs" (70).
    order: int = 50


TILES = [
    Tile("personal-data", _("My personal data"), _("View and change your name and language."), "accounts:personal_data",
         order=10),
    Tile("configure", _("Configure my account"), _("Choose your language and preferred authentication method."),
         "accounts:configure", order=20),
    Tile("delete", _("Delete my account"), _("Close your EU Login account and erase your personal data."),
         "accounts:delete", order=30),
    Tile("eid", _("Manage my eIDs"), _("Link or unlink your electronic identity cards."), "eid:cards", order=70),
    Tile("panic", _("Delete all my devices and eIDs (PANIC)"), _("Lost a phone? Remove every second factor at once."),
         "accounts:panic", order=80),
    Tile("sessions", _("View my sessions"), _("You can view your open sessions."), "accounts:sessions", order=90),
]


def tiles_all() -> list[Tile]:
    from .factors import factors_enabled

    factor_tiles = [f.tile for f in factors_enabled() if f.tile is not None]
    return sorted(TILES + factor_tiles, key=lambda tile: tile.order)


def tiles_available() -> list[dict]:
    available = []
    for tile in tiles_all():
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            continue
        available.append({"tile": tile, "url": url})
    return available
