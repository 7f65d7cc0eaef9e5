"""What the narration rules know as they run: the lexicon, the factsheet's language,
what the listener has heard so far, and the spans already in their final spoken form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..content import Lexicon
from .locales import Locale, locale_for

OPEN, CLOSE = "\ue000", "\ue001"
PROTECTED_RE = re.compile(f"{OPEN}(\\d+){CLOSE}")


@dataclass
class Context:
    """What the rules know: the lexicon, and what the listener has heard so far."""

    lexicon: Lexicon
    language: str = "en-US"  # the factsheet's: decides date order, phone region, spelling
    introduced: set[str] = field(default_factory=set)
    initialisms: set[str] = field(default_factory=set)  # defined by their words: spelled
    protected: list[str] = field(default_factory=list)

    @property
    def locale(self) -> Locale:
        """The narration's own words in the factsheet's language (narrate/locales/)."""
        return locale_for(self.language)

    def protect(self, spoken: str) -> str:
        self.protected.append(spoken)
        return f"{OPEN}{len(self.protected) - 1}{CLOSE}"
