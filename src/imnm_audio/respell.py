"""Stress respellings, the way patient leaflets write how a word sounds.

A respelling spells each syllable with plain letters and writes the stressed one
in capitals: "rih-TUK-sih-mab", "IN fluh MAY shun", "dis-FAY-jee-uh". A person
reads it at a glance; an engine reads capitals as letter names ("S Y"). So each
engine is given its own form of it: Piper (whose voices are trained on espeak-ng
phonemes) the phonemes with the stress where the capitals are, and every other
engine the syllables in lower case.

The same spelling table turns a CMU Pronouncing Dictionary entry into a respelling,
which `imnm-audio lexicon suggest` offers as a draft `say:`.
"""

from __future__ import annotations

import difflib
import re

# Vowel spellings, longest first: (respelling, stressed IPA, unstressed IPA).
_VOWELS: list[tuple[str, str, str]] = [
    ("eye", "aɪ", "aɪ"),
    ("igh", "aɪ", "aɪ"),
    ("air", "ɛɹ", "ɛɹ"),
    ("ear", "ɪɹ", "ɪɹ"),
    ("oor", "ʊɹ", "ʊɹ"),
    ("ay", "eɪ", "eɪ"),
    ("ai", "eɪ", "eɪ"),
    ("ee", "iː", "i"),
    ("ea", "iː", "i"),
    ("oh", "oʊ", "oʊ"),
    ("oe", "oʊ", "oʊ"),
    ("oa", "oʊ", "oʊ"),
    ("oo", "uː", "u"),
    ("ew", "uː", "u"),
    ("ow", "aʊ", "aʊ"),
    ("ou", "aʊ", "aʊ"),
    ("oy", "ɔɪ", "ɔɪ"),
    ("oi", "ɔɪ", "ɔɪ"),
    ("uh", "ʌ", "ə"),
    ("ih", "ɪ", "ɪ"),
    ("eh", "ɛ", "ɛ"),
    ("aw", "ɔː", "ɔː"),
    ("ah", "ɑː", "ɑː"),
    ("ar", "ɑːɹ", "ɑːɹ"),
    ("er", "ɜː", "ɚ"),
    ("ur", "ɜː", "ɚ"),
    ("ir", "ɜː", "ɚ"),
    ("or", "ɔːɹ", "ɔːɹ"),
    ("uu", "ʊ", "ʊ"),
    ("a", "æ", "æ"),
    ("e", "ɛ", "ɛ"),
    ("i", "ɪ", "ɪ"),
    ("o", "ɑː", "ɑː"),
    ("u", "ʌ", "ə"),
    ("y", "aɪ", "aɪ"),  # "my", "SY": a y with no vowel after it
]
_CONSONANTS: list[tuple[str, str]] = [
    ("tch", "tʃ"),
    ("ch", "tʃ"),
    ("sh", "ʃ"),
    ("zh", "ʒ"),
    ("th", "θ"),
    ("dh", "ð"),
    ("ng", "ŋ"),
    ("ph", "f"),
    ("wh", "w"),
    ("ck", "k"),
    ("j", "dʒ"),
    ("g", "ɡ"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("r", "ɹ"),
    *((c, c) for c in "bdfhklmnpstvwz"),
]
_VOWEL_LETTERS = set("aeiouy")
_SYLLABLE_RE = re.compile(r"^[A-Za-z]{1,6}$")


def syllables(respelling: str) -> list[list[str]]:
    """The words of a respelling, each a list of syllables ("IN fluh" -> [[IN], [fluh]];
    hyphens join the syllables of one word)."""
    return [word.split("-") for word in respelling.split()]


_APOSTROPHE_STRESS_RE = re.compile(r"\b([a-z]{1,6})['’](?=\s|-|$)")


def stress_in_capitals(text: str) -> str:
    """A respelling with its stress written the American pharmacopoeia's way, an
    apostrophe after the stressed syllable ("trye am sin' oh lone"), written the
    leaflets' usual way, the stressed syllable in capitals ("trye am SIN oh lone")."""
    return _APOSTROPHE_STRESS_RE.sub(lambda m: m.group(1).upper(), text.strip())


def looks_like_respelling(text: str) -> bool:
    """Syllables of plain letters, split by hyphens or spaces, the stressed ones in
    capitals or marked by an apostrophe: "IN fluh MAY shun", "dis-FAY-jee-uh",
    "my-oh-sy-tis", "trye am sin' oh lone". An acronym ("IMNM", "NHS trust") or
    ordinary words in parentheses are not."""
    text = stress_in_capitals(text)
    parts = [p for word in syllables(text) for p in word]
    if len(parts) < 2 or not all(_SYLLABLE_RE.match(p) for p in parts):
        return False
    if any(not _VOWEL_LETTERS & set(p.lower()) for p in parts):
        return False  # "NHS": every syllable has a vowel
    if any(not (p.isupper() or p.islower()) for p in parts):
        return False  # "Jo", "Scl": names, not syllables
    capitals = [p for p in parts if p.isupper()]
    if capitals and (len(capitals) == len(parts) or any(len(p) > 6 for p in capitals)):
        return False  # all capitals, or a capital "word" too long to be a syllable
    return bool(capitals) or "-" in text


# How a word may start when its respelling starts otherwise ("cyclo" is "SY-kloh").
_SAME_START = {"c": "ks", "k": "n", "p": "fs", "x": "z", "g": "j", "w": "r", "h": "aeiou"}


def similarity(written: str, respelling: str) -> float:
    """How alike a word and a respelling are, letter by letter (0 to 1)."""
    a = re.sub(r"[^a-z]", "", written.lower())
    b = re.sub(r"[^a-z]", "", respelling.lower())
    return difflib.SequenceMatcher(None, a, b).ratio() if a and b else 0.0


def respells(written: str, respelling: str) -> bool:
    """Whether `respelling` plausibly says `written`: alike enough, and starting with
    a sound the word can start with ("dysphagia" / "dis-FAY-jee-uh", but not
    "services" / "UK only")."""
    if any(len(w) > 1 and w.isupper() for w in written.split()):
        return False  # an acronym is not respelled: "UK services (UK only)"
    a, b = written.lower().lstrip("'\""), respelling.lower()
    if not a or not b:
        return False
    score = similarity(a, b)
    # A word starting with a vowel letter may start with any vowel sound
    # ("acetylcholine" / "uh-SEE-tul-KOH-leen", "eculizumab" / "ek-yoo-LIZ-oo-mab").
    vowels = "aeiou"
    same_start = (
        a[0] == b[0] or b[0] in _SAME_START.get(a[0], "") or (a[0] in vowels and b[0] in vowels)
    )
    return score >= 0.5 or (same_start and score >= 0.25)


def _is_stressed(syllable: str) -> bool:
    return syllable.isupper() and len(syllable) > 1 or syllable in ("A", "E", "I", "O", "U")


def _syllable_ipa(syllable: str, mark: str = "ˈ") -> str:
    stressed = _is_stressed(syllable)
    s = syllable.lower()
    # A silent e makes the vowel before it long, as respellings write it ("lone", "mide").
    silent_e = re.fullmatch(r"([^aeiouy]*)([aeiou])([^aeiouwy])e", s)
    if silent_e:
        onset, vowel, coda = silent_e.groups()
        long = {"a": "ay", "e": "ee", "i": "eye", "o": "oh", "u": "oo"}[vowel]
        return _syllable_ipa(
            onset + long + coda if not stressed else (onset + long + coda).upper(), mark
        )
    out: list[str] = []
    marked = False
    i = 0
    while i < len(s):
        rest = s[i:]
        # A y before a vowel is a consonant ("yuh"); otherwise it is the vowel of "my".
        if rest == "ye" and i:  # "trye", "hye": the vowel of "my"
            out.extend([mark, "aɪ"] if stressed and not marked else ["aɪ"])
            break
        if rest[0] == "y" and len(rest) > 1 and rest[1] in _VOWEL_LETTERS:
            out.append("j")
            i += 1
            continue
        for spelling, strong, weak in _VOWELS:
            if rest.startswith(spelling):
                if stressed and not marked:
                    out.append(mark)
                    marked = True
                out.append(strong if stressed else weak)
                i += len(spelling)
                break
        else:
            for spelling, ipa in _CONSONANTS:
                if rest.startswith(spelling):
                    if i and s[i - 1] == rest[0] and len(spelling) == 1:
                        i += 1  # "ness": one s, not two
                        break
                    out.append(ipa)
                    i += len(spelling)
                    break
            else:
                i += 1  # a letter no respelling uses: left out
    return "".join(out)


def to_phonemes(respelling: str, words: int | None = None) -> str:
    """A respelling as espeak-ng IPA, the stress mark before the stressed vowel, as
    Piper's `[[ ... ]]` takes it: "rih-TUK-sih-mab" -> "ɹɪtˈʌksɪmæb". With `words`
    (how many written words it respells), syllables split by spaces are one word
    when their number does not match ("inflammation (IN fluh MAY shun)")."""
    groups = syllables(stress_in_capitals(respelling))
    if words is not None and len(groups) != words:
        groups = [[s for g in groups for s in g]] if words == 1 else groups
    return " ".join(_word_ipa(word) for word in groups)


def _word_ipa(word: list[str]) -> str:
    """One word's syllables: with several in capitals, the last has the main stress
    ("IN fluh MAY shun": ˌɪnfləmˈeɪʃən), as in the leaflets' own convention."""
    last = max((i for i, s in enumerate(word) if _is_stressed(s)), default=-1)
    return "".join(_syllable_ipa(s, "ˈ" if i == last else "ˌ") for i, s in enumerate(word))


def for_engines(respelling: str) -> str:
    """A respelling as a non-Piper engine is given it: capitals lowered, so no engine
    reads a stressed syllable as letter names ("my-oh-SY-tis" -> "my-oh-sy-tis")."""
    return respelling.lower()


def is_stress_respelling(say: str) -> bool:
    """A lexicon `say:` written as a stress respelling: hyphenated syllables with the
    stressed one in capitals ("rih-TUK-sih-mab"), not spaced letters ("I M N M")."""
    words = say.split()
    return any("-" in w for w in words) and looks_like_respelling(say)


# ---------------------------------------------------------------- from CMUdict

_ARPA_VOWELS = {
    "AA": "ah",
    "AE": "a",
    "AH": "uh",
    "AO": "aw",
    "AW": "ow",
    "AY": "eye",
    "EH": "eh",
    "ER": "er",
    "EY": "ay",
    "IH": "ih",
    "IY": "ee",
    "OW": "oh",
    "OY": "oy",
    "UH": "uu",
    "UW": "oo",
}
_ARPA_CONSONANTS = {
    "B": "b",
    "CH": "ch",
    "D": "d",
    "DH": "dh",
    "F": "f",
    "G": "g",
    "HH": "h",
    "JH": "j",
    "K": "k",
    "L": "l",
    "M": "m",
    "N": "n",
    "NG": "ng",
    "P": "p",
    "R": "r",
    "S": "s",
    "SH": "sh",
    "T": "t",
    "TH": "th",
    "V": "v",
    "W": "w",
    "Y": "y",
    "Z": "z",
    "ZH": "zh",
}


_ONSET_SECOND = {"R", "L", "W", "Y"}
_ONSET_FIRST = {"P", "B", "T", "D", "K", "G", "F", "TH", "SH"}
_S_CLUSTER = {"P", "T", "K", "M", "N", "L", "W"}
# In a closed syllable a short vowel reads right with one letter ("TREK", "tik").
_CLOSED = {"AE": "a", "EH": "e", "IH": "i", "UH": "uu"}
_BEFORE_R = {"AO": "o", "AA": "a", "EH": "ai", "IH": "ee", "UH": "oo"}


def _onset(cluster: list[str]) -> int:
    """How many of the consonants between two vowels start the next syllable."""
    bases = [p.rstrip("012") for p in cluster]
    for n in (3, 2):
        tail = bases[-n:] if len(bases) >= n else []
        if (
            n == 3
            and tail
            and tail[0] == "S"
            and tail[1] in {"P", "T", "K"}
            and tail[2]
            in {
                "R",
                "L",
            }
        ):
            return 3
        if (
            n == 2
            and tail
            and (
                (tail[0] in _ONSET_FIRST and tail[1] in _ONSET_SECOND and tail[:2] != ["T", "L"])
                or (tail[0] == "S" and tail[1] in _S_CLUSTER)
            )
        ):
            return 2
    return min(1, len(bases))


def from_arpabet(phones: list[str]) -> str:
    """A CMUdict pronunciation as a stress respelling: one syllable per vowel, the
    consonants between two vowels split so the next syllable starts as English words
    can, primary stress in capitals (M EH2 TH AH0 T R EH1 K S EY2 T ->
    "meh-thuh-TREK-sayt")."""
    nuclei = [i for i, p in enumerate(phones) if p.rstrip("012") in _ARPA_VOWELS]
    if not nuclei:
        return ""
    bounds = [0]
    for a, b in zip(nuclei, nuclei[1:], strict=False):
        bounds.append(b - _onset(phones[a + 1 : b]))
    bounds.append(len(phones))
    out = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        part = [p.rstrip("012") for p in phones[start:end]]
        stressed = any(p.endswith("1") for p in phones[start:end])
        text = ""
        for i, base in enumerate(part):
            if base in _ARPA_VOWELS:
                after = part[i + 1 :]
                if after[:1] == ["R"] and base in _BEFORE_R:
                    text += _BEFORE_R[base]
                elif after and base in _CLOSED and (stressed or base != "AH"):
                    text += _CLOSED[base]
                elif after and base == "AH" and stressed:
                    text += "u"
                else:
                    text += _ARPA_VOWELS[base]
            else:
                text += _ARPA_CONSONANTS.get(base, base.lower())
        out.append(text.upper() if stressed else text)
    return "-".join(out)
