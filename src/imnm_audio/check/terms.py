"""Key terms: the words a listener must hear right, found in the text and in what was heard.

A key term is a lexicon term (a longer word built on a `derived` entry counts as that
whole word), a word the factsheet respells, or a word to review (vocabulary.py: rare
in English, a name with digits, an acronym the lexicon lacks). Each is counted per
occurrence. A term missed in most of its mentions is *suspect*: it fails the check.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..content import Lexicon
from ..listen import normalise
from ..narrate.context import PROTECTED_RE, Context
from ..narrate.numbers import speak_doses, speak_phone_numbers
from ..pronounce import TERM_MARK_RE, heard_as
from ..vocabulary import TOKEN_RE, capital_readings, classify, without_addresses

# A heard word this like a long term counts as it: the recogniser's spelling of a
# rare word varies ("retuximab"); a wrong pronunciation is much further off.
FUZZY_RATIO = 0.85  # one heard word
FUZZY_RATIO_JOINED = 0.9  # two heard words closed up ("tacro limus")
FUZZY_MIN_LENGTH = 7


@dataclass
class Suspect:
    term: str
    wanted: int
    heard: int
    heard_as: list[str] = field(default_factory=list)


def numbers_said(text: str, lexicon: Lexicon, language: str) -> list[str]:
    """The doses and phone numbers in a text, as the narration says them ("2
    milligrams per kilogram per day", "0 8 0 0, 1 2 3, 4 5 6 7"): the same rules
    find them, so the check listens for exactly what was spoken."""
    ctx = Context(lexicon, language)
    marked = speak_doses(speak_phone_numbers(text, ctx), ctx)
    return [ctx.protected[int(m.group(1))] for m in PROTECTED_RE.finditer(marked)]


def key_terms(display: str, lexicon: Lexicon, spoken: str, language: str = "en-US") -> list[str]:
    """The key terms in a piece of display text, once per use, in order: only those the
    narration (`spoken`) says (a "QR code" it drops is not a term the listener should
    hear), plus the words it says the factsheet's way (`{word|respelling}`).
    """
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    text = without_addresses(display)
    for term in sorted(lexicon.terms, key=lambda t: -len(t.term)):
        flags = 0 if term.match_case else re.IGNORECASE
        start = r"(?<![\w/.])" + (r"([A-Za-z]*)" if term.derived else "()")
        pattern = start + re.escape(term.term) + r"(?![\w/]|\.\w)"
        for m in re.finditer(pattern, display, flags):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                found.append((m.start(), m.group(0) if m.group(1) else term.term))
                taken.append(m.span())
    readings = capital_readings(text, language)
    for m in TOKEN_RE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        how = readings.get(m.start())
        found += [(m.start(), word) for word, _ in classify(m.group(0), lexicon, language, how)]
    terms = [t for _, t in sorted(found)]
    said = " ".join(normalise(heard_as(spoken, lexicon)))
    canonical = _canonical_text(said)
    kept = [t for t in terms if _canonical(t) in canonical or " ".join(normalise(t)) in said]
    # A dose or phone number is listened for whatever the script says: the factsheet's
    # number is the one the listener must hear.
    kept += numbers_said(text, lexicon, language)
    respelled = [m.split("|")[0] for m in TERM_MARK_RE.findall(spoken) if "|" in m]
    return kept + [w for w in respelled if w not in kept]


def count(term: str, heard: list[str]) -> int:
    """How often a term was heard: as its words (also as a plural, or a short name
    glued to "anti"; a long term also in a close spelling, or with one more word
    break), or (web addresses) in any spacing. Each heard word counts once."""
    if re.search(r"\.(?!\d)|(?<!\d)\.", term):  # a web address (not a decimal, "1.7")
        return _canonical_text(" ".join(heard)).count(_canonical(term))
    if PHONE_TERM_RE.fullmatch(term):  # a phone number: its digits, however written
        return _digits(heard).count(re.sub(r"\D", "", term))
    wanted = normalise(term)
    n = len(wanted)
    target = us_spelling("".join(wanted))
    # Never for a number: "4 milligrams" is not close enough to "2 milligrams".
    fuzzy = len(target) >= FUZZY_MIN_LENGTH and not re.search(r"\d", term)
    hits = i = 0
    while i < len(heard):
        used = 0
        if _same(heard[i : i + n], wanted) or (n == 1 and heard[i] == "anti" + target):
            used = n
        elif n == 1 and _in_letter_run(term, target, heard[i]):
            used = 1
        elif fuzzy:
            for width, need in ((n, FUZZY_RATIO), (n + 1, FUZZY_RATIO_JOINED)):
                joined = us_spelling("".join(heard[i : i + width]))
                if difflib.SequenceMatcher(None, target, joined).ratio() >= need:
                    used = width
                    break
        hits += bool(used)
        i += max(1, used)
    return hits


def _in_letter_run(term: str, target: str, word: str) -> bool:
    """Initialisms said one after the other ("H I C, L F T") are heard as one run of
    letters ("H-I-C-L-F-T", compared as "hiclft"): an initialism at either end of a
    heard run of letters that is not a word was heard."""
    if not re.fullmatch(r"[A-Z]{2,6}", term) or len(word) <= len(target):
        return False
    if not word.isalpha() or not word.startswith(target) and not word.endswith(target):
        return False
    from ..vocabulary import zipf

    return zipf(word) < 2.0


def in_place(term: str, reference: list[str], heard: list[str]) -> int:
    """Mentions of `term` heard (as `count` finds them), less those with words heard
    squeezed in beside them that the script does not have there. Prompted with "IV",
    the recogniser writes "Roman IV" for a Roman numeral read aloud: the term is
    written, but what was said was something else."""
    found = count(term, heard)
    wanted = normalise(term)
    n = len(wanted)
    if not found or not n or "." in term or PHONE_TERM_RE.fullmatch(term):
        return found
    spans = [j for j in range(len(heard) - n + 1) if _same(heard[j : j + n], wanted)]
    squeezed = set()
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(
        None, reference, heard, autojunk=False
    ).get_opcodes():
        if tag == "insert":
            squeezed |= {j for j in spans if j2 == j or j1 == j + n}
    return max(0, found - len(squeezed))


def clean_mentions(term: str, reference: list[str], heard: list[str]) -> int:
    """Mentions of `term` heard exactly, with the words either side heard in place and
    nothing heard between them: the evidence a second listening must give before a
    miss is forgiven. Prompted with the term, the recogniser writes it for a wrong
    reading too ("Roman IV fluids" for an IV read as a Roman numeral), but then the
    words around it do not line up."""
    wanted = normalise(term)
    n, target = len(wanted), "".join(wanted)
    fuzzy = len(target) >= FUZZY_MIN_LENGTH and not re.search(r"\d", term)
    matched: dict[int, int] = {}
    for a, b, size in difflib.SequenceMatcher(
        None, reference, heard, autojunk=False
    ).get_matching_blocks():
        matched.update({a + k: b + k for k in range(size)})
    clean = 0
    for i in range(len(reference) - n + 1):
        if not n or not _same(reference[i : i + n], wanted):
            continue
        # The words either side heard as written (the sentence's ends as its ends)...
        before = matched.get(i - 1) if i > 0 else -1
        after = matched.get(i + n) if i + n < len(reference) else len(heard)
        if before is None or after is None:
            continue
        # ...and between them the term, nothing more or less.
        inside = heard[before + 1 : after]
        close = (
            fuzzy
            and len(inside) == 1
            and difflib.SequenceMatcher(None, target, inside[0]).ratio() >= FUZZY_RATIO
        )
        clean += _same(inside, wanted) or close
    return clean


DROPOUT_WORDS = 3  # a run of words heard as nothing this long is the recogniser's


def dropped_with(term: str, reference: list[str], heard: list[str]) -> bool:
    """Was the term heard as nothing, inside a run of at least DROPOUT_WORDS words of the
    script heard as nothing? tiny.en drops whole stretches of rare names that it cannot
    spell (a bracket of brand names); a voice that swallows one word leaves a gap of
    one word, and that is a defect to hear."""
    wanted = normalise(term)
    n = len(wanted)
    starts = [i for i in range(len(reference) - n + 1) if _same(reference[i : i + n], wanted)]
    if not starts:
        return False
    matcher = difflib.SequenceMatcher(None, reference, heard, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "delete" and i2 - i1 >= DROPOUT_WORDS:
            if any(i1 <= s and s + n <= i2 for s in starts):
                return True
    return False


def heard_instead(term: str, reference: list[str], heard: list[str]) -> str:
    """What the recogniser wrote where the script has `term` (aligned word by word),
    with any words it heard squeezed in beside it ("roman iv" for an IV read as a
    Roman numeral: the term alone would hide why it was not counted)."""
    wanted = normalise(term)
    n = len(wanted)
    starts = [i for i in range(len(reference) - n + 1) if _same(reference[i : i + n], wanted)]
    if not starts:
        return ""
    matcher = difflib.SequenceMatcher(None, reference, heard, autojunk=False)
    begin, end = starts[0], starts[0] + n
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert" and begin <= i1 <= end:
            out += heard[j1:j2]
            continue
        if i2 <= begin or i1 >= end:
            continue
        if tag == "equal":
            out += heard[j1 + max(0, begin - i1) : j1 + min(i2, end) - i1]
        else:
            out += heard[j1:j2]
    return " ".join(out) or "(nothing)"


def suspects(
    wanted: dict[str, int], heard: dict[str, int], heard_as: dict[str, list[str]]
) -> list[Suspect]:
    """Terms missed in most of their mentions, most missed first."""
    out = [
        Suspect(t, n, heard.get(t, 0), heard_as.get(t, []))
        for t, n in wanted.items()
        if (n - heard.get(t, 0)) * 2 > n
    ]
    return sorted(out, key=lambda s: (s.heard - s.wanted, s.term.lower()))


# Units the narration says in full and a recogniser may write as their symbol
# ("1.7 millimoles per litre" heard "1 .7 mm per liter"); each symbol only for its own
# unit words, so "2 milligrams" heard "2 ml" is still a miss.
UNIT_SYMBOLS = {
    "millimole": ("mmol", "mm"), "millimoles": ("mmol", "mm"),
    "millimetre": ("mm",), "millimetres": ("mm",), "millimeter": ("mm",), "millimeters": ("mm",),
    "milligram": ("mg",), "milligrams": ("mg",), "microgram": ("mcg", "µg", "ug"),
    "micrograms": ("mcg", "µg", "ug"), "gram": ("g",), "grams": ("g",),
    "kilogram": ("kg",), "kilograms": ("kg",), "millilitre": ("ml",), "millilitres": ("ml",),
    "milliliter": ("ml",), "milliliters": ("ml",), "centimetre": ("cm",), "centimetres": ("cm",),
    "centimeter": ("cm",), "centimeters": ("cm",),
}  # fmt: skip


def _same(words: list[str], wanted: list[str]) -> bool:
    """The term's words, its last one also as a plural ("DMARDs" for a DMARD), in
    either spelling of English (a British leaflet's "oedema" is heard "edema"), a
    unit also as its symbol ("mm" for millimoles)."""
    words = [
        w if w == u or w not in UNIT_SYMBOLS.get(u, ()) else u
        for w, u in zip(words, wanted, strict=False)
    ] + words[len(wanted) :]
    words, wanted = [us_spelling(w) for w in words], [us_spelling(w) for w in wanted]
    return words == wanted or (
        len(words) == len(wanted) > 0
        and words[:-1] == wanted[:-1]
        and words[-1] == wanted[-1] + "s"
    )


_BRITISH_RE = re.compile(
    r"(?<=[a-z])ae(?=[a-z])|(?<=[a-z])oe(?=[a-z])|^oe(?=[a-z]{3})|^ae(?=[a-z]{3})"
)


def us_spelling(word: str) -> str:
    """A medical word in American spelling, the recogniser's: "ae" and "oe" are "e"
    (anaemia, haemoglobin, oedema, oesophagus, diarrhoea, caesarean, foetus), "leuc"
    is "leuk", and "-tre", "-bre" are "-ter", "-ber" (litre, millimetre, fibre, centre);
    for comparing a term with what was heard, never for what is said."""
    if len(word) < 5:
        return word
    word = re.sub(r"(?<=[a-z][tb])re(s?)$", r"er\1", word)
    return _BRITISH_RE.sub("e", word).replace("leuc", "leuk")


PHONE_TERM_RE = re.compile(r"(?:plus )?\d(?:[ ,]+\d)+")
_DIGIT_WORDS = {
    w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine".split())
}
_DIGIT_WORDS["oh"] = "0"


def _digits(heard: list[str]) -> str:
    """Every digit heard, in order: written ("0800") or said ("zero eight")."""
    return "".join(w if w.isdigit() else _DIGIT_WORDS.get(w, "") for w in heard)


def _canonical(term: str) -> str:
    """A web address or term with no spaces, dots or 'www': how to find it in any spelling."""
    return re.sub(r"[^a-z0-9]", "", term.lower().removeprefix("www."))


def _canonical_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\bdot\b", "", text.lower()))
