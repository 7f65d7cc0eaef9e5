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


def render(spoken: str, lexicon: Lexicon, engine: str | None) -> str:
    """The text an engine is given: each `{term}` replaced by the engine's form of it
    (`engine=None`: the engine-neutral `say:` form). A term the lexicon lacks is read
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

    return _MARK_IN_WORD_RE.sub(form, spoken)


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
