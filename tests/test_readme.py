"""README's journey quotes every screen label in French and English, and each pair is what
the product shows: the French is the translation of the English in the catalogs."""

import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIR = re.compile(r'"([^"\n]+)" /\s+"([^"\n]+)"')


def french(english: str) -> str | None:
    """What the product shows in French for `english`: eulogin's catalogs as Django merges
    them, else the demo TRACES NT's own."""
    from django.utils import translation

    with translation.override("fr"):
        shown = translation.gettext(english)
    if shown != english:
        return shown
    with (ROOT / "traces_gateway/demo_site/locale/fr/LC_MESSAGES/django.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog.get(english)


def test_every_label_pair_of_the_readme_is_the_products_french_and_english():
    readme = (ROOT / "README.md").read_text()
    pairs = [(" ".join(fr.split()), " ".join(en.split())) for fr, en in PAIR.findall(readme)]
    assert len(pairs) >= 10
    wrong = [(fr, en, french(en)) for fr, en in pairs if french(en) != fr]
    assert not wrong, wrong


def test_step_5_says_what_the_sms_method_asks_for():
    journey = (ROOT / "README.md").read_text().split("## The journey", 1)[1].split("\n## ", 1)[0]
    step5 = " ".join(journey.split("5. ", 1)[1].split())
    assert "the password and the number" in step5
    assert '"Téléphone portable + SMS" / "Mobile phone + SMS"' in step5
