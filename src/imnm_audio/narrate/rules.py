"""The narration rules: small named functions `(text, context) -> text`, run in order.

A rule that produces a finished spoken form (a lexicon term, spelled letters, a web
address) protects it, so no later rule rewrites it."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from ..capitals import capitals
from ..content import (
    DOI_RE,
    URL_IN_TEXT_RE,
    Term,
)
from ..initialisms import matches_initials
from ..pronounce import mark, mark_respelled
from ..respell import looks_like_respelling, respells, stress_in_capitals
from ..vocabulary import WORDS_THEN_PARENS_RE, covering_term, is_rare
from .addresses import spoken_url
from .context import CLOSE, OPEN, PROTECTED_RE, Context
from .dates import speak_around_the_clock, speak_dates, speak_days, speak_times
from .numbers import (
    speak_abbreviations,
    speak_blood_pressure,
    speak_codes,
    speak_comparisons,
    speak_dashes,
    speak_doses,
    speak_emails,
    speak_fractions_and_counts,
    speak_money,
    speak_numerals,
    speak_ordinals,
    speak_phone_numbers,
    speak_powers_of_ten,
)

__all__ = ["RULES", "Context", "speak"]

Rule = Callable[[str, Context], str]


# ---------------------------------------------------------------- the rules


def remove_markup(text: str, ctx: Context) -> str:
    """Drop HTML tags, phoneme brackets and braces from the text: only the lexicon may say
    how a word sounds, and in a script braces mark its terms."""
    text = re.sub(r"</?[A-Za-z][^<>]*>", " ", text).replace("{", "(").replace("}", ")")
    return re.sub(r"\[{2,}", "[", re.sub(r"\]{2,}", "]", text))


def rewrite_visual_references(text: str, ctx: Context) -> str:
    """Drop pointers to things a listener cannot see ("or use this QR code")."""
    text = re.sub(r",?\s+or\s+(?:use|scan)\s+(?:this|the)\s+QR\s+code", "", text, flags=re.I)
    text = re.sub(
        r"\s*\((?:see\s+)?(?:the\s+)?(?:picture|image|diagram|photo)"
        r"(?:\s+(?:above|below))?\)",
        "",
        text,
        flags=re.I,
    )
    return re.sub(
        r"\b(?:scan|use)\s+(?:this|the)\s+QR\s+code\s+(?:to|and)\s+", "", text, flags=re.I
    )


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_CITATION_RE = re.compile(
    # "[1]", "[2, 3]", "[4-6]": numbers in square brackets are references in a leaflet.
    r"[ \t]*\[\d{1,3}(?:[ \t]*[,–-][ \t]*\d{1,3})*\]"
    # "disagree.²", "benefit¹", "trials²,³": superscript digits after punctuation or a
    # word of three letters or more ("m²", "cm²" and "10⁹" are units and powers).
    rf"|(?:(?<=[.,;:!?)\]’'\"])|(?<=[^\W\d_]{{3}}))[{_SUPERSCRIPTS}]+"
    rf"(?:[,⁻–-][{_SUPERSCRIPTS}]+)*"
)


def drop_citation_marks(text: str, ctx: Context) -> str:
    """Drop reference marks ("It may help.[1]", "Some disagree.²"): they point to a list
    of sources a listener cannot follow, and said aloud they are stray numbers."""
    return _CITATION_RE.sub("", text)


def speak_marks_and_plurals(text: str, ctx: Context) -> str:
    """Trademark signs are silent ("Aristocort®", "Kenacort™"), a copyright sign is
    said once ("© Copyright 2024" -> "Copyright 2024"; "© 2024" -> "copyright 2024"),
    and an optional plural is read as the plural ("Brand Name(s)" -> "Brand Names")."""
    text = re.sub(r"[®™℠]", "", text)
    text = re.sub(r"©\s*(?=(?i:copyright)\b)|(?<=(?i:copyright))\s*©", "", text)
    text = text.replace("©", " copyright ")
    return re.sub(r"(?<=[^\W\d_])\((e?s)\)(?!\w)", r"\1", text)


def read_respellings(text: str, ctx: Context) -> str:
    """Say "inflammation (IN fluh MAY shun)" once, the way the respelling says: the
    word is marked `{inflammation|IN fluh MAY shun}` and each engine is given the
    respelling in its own form (pronounce.py), never its capitals as letter names.

    The respelling must look like one (syllables, stressed ones in capitals) and be
    like the words before it, so "(IMNM)" and "(see below)" stay as they are.
    """

    def respelled(match: re.Match[str]) -> str:
        words, inside = match.group(1).split(), stress_in_capitals(match.group(2))
        if not looks_like_respelling(inside):
            return match.group(0)
        # Hyphens join one word's syllables, so spaces then part words; without hyphens
        # ("IN fluh MAY shun") the syllables are one word's.
        best = len(inside.split()) if "-" in inside else 1
        if best > len(words):
            return match.group(0)
        written = " ".join(words[-best:])
        if not respells(written, inside):
            return match.group(0)
        kept = " ".join(words[:-best])
        return (kept + " " if kept else "") + ctx.protect(mark_respelled(written, inside))

    return WORDS_THEN_PARENS_RE.sub(respelled, text)


def define_synonyms_in_parentheses(text: str, ctx: Context) -> str:
    """Read "swallowing (dysphagia)" as "swallowing, or dysphagia," like an acronym: a
    rare or lexicon word in parentheses names what came before it. Ordinary
    parentheses ("(see below)", "(rare)") stay a pause."""

    def define(match: re.Match[str]) -> str:
        words = match.group(1).split()
        if looks_like_respelling(match.group(1)):
            return match.group(0)  # not like the word before it: left as written
        if any(
            covering_term(w, ctx.lexicon) or (len(w) >= 4 and is_rare(w, ctx.language))
            for w in words
        ):
            return f", {ctx.locale.or_} {match.group(1)},"
        return match.group(0)

    return re.sub(r"\s*\(([A-Za-z][A-Za-z'’-]*(?: [A-Za-z][A-Za-z'’-]*)?)\)", define, text)


def define_acronyms_in_parentheses(text: str, ctx: Context) -> str:
    """Read "Words (ABC)" as "Words, or ABC," so the acronym is said once, after its meaning.

    The listener has now heard what ABC stands for, so its first-use expansion is skipped.
    """

    def define(match: re.Match[str]) -> str:
        acronym = match.group(1)
        ctx.introduced.add(acronym)
        if matches_initials(acronym, match.string[: match.start()]):
            ctx.initialisms.add(acronym.rstrip("s") if acronym[:-1].isupper() else acronym)
        return f", {ctx.locale.or_} {acronym},"

    return re.sub(r"\s*\(([A-Z][A-Z0-9]{1,7}s?)\)", define, text)


def expand_first_use(text: str, ctx: Context) -> str:
    """Explain a term the first time the listener hears it, using the lexicon's `expand`."""
    for term in ctx.lexicon.terms:
        if not term.expand or term.term in ctx.introduced:
            continue
        pattern = _term_pattern(term.term, term.match_case)
        match = pattern.search(text)
        if match:
            ctx.introduced.add(term.term)
            expansion = ctx.protect(_respell(term.expand, ctx))
            text = text[: match.start()] + expansion + text[match.end() :]
    return text


def apply_lexicon(text: str, ctx: Context) -> str:
    """Mark every lexicon term (whole words) as `{term}`: each engine says it its own way
    when it synthesises (pronounce.py), so the script names the word, not a sound.

    One pass over all terms, longest first: a marked term is never rewritten again, so
    entries that mention each other cannot loop.
    """
    pattern = _lexicon_pattern(ctx.lexicon.terms)
    if pattern is None:
        return text

    def marked(match: re.Match[str]) -> str:
        found = match.groupdict()
        term = found["term"] or found.get("derived")
        return ctx.protect((found.get("prefix") or "") + mark(term) + (found["suffix"] or ""))

    return pattern.sub(marked, text)


def read_capitals(text: str, ctx: Context) -> str:
    """Say a word in capitals as a word or as letters, decided from evidence (capitals.py):
    "DO NOT STOP TAKING YOUR STEROIDS" is said as words, "NHS" and "GP" spelled, "NG12"
    as "N G 12", "IMURAN" said as a word (and listed for review). A word is given to the
    engine in lower case, so no engine spells it."""
    out, last = [], 0
    for cap in capitals(text, ctx.language, ctx.initialisms):
        out.append(text[last : cap.start])
        out.append(ctx.protect(cap.spoken()))
        last = cap.end
    return "".join(out) + text[last:]


def join_hyphen_to_letters(text: str, ctx: Context) -> str:
    """Put a space where a hyphen joins a word to spelled letters ("Anti-H M G C R")."""
    return re.sub(f"-(?={OPEN})|(?<={CLOSE})-", " ", text)


def speak_urls(text: str, ctx: Context) -> str:
    """Say web addresses so a listener can write them down: the site by its parts, a path
    as what the page is ("the help page on example dot org"; addresses.py)."""

    def address(match: re.Match[str]) -> str:
        url = match.group(0)
        end = re.search(r"[.,;:!?]+$", url)  # a sentence's full stop is not the address's
        tail = end.group(0) if end else ""
        return ctx.protect(spoken_url(url[: len(url) - len(tail)], ctx.locale)) + tail

    text = DOI_RE.sub(lambda m: f"https://doi.org/{m.group(1)}", text)
    return _BARE_SITE_RE.sub(address, URL_IN_TEXT_RE.sub(address, text))


# A site written without "www" or "https://" ("nhs.uk/conditions", "example.org").
_BARE_SITE_RE = re.compile(
    r"(?<![\w@/.\ue000])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:org|com|net|uk|gov|edu|info|io|nhs)"
    r"(?:/[^\s<>()\"']*)?(?![\w])",
    re.IGNORECASE,
)


def speak_slashes(text: str, ctx: Context) -> str:
    """Read "word/word" and "word / word" as "word or word", not "word slash word"."""
    return re.sub(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])", f" {ctx.locale.or_} ", text)


def speak_symbols(text: str, ctx: Context) -> str:
    """Say symbols that engines skip or misread: "&" and "%", and a dash between numbers
    ("2–3 years", "2–3 years" -> "2 to 3")."""
    words = ctx.locale
    text = text.replace("&", f" {words.and_} ").replace("%", f" {words.percent}")
    return re.sub(r"(?<=\d)\s*[–-]\s*(?=\d)", f" {words.to} ", text)


def tidy_punctuation(text: str, ctx: Context) -> str:
    """Fold the doubled commas and spaces the other rules can leave behind; in Portuguese,
    contract what a rule put after "em" or "de" ("em a página" -> "na página")."""
    text = re.sub(r"\s+", " ", text)
    if ctx.locale.code == "pt":
        text = re.sub(
            r"\b([Ee])m a (?=página\b)", lambda m: "Na " if m.group(1) == "E" else "na ", text
        )
        text = re.sub(r"\b([Dd])e a (?=página\b)", lambda m: m.group(1) + "a ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",+(?=[,.;:!?])", "", text)
    return text.strip(" ,")


RULES: list[Rule] = [
    remove_markup,
    drop_citation_marks,
    speak_marks_and_plurals,
    rewrite_visual_references,
    speak_numerals,
    read_respellings,
    define_acronyms_in_parentheses,
    define_synonyms_in_parentheses,
    expand_first_use,
    apply_lexicon,
    speak_emails,
    speak_urls,
    speak_dates,
    speak_days,
    speak_times,
    speak_phone_numbers,
    speak_codes,
    speak_around_the_clock,
    speak_money,
    speak_blood_pressure,
    speak_powers_of_ten,
    speak_comparisons,
    speak_doses,
    speak_ordinals,
    speak_fractions_and_counts,
    speak_dashes,
    speak_abbreviations,
    read_capitals,
    join_hyphen_to_letters,
    speak_slashes,
    speak_symbols,
    tidy_punctuation,
]


def speak(text: str, ctx: Context) -> str:
    """Run every rule over one piece of display text; return its engine-neutral spoken text."""
    ctx.protected = []
    for rule in RULES:
        text = rule(text, ctx)
    return _restore(text, ctx)


# ---------------------------------------------------------------- helpers


def _restore(text: str, ctx: Context) -> str:
    while OPEN in text:
        text = PROTECTED_RE.sub(lambda m: ctx.protected[int(m.group(1))], text)
    return text


def _respell(text: str, ctx: Context) -> str:
    """Pass an expansion through the lexicon and acronym rules only."""
    saved = ctx.protected
    ctx.protected = []
    out = _restore(read_capitals(apply_lexicon(text, ctx), ctx), ctx)
    ctx.protected = saved
    return out


# A term is a whole word: not inside another word, a protected span, a path or an address.
_TERM_BEFORE = r"(?<![\w\ue000/.])"
_TERM_AFTER = r"(?![\w\ue001/]|\.\w)"


def _term_pattern(term: str, match_case: bool) -> re.Pattern[str]:
    return re.compile(
        _TERM_BEFORE + re.escape(term) + _TERM_AFTER, 0 if match_case else re.IGNORECASE
    )


# Keyed by the terms themselves (frozen, hashable), not by the lexicon's id(): a new
# lexicon can be given a freed one's id, and would then have been read with its terms.
@functools.lru_cache(maxsize=16)
def _lexicon_pattern(entries: tuple[Term, ...]) -> re.Pattern[str] | None:
    """One pattern for every term, longest first, so an exact entry for a longer word
    wins: a whole word, or (`derived` entries) the end of a longer word; either with a
    plural or possessive ending."""
    terms = sorted(entries, key=lambda t: -len(t.term))
    if not terms:
        return None

    def alternatives(chosen: list[Term]) -> str:
        return "|".join(
            re.escape(t.term) if t.match_case else f"(?i:{re.escape(t.term)})" for t in chosen
        )

    derived = [t for t in terms if t.derived]
    body = f"(?P<term>{alternatives(terms)})"
    if derived:
        body = f"(?:{body}|(?P<prefix>[A-Za-z]+?)(?P<derived>{alternatives(derived)}))"
    return re.compile(_TERM_BEFORE + body + r"(?P<suffix>['’]s|es|s)?" + _TERM_AFTER)
