"""Factsheet -> Script: the narration rules, the episode script and the hold-line script.

`rules.py` turns display text into spoken text, rule by rule; `addresses.py` speaks
web addresses; `sentences.py` splits paragraphs; `episode.py` and `hold.py` lay out
the two kinds of script.
"""

from .addresses import spell_words, spoken_url
from .episode import (
    NARRATION_VERSION,
    PAUSE_CHAPTER_END,
    PAUSE_HEADING,
    PAUSE_LEAD,
    PAUSE_PARAGRAPH,
    PAUSE_SENTENCE,
    narrate,
    narration_hash,
)
from .hold import narrate_hold
from .rules import (
    RULES,
    Context,
    Rule,
    apply_lexicon,
    define_acronyms_in_parentheses,
    expand_first_use,
    join_hyphen_to_letters,
    read_capitals,
    remove_markup,
    rewrite_visual_references,
    speak,
    speak_slashes,
    speak_symbols,
    speak_urls,
    tidy_punctuation,
)
from .sentences import split_sentences

__all__ = [
    "NARRATION_VERSION",
    "PAUSE_CHAPTER_END",
    "PAUSE_HEADING",
    "PAUSE_LEAD",
    "PAUSE_PARAGRAPH",
    "PAUSE_SENTENCE",
    "RULES",
    "Context",
    "Rule",
    "apply_lexicon",
    "define_acronyms_in_parentheses",
    "expand_first_use",
    "join_hyphen_to_letters",
    "narrate",
    "narrate_hold",
    "narration_hash",
    "remove_markup",
    "rewrite_visual_references",
    "speak",
    "speak_slashes",
    "speak_symbols",
    "speak_urls",
    "read_capitals",
    "spell_words",
    "split_sentences",
    "spoken_url",
    "tidy_punctuation",
]
