"""Lexicon terms in a script, rendered for one engine when it speaks.

A script is engine-neutral: it writes a lexicon term as the word in braces,
`{IMNM}`, which a reviewer reads as "the lexicon says how". Each engine gets the
term's own form when it synthesises (Piper its `piper:` phonemes, hibari its
`hibari:` form, gTTS its `gtts:` form, or else `say:`, a respelling in it as
phonemes for Piper and hibari), so one reviewed script serves every engine, and a
pronunciation change in the lexicon reaches exactly the clips whose rendered text
it changes.
"""

from __future__ import annotations

import re

from .content import Lexicon, Term
from .respell import for_engines, is_stress_respelling, to_phonemes

TERM_MARK_RE = re.compile(r"\{([^{}\n]+)\}")
# A mark with what is attached to it: a derived word's beginning ("dermato{myositis}")
# and a plural or possessive ending ("{statin}s", "{IMNM}'s").
_MARK_IN_WORD_RE = re.compile(r"([A-Za-z]*)\{([^{}\n]+)\}(['’]s|es|s)?(?![A-Za-z])")
_PHONEMES_RE = re.compile(r"^\[\[\s*(.*?)\s*\]\]$")
# Engines given a respelling as phonemes, `[[ espeak-ng IPA ]]`: Piper speaks them as
# they are, hibari turns them into its own alphabet for the voice's accent.
PHONEME_ENGINES = ("piper", "hibari")


def engine_form(term: Term, engine: str | None) -> str:
    """How `engine` is given a term: its own form if the entry has one, else `say:`.
    A stress respelling ("rih-TUK-sih-mab") reaches Piper and hibari as phonemes
    stressed where the capitals are, and other engines with its capitals lowered, so
    no engine reads them as letters (`engine=None`: `say:` as written, for people)."""
    form = dict(term.engines).get(engine or "")
    if form is not None:
        return form
    words = term.say.split()
    if engine and any(is_stress_respelling(w) for w in words):
        return " ".join(
            respelled_form(w, w, engine) if is_stress_respelling(w) else w for w in words
        )
    return term.say


def mark(written: str) -> str:
    """How a script writes a lexicon term: the word as written, in braces."""
    return "{" + written + "}"


def mark_respelled(written: str, respelling: str) -> str:
    """How a script writes a word the factsheet respells: `{inflammation|IN fluh MAY shun}`."""
    return "{" + written + "|" + respelling + "}"


def respelled_form(written: str, respelling: str, engine: str | None) -> str:
    """A factsheet's respelling as `engine` is given it."""
    if engine in PHONEME_ENGINES:
        return f"[[ {to_phonemes(respelling, len(written.split()))} ]]"
    return for_engines(respelling) if engine else respelling


def find_term(lexicon: Lexicon, written: str) -> Term | None:
    """The entry a marked word names: exactly, or in any case where the entry allows."""
    for term in lexicon.terms:
        if term.term == written or (not term.match_case and term.term.lower() == written.lower()):
            return term
    return None


def unknown_terms(spoken: str, lexicon: Lexicon) -> list[str]:
    """Marked words the lexicon has no entry for."""
    return [
        m for m in TERM_MARK_RE.findall(spoken) if "|" not in m and find_term(lexicon, m) is None
    ]


# Two or more capital letters each standing alone, the last maybe with "s" or "'s":
# letters spelled out by the narration ("D M A R Ds", "G P's").
LETTER_RUN_RE = re.compile(r"(?<![\w\ue000\[\]'’-])(?:[A-Z] ){1,}[A-Z](?:['’]?s)?(?![\w'’\]-])")
# The letter A's name, "ay", as phonemes: given as text, "A" is the article "uh" to
# every engine ("D M A R D" heard "DMRD"), and "ay" is heard "I".
LETTER_A = "[[ ˈeɪ ]]"


def name_letters(text: str, engine: str | None, language: str = "en") -> str:
    """Spelled letters as an engine must be given them to say their names: in English an
    "A" among them is given to Piper and hibari as the phonemes of "ay", and a plural's
    "s" on the last letter is written "'s" ("D Ds" is heard "D D S"; "D D's" "DDs").
    Measured with both voices and both recognisers: a plural letter as phonemes
    ("ˈdiːz") was heard wrong ("IDs", "these"), so it stays text."""
    if not language.lower().startswith("en") or engine is None:
        return text

    def named(match: re.Match[str]) -> str:
        *letters, last = match.group(0).split()
        if last.endswith("s") and not last.endswith(("'s", "’s")):
            last = last[:-1] + "'s"
        out = [*letters, last]
        if engine in PHONEME_ENGINES:
            out = [("[[ ˈeɪz ]]" if w[1:] else LETTER_A) if w[0] == "A" else w for w in out]
        return " ".join(out)

    return LETTER_RUN_RE.sub(named, text)


def render(spoken: str, lexicon: Lexicon, engine: str | None, language: str = "en") -> str:
    """The text an engine is given: each `{term}` replaced by the engine's form of it
    (`engine=None`: the engine-neutral `say:` form), and spelled letters as the engine
    must be given them to name them (`name_letters`). A term the lexicon lacks is read
    as written; `unknown_terms` finds those before synthesis."""

    def form(match: re.Match[str]) -> str:
        prefix, written, suffix = match.group(1), match.group(2), match.group(3) or ""
        if "|" in written:
            written, respelling = written.split("|", 1)
            spoken_form = respelled_form(written, respelling, engine)
        else:
            term = find_term(lexicon, written)
            if term is None:
                return prefix + written + suffix
            spoken_form = engine_form(term, engine)
            capital = (prefix or written)[:1].isupper()
            if not term.match_case and capital and spoken_form[:1].islower() and not prefix:
                spoken_form = spoken_form[0].upper() + spoken_form[1:]
        return _attach(prefix, spoken_form, suffix)

    return name_letters(_MARK_IN_WORD_RE.sub(form, spoken), engine, language)


def _attach(prefix: str, form: str, suffix: str) -> str:
    """A form with the rest of its written word: a prefix is said by the engine's own
    rules, before phonemes or a respelling as a word of its own; a plural or
    possessive ending joins phonemes as the sound it makes."""
    phonemes = _PHONEMES_RE.match(form)
    if suffix and phonemes:
        body = phonemes.group(1)
        last = body.rstrip("ː ")[-1:]
        ending = "ɪz" if last in "szʃʒ" or body.endswith("dʒ") else "s" if last in "ptkfθ" else "z"
        form, suffix = f"[[ {body}{ending} ]]", ""
    if prefix and (phonemes or "-" in form):
        return f"{prefix} {form}{suffix}"
    return prefix + form + suffix


def heard_as(spoken: str, lexicon: Lexicon) -> str:
    """The words a listener should hear, for comparing with what a recogniser wrote:
    a term as written ("rituximab", "IMNM"), except a web address or a written symbol
    ("and/or"), whose `say:` form is what is spoken."""

    def words(match: re.Match[str]) -> str:
        written = match.group(1).split("|")[0]
        term = find_term(lexicon, written)
        if term is None:
            return written
        return term.say if ("." in term.term or "/" in term.term) else written

    return TERM_MARK_RE.sub(words, spoken)
