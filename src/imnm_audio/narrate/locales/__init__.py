"""The narration's own words, per language: what the introduction, the chapter list,
the closing and the hold line say, and the words the number, unit, date, money and
address rules put around the digits.

A factsheet is narrated wholly in its language: every word the tool adds comes from
its locale here (English, Spanish, Portuguese). Digits stay digits: every engine that
speaks the language reads "12" and "0,5" in it. A language without a locale is refused
before anything is narrated (`locale_for`).
"""

from __future__ import annotations

from ...errors import ContentError
from .base import Locale
from .english import ENGLISH
from .portuguese import PORTUGUESE
from .spanish import SPANISH

__all__ = ["ENGLISH", "LOCALES", "PORTUGUESE", "SPANISH", "Locale", "locale_for"]

LOCALES = {locale.code: locale for locale in (ENGLISH, SPANISH, PORTUGUESE)}


def locale_for(language: str, path: object = None) -> Locale:
    """The locale of a language tag ("pt-BR" -> Portuguese); ContentError (exit 2) for a
    language the narration has no words for, naming those it has."""
    code = language.replace("_", "-").split("-")[0].lower()
    if code in LOCALES:
        return LOCALES[code]
    known = ", ".join(f"{loc.name} ({loc.code})" for loc in LOCALES.values())
    raise ContentError(
        f"the factsheet is in '{language}', a language the narration has no words for yet "
        "(its introduction, closing and number rules).",
        path=path,  # type: ignore[arg-type]
        fix=f"Narrated languages: {known}. Set 'language:' in the front matter if it is one "
        "of them.",
    )
