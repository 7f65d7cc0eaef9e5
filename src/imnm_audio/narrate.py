"""Turn a Factsheet into a Script: pronunciation, acronyms, URLs, lists, intro and outro.

Spoken text is made by small named rules, each `(text, context) -> text`, run in the
order of RULES. A rule that produces a finished spoken form (a lexicon respelling,
spelled letters, Piper phonemes) protects it, so no later rule rewrites it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from .content import (
    URL_IN_TEXT_RE,
    BulletList,
    Factsheet,
    Heading,
    Lexicon,
    Paragraph,
    Section,
    Term,
    VoiceSettings,
)
from .errors import ContentError, TooShortForHold
from .script import Chapter, Script, Segment, new_script

# Bump when a rule changes what is spoken, so existing scripts are reported stale.
NARRATION_VERSION = 4

PAUSE_SENTENCE = 350
PAUSE_PARAGRAPH = 700
PAUSE_HEADING = 800
PAUSE_LEAD = 450
PAUSE_CHAPTER_END = 1200

_OPEN, _CLOSE = "\ue000", "\ue001"
_PROTECTED_RE = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
# Capitals that are ordinary words, not acronyms to spell out.
_CAPITAL_WORDS = {"OK", "NOT", "AND", "OR", "THE", "NO", "YES", "ALL", "DO", "DON'T", "NEVER"}


@dataclass
class Context:
    """What the rules know: the lexicon, the engine, and what the listener has heard."""

    lexicon: Lexicon
    engine: str
    introduced: set[str] = field(default_factory=set)
    protected: list[str] = field(default_factory=list)

    def protect(self, spoken: str) -> str:
        self.protected.append(spoken)
        return f"{_OPEN}{len(self.protected) - 1}{_CLOSE}"


Rule = Callable[[str, Context], str]


# ---------------------------------------------------------------- the rules


def remove_markup(text: str, ctx: Context) -> str:
    """Drop HTML tags and phoneme brackets from the text: only the lexicon may add phonemes."""
    text = re.sub(r"</?[A-Za-z][^<>]*>", " ", text)
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


def define_acronyms_in_parentheses(text: str, ctx: Context) -> str:
    """Read "Words (ABC)" as "Words, or ABC," so the acronym is said once, after its meaning.

    The listener has now heard what ABC stands for, so its first-use expansion is skipped.
    """

    def define(match: re.Match[str]) -> str:
        acronym = match.group(1)
        ctx.introduced.add(acronym)
        return f", or {acronym},"

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
    """Replace every lexicon term (whole words) with how the engine should say it.

    One pass over all terms, longest first: a respelling is never rewritten again, so
    entries that mention each other cannot loop.
    """
    pattern, lookup = _lexicon_pattern(ctx.lexicon.terms)
    if pattern is None:
        return text

    def say(match: re.Match[str]) -> str:
        found = match.group(0)
        term = lookup.get(found) or lookup[found.lower()]
        spoken = term.spoken_for(ctx.engine)
        if not term.match_case and found[:1].isupper() and spoken[:1].islower():
            spoken = spoken[0].upper() + spoken[1:]
        return ctx.protect(spoken)

    return pattern.sub(say, text)


def spell_acronyms(text: str, ctx: Context) -> str:
    """Spell out capitals the lexicon does not know ("ABC" -> "A B C"), as letter names."""

    def spell(match: re.Match[str]) -> str:
        word, plural = match.group(1), match.group(2) or ""
        if word in _CAPITAL_WORDS:
            return match.group(0)
        letters = " ".join(word)
        return ctx.protect(letters + ("'s" if plural else ""))

    return re.sub(r"(?<![\w\ue000])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)(s)?(?![\w\ue001])", spell, text)


def join_hyphen_to_letters(text: str, ctx: Context) -> str:
    """Put a space where a hyphen joins a word to spelled letters ("Anti-H M G C R")."""
    return re.sub(f"-(?={_OPEN})|(?<={_CLOSE})-", " ", text)


def speak_urls(text: str, ctx: Context) -> str:
    """Say web addresses the way a listener would type them ("example dot org slash help")."""
    return URL_IN_TEXT_RE.sub(lambda m: ctx.protect(spoken_url(m.group(0))), text)


def speak_slashes(text: str, ctx: Context) -> str:
    """Read "word/word" as "word or word" rather than "word slash word"."""
    return re.sub(r"(?<=[A-Za-z])/(?=[A-Za-z])", " or ", text)


def speak_symbols(text: str, ctx: Context) -> str:
    """Say symbols that engines skip or misread."""
    text = text.replace("&", " and ").replace("%", " percent")
    return re.sub(r"(?<=\d)\s*[–-]\s*(?=\d)", " to ", text)


def tidy_punctuation(text: str, ctx: Context) -> str:
    """Fold the doubled commas and spaces the other rules can leave behind."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",+(?=[,.;:!?])", "", text)
    return text.strip(" ,")


RULES: list[Rule] = [
    remove_markup,
    rewrite_visual_references,
    define_acronyms_in_parentheses,
    expand_first_use,
    apply_lexicon,
    speak_urls,
    spell_acronyms,
    join_hyphen_to_letters,
    speak_slashes,
    speak_symbols,
    tidy_punctuation,
]


def speak(text: str, ctx: Context) -> str:
    """Run every rule over one piece of display text; return the engine's text."""
    ctx.protected = []
    for rule in RULES:
        text = rule(text, ctx)
    return _restore(text, ctx)


# ---------------------------------------------------------------- helpers


def _restore(text: str, ctx: Context) -> str:
    while _OPEN in text:
        text = _PROTECTED_RE.sub(lambda m: ctx.protected[int(m.group(1))], text)
    return text


def _respell(text: str, ctx: Context) -> str:
    """Pass an expansion through the lexicon and acronym rules only."""
    saved = ctx.protected
    ctx.protected = []
    out = _restore(spell_acronyms(apply_lexicon(text, ctx), ctx), ctx)
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
def _lexicon_pattern(entries: tuple[Term, ...]) -> tuple[re.Pattern[str] | None, dict[str, Term]]:
    """One pattern for every term, longest first, and each match's entry by its text."""
    terms = sorted(entries, key=lambda t: -len(t.term))
    if not terms:
        return None, {}
    alternatives = [
        re.escape(t.term) if t.match_case else f"(?i:{re.escape(t.term)})" for t in terms
    ]
    pattern = re.compile(_TERM_BEFORE + "(?:" + "|".join(alternatives) + ")" + _TERM_AFTER)
    lookup: dict[str, Term] = {}
    for t in terms:
        lookup.setdefault(t.term if t.match_case else t.term.lower(), t)
    return pattern, lookup


def spoken_url(url: str) -> str:
    """'https://www.example.org/get-help/' -> 'example dot org slash get dash help'."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.strip("/")
    spoken = host.replace(".", " dot ")
    if path:
        spoken += " slash " + path.replace("/", " slash ")
    spoken = spoken.replace("-", " dash ").replace("_", " underscore ")
    return " ".join(spoken.split())


_COMMON_WORDS_IN_URLS = {"dot", "slash", "dash", "org", "com", "net", "uk", "gov", "edu", "www"}


def spell_words(spoken: str) -> str:
    """Spell each unusual word of a spoken address letter by letter ("myo" -> "m, y, o")."""
    out = []
    for word in spoken.split():
        out.append(word if word.lower() in _COMMON_WORDS_IN_URLS else ", ".join(word))
    return "; ".join(out)


_ABBREVIATIONS = ("e.g.", "i.e.", "Dr.", "Mr.", "Mrs.", "Ms.", "vs.", "etc.", "St.", "approx.")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph at . ! ? followed by a capital, but not after an abbreviation."""
    pieces = re.split(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])", text)
    sentences: list[str] = []
    for piece in pieces:
        if sentences and sentences[-1].endswith(_ABBREVIATIONS):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return [s.strip() for s in sentences if s.strip()]


# ---------------------------------------------------------------- the script


def narration_hash(factsheet: Factsheet, lexicon_text: str, voice: VoiceSettings) -> str:
    """What a script depends on: the factsheet, the lexicon, the voice and these rules."""
    body = json.dumps(
        {
            "factsheet": factsheet.source_hash,
            "lexicon": lexicon_text,
            "voice": asdict(voice),
            "rules": NARRATION_VERSION,
        },
        sort_keys=True,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def narrate(
    factsheet: Factsheet, lexicon: Lexicon, voice: VoiceSettings, source: str, source_hash: str
) -> Script:
    """Turn a factsheet into the narration script, intro and outro included."""
    ctx = Context(lexicon=lexicon, engine=voice.engine)
    reserved = {"introduction", "closing"}
    for section in factsheet.sections:
        if section.id in reserved:
            raise ContentError(
                f"the section '{section.title}' has the id '{section.id}', which "
                "the spoken introduction and closing use.",
                path=factsheet.path,
                line=section.line,
                fix="Word its heading differently.",
            )
    chapters = [_introduction(factsheet, ctx)]
    chapters += [_section_chapter(section, ctx) for section in factsheet.sections]
    chapters.append(_closing(factsheet, ctx))
    return new_script(factsheet.slug, source, source_hash, factsheet.meta, voice, tuple(chapters))


def _segment(display: str, ctx: Context, pause_ms: int, rate: float = 1.0) -> Segment:
    spoken = speak(display, ctx)
    return Segment(display=display, spoken=spoken, pause_ms=pause_ms, rate=rate)


def _end_chapter(segments: list[Segment]) -> tuple[Segment, ...]:
    last = segments[-1]
    segments[-1] = Segment(last.display, last.spoken, PAUSE_CHAPTER_END, last.rate)
    return tuple(segments)


def _introduction(factsheet: Factsheet, ctx: Context) -> Chapter:
    meta = factsheet.meta
    n = len(factsheet.sections)
    lines = [
        (f"{meta.title}.", PAUSE_HEADING),
        (f"An audio factsheet from {meta.organisation}.", PAUSE_PARAGRAPH),
        (
            f"It has {n} section{'s' if n != 1 else ''}, each a chapter you can skip to in "
            "your player:",
            PAUSE_SENTENCE,
        ),
    ]
    for number, section in enumerate(factsheet.sections, 1):
        lines.append((f"{number}. {section.title}", PAUSE_SENTENCE))
    segments = []
    for display, pause in lines:
        spoken_source = re.sub(r"^(\d+)\. ", r"\1: ", display)  # "1. What" is not "1.What"
        seg = _segment(spoken_source, ctx, pause)
        segments.append(Segment(display, seg.spoken, pause))
    return Chapter("introduction", "Introduction", _end_chapter(segments))


def _section_chapter(section: Section, ctx: Context) -> Chapter:
    segments = [_segment(section.title, ctx, PAUSE_HEADING)]
    for block in section.blocks:
        if isinstance(block, Heading):
            segments.append(_segment(block.text, ctx, PAUSE_HEADING))
        elif isinstance(block, Paragraph):
            segments += _sentences(block.text, ctx)
        elif isinstance(block, BulletList):
            for item in block.items:
                if item.lead:
                    segments.append(_segment(item.lead, ctx, PAUSE_LEAD))
                if item.text:
                    segments += _sentences(item.text, ctx)
    return Chapter(section.id, section.title, _end_chapter(segments), section.urls)


def _sentences(text: str, ctx: Context) -> list[Segment]:
    sentences = split_sentences(text)
    return [
        _segment(s, ctx, PAUSE_PARAGRAPH if i == len(sentences) - 1 else PAUSE_SENTENCE)
        for i, s in enumerate(sentences)
    ]


def _closing(factsheet: Factsheet, ctx: Context) -> Chapter:
    meta = factsheet.meta
    segments = []
    for link in meta.resources:
        display_url = link.url.removeprefix("https://").removeprefix("http://").rstrip("/")
        segments.append(
            _segment(f"To learn more, visit {link.title} at {display_url}.", ctx, PAUSE_SENTENCE)
        )
        # Spelled from the engine-neutral respelling: never from Piper phonemes.
        spoken_address = speak(display_url, Context(ctx.lexicon, engine="spelling"))
        segments.append(
            Segment(
                display=f"That address again, spelled out: {display_url}.",
                spoken=f"That address again, spelled out: {spell_words(spoken_address)}.",
                pause_ms=PAUSE_PARAGRAPH,
                rate=0.85,
            )
        )
    segments += _sentences(
        "This recording is general information, not medical advice. "
        "Talk with your doctor about your own care.",
        ctx,
    )
    segments += _sentences(
        f"This was {meta.title}, from {meta.organisation}. Thank you for listening.", ctx
    )
    urls = tuple(dict.fromkeys(link.url for link in meta.resources))
    return Chapter("closing", "Closing", _end_chapter(segments), urls)


# ---------------------------------------------------------------- the hold-line script

HOLD_PAUSE = 400


def _hold_sentences(section: Section) -> list[str]:
    """A section's sentences in order; list lead-ins become short sentences of their own."""
    sentences: list[str] = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            sentences += split_sentences(block.text)
        elif isinstance(block, BulletList):
            for item in block.items:
                if item.lead:
                    sentences.append(item.lead)
                sentences += split_sentences(item.text) if item.text else []
    return [s for s in sentences if not s.endswith(":")]


def narrate_hold(
    factsheet: Factsheet,
    lexicon: Lexicon,
    voice: VoiceSettings,
    message_words: int,
    source: str,
    source_hash: str,
) -> Script:
    """Short hold-line messages: a welcome, one message per section, a 'please hold'.

    Each message stands alone (a caller may hear any one first), so terms are
    explained again in each, and each ends with where to learn more.
    """
    meta = factsheet.meta
    chapters = [
        Chapter(
            "welcome",
            "Welcome",
            tuple(
                _segment(text, Context(lexicon, voice.engine), HOLD_PAUSE)
                for text in (
                    f"Thank you for calling {meta.organisation}.",
                    "Please stay on the line; we will be with you as soon as we can.",
                    f"While you wait, here is some information about {meta.title}.",
                )
            ),
        )
    ]
    learn_more = [
        f"To learn more, visit {r.title} at "
        f"{r.url.removeprefix('https://').removeprefix('http://').rstrip('/')}."
        for r in meta.resources[:1]
    ]
    for section in factsheet.sections:
        ctx = Context(lexicon, voice.engine)
        chosen: list[str] = []
        words = 0
        for sentence in _hold_sentences(section):
            count = len(sentence.split())
            if chosen and words + count > message_words:
                break
            chosen.append(sentence)
            words += count
        if words < message_words * 0.4 or words > message_words * 1.5:
            continue  # too little to stand alone, or one sentence too long for the phone
        mentioned = any(
            urlsplit(r.url).netloc.removeprefix("www.") in " ".join(chosen)
            for r in meta.resources[:1]
        )
        # The heading is a question: explaining a term inside it would garble it, so
        # the first sentence after it does the explaining.
        quiet = Context(lexicon, voice.engine, introduced={t.term for t in lexicon.terms})
        segments = (
            _segment(section.title, quiet, HOLD_PAUSE),
            *(_segment(t, ctx, HOLD_PAUSE) for t in chosen + ([] if mentioned else learn_more)),
        )
        chapters.append(Chapter(section.id, section.title, segments, section.urls))
    if len(chapters) == 1:
        raise TooShortForHold(
            "the factsheet is too short for a hold-line message: no section has "
            f"{int(message_words * 0.4)} or more words in sentences of its own.",
            path=factsheet.path,
            fix="Add text to a section, or lower 'hold: message_words:' in content/podcast.yaml.",
        )
    chapters.append(
        Chapter(
            "please-hold",
            "Please hold",
            tuple(
                _segment(t, Context(lexicon, voice.engine), HOLD_PAUSE)
                for t in ("Your call is important to us.", "Please continue to hold.")
            ),
        )
    )
    return new_script(factsheet.slug, source, source_hash, meta, voice, tuple(chapters))
