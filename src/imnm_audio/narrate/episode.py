"""A factsheet's narration script: introduction, a chapter per section, closing."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, replace
from urllib.parse import urlsplit

from ..content import (
    BulletList,
    Factsheet,
    Heading,
    Lexicon,
    Link,
    Paragraph,
    Section,
    VoiceSettings,
)
from ..content.markdown import heard, shown
from ..pronounce import render
from ..script import Chapter, Script, Segment, new_script
from ..vocabulary import review_words
from .addresses import host_of, learn_more, phone_number, spell_words
from .numbers import region
from .rules import Context, speak
from .sentences import split_sentences

# Bump when a rule changes what is spoken, so existing scripts are reported stale.
NARRATION_VERSION = 12

PAUSE_SENTENCE = 350
PAUSE_PARAGRAPH = 700
PAUSE_HEADING = 800
PAUSE_LEAD = 450
PAUSE_CHAPTER_END = 1200
# A heading's own number in print: "1.1 ", "2. ", "3) ".
_PRINT_NUMBER = r"\d+(?:\.\d+)*[.)]?\s+(?=\D)"


def narration_hash(factsheet: Factsheet, lexicon: Lexicon, voice: VoiceSettings) -> str:
    """What a script's words depend on: the factsheet, the lexicon's wording, the voice
    settings and these rules (`derived` included: it decides which words are marked).
    How a term sounds (`say:` for a word, `engines:`, `note:`)
    is not among them: the script names the term, and the build gives each engine its
    form, so a pronunciation fix re-synthesises the clips that hold the term without
    asking for a script review. Web addresses are the exception: their `say:` form is
    spelled out letter by letter into the closing."""
    wording = [
        (t.term, t.match_case, t.expand, t.say if "." in t.term else None, t.derived)
        for t in lexicon.terms
    ]
    body = json.dumps(
        {
            "factsheet": factsheet.source_hash,
            "lexicon": wording,
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
    ctx = Context(lexicon=lexicon, language=factsheet.meta.language)
    chapters = [_introduction(factsheet, ctx)]
    chapters += [_section_chapter(section, ctx) for section in factsheet.sections]
    chapters.append(_closing(factsheet, ctx))
    review = review_words(
        (s.display for c in chapters for s in c.segments),
        lexicon,
        factsheet.meta.language,
        factsheet.path.read_text(encoding="utf-8") if factsheet.path.is_file() else None,
    )
    return new_script(
        factsheet.slug, source, source_hash, factsheet.meta, voice, tuple(chapters), tuple(review)
    )


def segment(
    display: str,
    ctx: Context,
    pause_ms: int,
    rate: float = 1.0,
    block: str = "",
    say: str | None = None,
) -> Segment:
    """A sentence: `display` is shown, `say` (the display when not given) is spoken."""
    spoken = speak(display if say is None else say, ctx)
    return Segment(display=display, spoken=spoken, pause_ms=pause_ms, rate=rate, block=block)


def _end_chapter(segments: list[Segment]) -> tuple[Segment, ...]:
    segments[-1] = replace(segments[-1], pause_ms=PAUSE_CHAPTER_END)
    return tuple(segments)


def _in(block: str, segments: list[Segment]) -> list[Segment]:
    return [replace(s, block=block) for s in segments]


def _introduction(factsheet: Factsheet, ctx: Context) -> Chapter:
    meta = factsheet.meta
    words = ctx.locale
    n = len(factsheet.sections)
    lines = [
        (f"{meta.title}.", PAUSE_HEADING),
        (words.intro_from.format(organisation=meta.organisation), PAUSE_PARAGRAPH),
        (
            words.intro_one_section if n == 1 else words.intro_sections.format(n=n),
            PAUSE_SENTENCE,
        ),
    ]
    for number, section in enumerate(factsheet.sections, 1):
        lines.append((f"{number}. {section.title}", PAUSE_SENTENCE))
    segments = []
    for index, (display, pause) in enumerate(lines):
        # "1. What" is not "1.What"; the section's own print number ("1.1") is left
        # out, so the listener hears the chapter number their player shows, once.
        spoken_source = re.sub(r"^(\d+)\. ", r"\1: ", display)
        spoken_source = re.sub(r"^(\d+: )" + _PRINT_NUMBER, r"\1", spoken_source)
        seg = segment(spoken_source, ctx, pause)
        # The title, the organisation and the count are paragraphs; the sections a list.
        block = f"p{index + 1}" if index < 3 else f"ul1.{index - 2}"
        segments.append(Segment(display, seg.spoken, pause, block=block))
    return Chapter("introduction", words.chapter_introduction, _end_chapter(segments))


def _heading(text: str, ctx: Context) -> Segment:
    """A heading, said without its print number ("1.1 What is it?" -> "What is it?"):
    the chapter is the listener's way through, and a decimal is noise to the ear."""
    seg = segment(re.sub("^" + _PRINT_NUMBER, "", text), ctx, PAUSE_HEADING)
    return Segment(text, seg.spoken, PAUSE_HEADING)


def _section_chapter(section: Section, ctx: Context) -> Chapter:
    """The section's heading, then its blocks, each segment marked with the block it
    came from (`Segment.block`), so transcripts and books keep the lists and headings."""
    segments = [_heading(section.title, ctx)]
    count = {"p": 0, "h": 0, "l": 0}
    for block in section.blocks:
        if isinstance(block, Heading):
            count["h"] += 1
            segments.append(replace(_heading(block.text, ctx), block=f"h{count['h']}"))
        elif isinstance(block, Paragraph):
            count["p"] += 1
            where = f"p{count['p']}"
            if block.lead:
                lead = segment(block.lead, ctx, PAUSE_LEAD, block=where)
                segments.append(replace(lead, strong=True))
            segments += _in(where, _sentences(block.text, ctx))
        elif isinstance(block, BulletList):
            count["l"] += 1
            path: list[int] = []  # the item's number at each level
            for item in block.items:
                if not item.more:
                    path = path[: item.level]
                    path += [0] * (item.level - len(path))
                    path[item.level - 1] += 1
                kind = "ol" if block.ordered else "ul"
                where = f"{kind}{count['l']}." + ".".join(map(str, path))
                if item.lead:
                    lead = segment(item.lead, ctx, PAUSE_LEAD, block=where)
                    segments.append(replace(lead, strong=True))
                if item.text:
                    segments += _in(where, _sentences(item.text, ctx))
    return Chapter(section.id, section.title, _end_chapter(segments), section.urls)


def _sentences(text: str, ctx: Context) -> list[Segment]:
    """A paragraph's sentences; one that is all visual-only ("Scan the QR code.") is
    left out, and the visual-only part of one is shown but not said."""
    sentences = [s for s in split_sentences(text) if heard(s)]
    return [
        segment(
            shown(s),
            ctx,
            PAUSE_PARAGRAPH if i == len(sentences) - 1 else PAUSE_SENTENCE,
            say=heard(s),
        )
        for i, s in enumerate(sentences)
    ]


def _closing(factsheet: Factsheet, ctx: Context) -> Chapter:
    meta = factsheet.meta
    words = ctx.locale
    segments = []
    for n, link in enumerate(meta.resources, 1):
        segments += _in(f"p{n}", _resource(link, ctx))
    n = len(meta.resources)
    segments += _in(f"p{n + 1}", _sentences(words.disclaimer, ctx))
    farewell = words.farewell.format(title=meta.title, organisation=meta.organisation)
    segments += _in(f"p{n + 2}", _sentences(farewell, ctx))
    urls = tuple(dict.fromkeys(r.url for r in meta.resources if not r.url.startswith("tel:")))
    return Chapter("closing", words.chapter_closing, _end_chapter(segments), urls)


def _resource(link: Link, ctx: Context) -> list[Segment]:
    """Where to learn more, then the part to write down once more, slowly: a site spelled
    out (host only: a path cannot be written down from hearing it), or a number to call
    read again digit by digit."""
    words = ctx.locale
    if link.url.startswith("tel:"):
        written = phone_number(link.url, region(ctx.language))
        again, said = words.number_again, speak(written, Context(ctx.lexicon, ctx.language))
    else:
        # Spelled from the engine-neutral respelling: never from an engine's phonemes.
        site = speak(urlsplit(link.url).netloc, Context(ctx.lexicon, ctx.language))
        written = host_of(link.url)
        said = spell_words(render(site, ctx.lexicon, None), words)
        again = words.address_again
    return [
        segment(learn_more(link.title, link.url, region(ctx.language), words), ctx, PAUSE_SENTENCE),
        Segment(f"{again} {written}.", f"{again} {said}.", PAUSE_PARAGRAPH, rate=0.85),
    ]
