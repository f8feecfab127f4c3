"""One wording across the apps' French catalogs: Django merges them into one, so the
same English phrase translated two ways reads as two products."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(p for p in ROOT.glob("*/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts)
ENTRY = re.compile(r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def _entries(path: Path) -> dict[str, str]:
    """msgid → msgstr; a msgid with a context (pgettext) is keyed with it, as gettext does."""
    text = path.read_text()
    join = lambda lines: "".join(re.findall(r'"(.*)"', lines)).replace('\\"', '"')  # noqa: E731
    return {(f"{join(context)}\x04" if context else "") + join(msgid): join(msgstr)
            for context, msgid, msgstr in ENTRY.findall(text)}


def test_the_catalogs_are_found():
    assert {p.parts[-5] for p in CATALOGS} >= {"accounts", "mfa_sms", "mfa_totp", "mfa_webauthn", "mfa_recovery"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-5])
def test_confirm_it_is_you_reads_the_same_in_every_app(path):
    for msgid, msgstr in _entries(path).items():
        if "confirm it is you" in msgid.lower() and msgstr:
            assert "qu'il s'agit bien de vous" in msgstr, (msgid, msgstr)
            assert "votre identité" not in msgstr


def test_no_english_phrase_has_two_french_translations():
    """A word whose French agrees with a noun the English does not show ("created": a
    service "créé", an API key "créée") has a context (pgettext) in each place instead."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in CATALOGS:
        for msgid, msgstr in _entries(path).items():
            if not msgid or not msgstr:
                continue
            if msgid in seen and seen[msgid][1] != msgstr:
                clashes.append((msgid, seen[msgid], (path.parts[-5], msgstr)))
            seen.setdefault(msgid, (path.parts[-5], msgstr))
    assert not clashes, clashes


@pytest.mark.parametrize(("context", "word", "french"), [
    ("API key", "created", "créée le"), ("service", "created", "créé"), ("login request", "created", "créée"),
    ("browser session", "started", "début"), ("SSO session", "started", "commencée"),
    ("recovery code", "used", "utilisé"), ("login request", "used", "utilisée"),
    ("phone number", "Added", "Ajouté le"), ("authenticator app", "Added", "Ajoutée le"),
    ("security key", "Added", "Ajoutée le"),
])
def test_a_word_that_agrees_reads_right_in_each_place(context, word, french):
    from django.utils import translation

    with translation.override("fr"):
        assert translation.pgettext(context, word) == french
