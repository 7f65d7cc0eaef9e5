"""The hold-line script: short messages that each stand alone on the phone."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..content import (
    BulletList,
    Factsheet,
    Lexicon,
    Paragraph,
    Section,
    VoiceSettings,
)
from ..content.markdown import heard
from ..errors import TooShortForHold
from ..script import Chapter, Script, new_script
from .addresses import learn_more
from .episode import segment
from .locales import locale_for
from .numbers import region
from .rules import Context
from .sentences import split_sentences

HOLD_PAUSE = 400


def _hold_sentences(section: Section) -> list[str]:
    """A section's sentences in order; list lead-ins become short sentences of their own."""
    sentences: list[str] = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            sentences += [block.lead] if block.lead else []
            sentences += split_sentences(block.text)
        elif isinstance(block, BulletList):
            for item in block.items:
                if item.lead:
                    sentences.append(item.lead)
                sentences += split_sentences(item.text) if item.text else []
    # On the phone only what is heard: visual-only parts ("scan the QR code") go.
    heard_only = (heard(s) for s in sentences)
    return [s for s in heard_only if s and not s.endswith(":")]


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
    locale = locale_for(meta.language, factsheet.path)
    chapters = [
        Chapter(
            "welcome",
            locale.chapter_welcome,
            tuple(
                segment(
                    text.format(organisation=meta.organisation, title=meta.title),
                    Context(lexicon, meta.language),
                    HOLD_PAUSE,
                )
                for text in locale.hold_welcome
            ),
        )
    ]
    learn = [learn_more(r.title, r.url, region(meta.language), locale) for r in meta.resources[:1]]
    for section in factsheet.sections:
        ctx = Context(lexicon, meta.language)
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
        quiet = Context(lexicon, meta.language, introduced={t.term for t in lexicon.terms})
        segments = (
            segment(section.title, quiet, HOLD_PAUSE),
            *(segment(t, ctx, HOLD_PAUSE) for t in chosen + ([] if mentioned else learn)),
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
            locale.chapter_please_hold,
            tuple(
                segment(t, Context(lexicon, meta.language), HOLD_PAUSE) for t in locale.hold_goodbye
            ),
        )
    )
    return new_script(factsheet.slug, source, source_hash, meta, voice, tuple(chapters))
