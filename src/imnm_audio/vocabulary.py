"""Words to review: the words of a factsheet an engine would have to guess.

A speech engine says common English words from its dictionary and guesses the rest
from spelling rules, which is where medical words go wrong ("azathioprine" heard as
"as of the operating"). So a word is put to the reviewer when the lexicon does not
cover it and it is

- rare in general English: below `RARE_ZIPF` in wordfreq's frequency lists (a Zipf
  value of 3 is once per million words; drug, brand and disease names sit at 1-2.5);
- a name with digits, like an antibody ("Jo-1", "MDA5", "TIF1-gamma"); or
- an acronym the lexicon does not know, which the narration spells as letters.

wordfreq (maintained, offline, from many large corpora) decides rarity. The CMU
Pronouncing Dictionary is not used to decide: it lists many rare words whose
pronunciation espeak-ng, and so Piper, still guesses (methotrexate, corticosteroid).
It is used for what it is good at: a draft respelling for `imnm-audio lexicon suggest`.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from .content import DOI_RE, URL_IN_TEXT_RE, Lexicon, Term
from .respell import from_arpabet, looks_like_respelling, respells, stress_in_capitals

RARE_ZIPF = 3.0
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# A word: letters of any alphabet (accented ones whole: "informação"), digits after its
# first letter, an apostrophe's ending, hyphenated parts.
TOKEN_RE = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)?(?:-[^\W_]+)*")
_LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "pt": "Portuguese"}
_PARENS_RE = re.compile(r"\(([^()]*)\)")
_POSSESSIVE_RE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class ReviewWord:
    word: str  # as first written
    why: str
    line: int | None = None  # in the factsheet file
    count: int = 1
    say: str | None = None  # the factsheet's own respelling ("uh-SEE-tul-KOH-leen")


@functools.lru_cache(maxsize=50_000)
def zipf(word: str, language: str = "en") -> float:
    """How common a word is in general text: wordfreq's Zipf scale (7 = 'the')."""
    from wordfreq import zipf_frequency

    code = language.split("-")[0].lower()
    try:
        return zipf_frequency(word, code)
    except (ImportError, LookupError, ValueError):
        # A language whose tokenizer is not installed (Japanese and Korean need MeCab,
        # Chinese jieba): the word is looked up as it is; unknown languages know none.
        return _zipf_as_written(word.lower(), code)


def _zipf_as_written(word: str, code: str) -> float:
    import math

    from wordfreq import get_frequency_dict

    try:
        frequency = get_frequency_dict(code).get(word, 0.0)
    except (ImportError, LookupError, ValueError):
        return 0.0
    return round(math.log10(frequency) + 9, 2) if frequency > 0 else 0.0


def release() -> bool:
    """Drop wordfreq's tables (about 50 MB) once the scripts are written: the build
    synthesises next, and the voice needs the room (`pipeline/run.py`). True when
    there was something to drop."""
    zipf.cache_clear()
    wordfreq = sys.modules.get("wordfreq")  # never imported just to be emptied
    if wordfreq is None:
        return False
    for cached in ("get_frequency_dict", "get_frequency_list"):
        clear = getattr(getattr(wordfreq, cached, None), "cache_clear", None)
        if clear is not None:
            clear()
    return True


def is_rare(word: str, language: str = "en") -> bool:
    """Rare in general English, and not a plain ending on a common word ("calms")."""
    lowered = word.lower()
    if zipf(lowered, language) >= RARE_ZIPF:
        return False
    stems = [lowered[: -len(end)] for end in _ENDINGS if lowered.endswith(end)]
    stems += [s + "e" for s in stems]  # "causes" -> "caus" -> "cause"
    return not any(len(s) >= 3 and zipf(s, language) >= RARE_ZIPF for s in stems)


_ENDINGS = ("s", "es", "ed", "d", "ing", "ly", "er", "ers")


def dictionary_respelling(word: str) -> str | None:
    """A respelling from the CMU Pronouncing Dictionary, when it has the word."""
    from .capitals import pronunciation

    phones = pronunciation(word)
    return from_arpabet(phones) if phones else None


def covering_term(word: str, lexicon: Lexicon) -> Term | None:
    """The lexicon entry that says this word: exactly, as a plural or possessive of
    it, or (entries marked `derived`) at the end of a longer word."""
    stem = _POSSESSIVE_RE.sub("", word)
    candidates = [stem, stem[:-1] if stem.endswith("s") else None]
    candidates.append(stem[:-2] if stem.endswith("es") else None)
    for entry in lexicon.terms:
        for form in filter(None, candidates):
            if entry.term == form or (not entry.match_case and entry.term.lower() == form.lower()):
                return entry
    lowered = stem.lower()
    for entry in lexicon.terms:
        if entry.derived and len(lowered) > len(entry.term):
            end = entry.term.lower()
            if lowered.endswith(end) or lowered.endswith(end + "s"):
                return entry
    return None


def without_addresses(text: str) -> str:
    """Text with web and email addresses, DOIs and inline respellings blanked out (the
    same length, so positions in it are positions in `text`)."""

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    text = URL_IN_TEXT_RE.sub(blank, EMAIL_RE.sub(blank, DOI_RE.sub(blank, text)))
    return _PARENS_RE.sub(
        lambda m: blank(m) if looks_like_respelling(m.group(1)) else m.group(0), text
    )


SPELLED = "an acronym the lexicon does not know: spelled as letters"
NEW_WORD = "in capitals and not a word the voice knows: said as a word"


def classify(
    token: str, lexicon: Lexicon, language: str = "en", reading: str | None = None
) -> list[tuple[str, str]]:
    """The parts of one written token a reviewer should check, each with why. A word in
    capitals is read as capitals.py decides (`reading`, from its sentence, when given)."""
    if covering_term(token, lexicon) is not None:
        return []
    antibody = re.match(r"(?i)anti-(?=\w)", token)
    if antibody:  # "anti-Jo-1": the name is after "anti-"
        token = token[antibody.end() :]
        if covering_term(token, lexicon) is not None:
            return []
        # A name, not a word: digits, capitals after its first letter, or very short
        # ("Jo-1", "PM-Scl", "SRP", "Ku"); "Anti-Inflammatory" is a word.
        if re.search(r"\d|.[A-Z]", token) or len(token) <= 3:
            return [(token, "an antibody name: how is it said?")]
    if re.search(r"\d", token):
        if re.fullmatch(r"x\d+", token) or re.fullmatch(r"[A-Z]\d+", token):
            return []
        return [(token, "a name with digits: how is it said?")]
    found = []
    parts = token.split("-")
    for part in parts:
        bare = _POSSESSIVE_RE.sub("", part)
        if not bare or covering_term(bare, lexicon) is not None:
            continue
        plain = bare[:-1] if bare.endswith("s") and bare[:-1].isupper() else bare
        if len(plain) >= 2 and plain.isupper():
            how = reading if reading and len(parts) == 1 else _reading(plain, language)
            if how == "letters":
                found.append((plain, SPELLED))
            elif how == "new":
                found.append((plain, NEW_WORD))
        elif len(bare) >= 4 and is_rare(bare, language):
            code = language.split("-")[0].lower()
            name = _LANGUAGE_NAMES.get(code, code)
            found.append((bare, f"rare in {name} ({_rate(zipf(bare.lower(), language), name)})"))
    return found


def _reading(word: str, language: str) -> str:
    from .capitals import capitals

    found = capitals(word, language)
    return found[0].reading if found else "word"


def capital_readings(text: str, language: str) -> dict[int, str]:
    """How each word in capitals in the text is read, by where it starts."""
    from .capitals import capitals

    return {c.start: c.reading for c in capitals(text, language)}


def review_words(
    texts: Iterable[str], lexicon: Lexicon, language: str = "en", source: str | None = None
) -> list[ReviewWord]:
    """Every word to review in these texts, once each in order of first use, with how
    often it is used and (given the factsheet's text) the line it is first on."""
    seen: dict[str, ReviewWord] = {}
    for text in texts:
        respelled = printed_respellings(text)
        for word, say in respelled.items():
            if covering_term(word, lexicon) is None and word.lower() not in seen:
                why = f"the factsheet prints how it is said: ({say})"
                seen[word.lower()] = ReviewWord(word, why, _line_of(word, source), 0, say)
        plain = without_addresses(text)
        readings = capital_readings(plain, language)
        for match in TOKEN_RE.finditer(plain):
            token = match.group(0)
            for word, why in classify(token, lexicon, language, readings.get(match.start())):
                key = word if word.isupper() else word.lower()
                if key in seen or key.lower() in seen:
                    key = key if key in seen else key.lower()
                    old = seen[key]
                    seen[key] = ReviewWord(old.word, old.why, old.line, old.count + 1, old.say)
                else:
                    seen[key] = ReviewWord(word, why, _line_of(word, source), 1)
    # A word respelled but not otherwise listed was still used at least once.
    return [w if w.count else ReviewWord(w.word, w.why, w.line, 1, w.say) for w in seen.values()]


WORDS_THEN_PARENS_RE = re.compile(r"((?:[\w'’-]+[ \t]+){0,3}[\w'’-]+)[ \t]*\(([^()\n]+)\)")


def printed_respellings(text: str) -> dict[str, str]:
    """The words a text respells in brackets after them, each with its respelling in
    capitals ("Acetylcholine (uh-SEE-tul-KOH-leen)"; "Myasthenia gravis (my-us-THEE-nee-uh
    GRAV-us)" gives each word its part), as the narration reads them (rules.py)."""
    found: dict[str, str] = {}
    for match in WORDS_THEN_PARENS_RE.finditer(text):
        inside = stress_in_capitals(match.group(2))
        if not looks_like_respelling(inside):
            continue
        parts = inside.split() if "-" in inside else [inside]
        words = match.group(1).split()
        if len(parts) > len(words):
            continue
        written = words[-len(parts) :]
        if not respells(" ".join(written), inside):
            continue
        for word, part in zip(written, parts, strict=True):
            found.setdefault(word, part)
    return found


def _line_of(word: str, source: str | None) -> int | None:
    if source is None:
        return None
    pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?:['’]?s)?(?!\w)", re.IGNORECASE)
    for number, line in enumerate(source.splitlines(), 1):
        if pattern.search(line):
            return number
    return None


def _rate(zipf_value: float, language: str = "English") -> str:
    if zipf_value <= 0:
        return f"not in wordfreq's {language} lists"
    per_million = 10 ** (zipf_value - 3)
    if per_million >= 0.1:
        return f"{per_million:.1f} per million words"
    return f"{per_million * 1000:.0f} per billion words"


TODO = "TODO"


def draft_entry(word: ReviewWord) -> tuple[str, str, str]:
    """A lexicon entry drafted for a word to review: the term as the entry should match
    it, a `say:` (TODO where none can be drafted), and what to do with it."""
    term = word.word
    if term[:1].isupper() and term[1:].islower():
        term = term.lower()  # a capital at the start of a sentence: match any case
    if word.say:
        return term, word.say, "as the factsheet respells it: listen, and keep or correct it"
    if term.isupper():
        return term, " ".join(term), "spelled as letters; write it as a word if it is said as one"
    if any(c.isdigit() for c in term):
        return term, TODO, "write how it is said, e.g. 'joe one' for Jo-1"
    drafted = dictionary_respelling(term)
    if drafted:
        return term, drafted, "drafted from the CMU Pronouncing Dictionary: check it"
    return term, TODO, "write it as syllables, the stressed one in capitals: rih-TUK-sih-mab"
