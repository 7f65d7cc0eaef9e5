"""Lexicon terms in a script, rendered for one engine when it speaks.

A script is engine-neutral: it writes a lexicon term as the word in braces,
`{IMNM}`, which a reviewer reads as "the lexicon says how". Each engine gets the
term's own form when it synthesises (Piper its phonemes, gTTS its `gtts:` form or
`say:`), so one reviewed script serves every engine, and a pronunciation change in
the lexicon reaches exactly the clips whose rendered text it changes.
"""

from __future__ import annotations

import re

from .content import Lexicon, Term

TERM_MARK_RE = re.compile(r"\{([^{}\n]+)\}")
# A stress respelling: syllables joined by hyphens, the stressed one in capitals
# ("rih-TUK-sih-mab"). The capitals are for a reader; an engine would spell them.
_RESPELLING_RE = re.compile(r"^[A-Za-z]+(?:-[A-Za-z]+)+$")


def engine_form(term: Term, engine: str | None) -> str:
    """How `engine` is given a term: its own form if the entry has one, else `say:`,
    with a stress respelling's capitals lowered so no engine reads them as letters
    (`engine=None`: `say:` as written, for people)."""
    form = dict(term.engines).get(engine or "")
    if form is not None:
        return form
    if engine and any(_RESPELLING_RE.match(word) for word in term.say.split()):
        return " ".join(w.lower() if _RESPELLING_RE.match(w) else w for w in term.say.split())
    return term.say


def mark(written: str) -> str:
    """How a script writes a lexicon term: the word as written, in braces."""
    return "{" + written + "}"


def find_term(lexicon: Lexicon, written: str) -> Term | None:
    """The entry a marked word names: exactly, or in any case where the entry allows."""
    for term in lexicon.terms:
        if term.term == written or (not term.match_case and term.term.lower() == written.lower()):
            return term
    return None


def unknown_terms(spoken: str, lexicon: Lexicon) -> list[str]:
    """Marked words the lexicon has no entry for."""
    return [m for m in TERM_MARK_RE.findall(spoken) if find_term(lexicon, m) is None]


def render(spoken: str, lexicon: Lexicon, engine: str | None) -> str:
    """The text an engine is given: each `{term}` replaced by the engine's form of it
    (`engine=None`: the engine-neutral `say:` form). A term the lexicon lacks is read
    as written; `unknown_terms` finds those before synthesis."""

    def form(match: re.Match[str]) -> str:
        written = match.group(1)
        term = find_term(lexicon, written)
        if term is None:
            return written
        spoken_form = engine_form(term, engine)
        if not term.match_case and written[:1].isupper() and spoken_form[:1].islower():
            spoken_form = spoken_form[0].upper() + spoken_form[1:]
        return spoken_form

    return TERM_MARK_RE.sub(form, spoken)


def heard_as(spoken: str, lexicon: Lexicon) -> str:
    """The words a listener should hear, for comparing with what a recogniser wrote:
    a term as written ("rituximab", "IMNM"), except a web address or a written symbol
    ("and/or"), whose `say:` form is what is spoken."""

    def words(match: re.Match[str]) -> str:
        written = match.group(1)
        term = find_term(lexicon, written)
        if term is None:
            return written
        return term.say if ("." in term.term or "/" in term.term) else written

    return TERM_MARK_RE.sub(words, spoken)
