"""Run an engine over a Script, through the clip cache, checking everything first."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from .cache import ClipCache, clip_key
from .content import Lexicon
from .engines import Engine
from .engines.base import Clip, Voice
from .errors import ContentError, EngineError
from .pronounce import render, unknown_terms
from .script import Script

log = logging.getLogger(__name__)

Progress = Callable[[int, int, int], None]  # (segments done, total, cache hits so far)


@dataclass(frozen=True)
class Synthesis:
    clips: tuple[Clip, ...]  # in script order, one per segment
    cache_hits: int
    synthesized: int
    seconds: float


def choose_voice(script: Script, engine: Engine) -> Voice:
    """The script's voice from its engine, checked against the factsheet's language."""
    voice = engine.voice(script.voice.voice)
    want = script.meta.language.split("-")[0].lower()
    have = voice.language.split("-")[0].lower()
    if want != have:
        raise EngineError(
            f"the voice '{voice.id}' speaks {voice.language}, but the factsheet "
            f"'{script.slug}' is in {script.meta.language}.",
            fix="Choose a voice for that language with --voice ('imnm-audio voices' lists them).",
        )
    return voice


def engine_texts(script: Script, lexicon: Lexicon, engine: Engine) -> list[str]:
    """Every segment's spoken text as this engine is given it: each `{term}` in its form."""
    return [render(s.spoken, lexicon, engine.name, script.meta.language) for s in script.segments]


def check_script(
    script: Script, lexicon: Lexicon, engine: Engine, voice: Voice, texts: list[str]
) -> None:
    """Refuse, before any synthesis, a segment the engine cannot speak (`texts`: each
    segment as the engine is given it)."""
    given = iter(texts)
    for chapter in script.chapters:
        for number, segment in enumerate(chapter.segments, 1):
            text = next(given)
            unknown = unknown_terms(segment.spoken, lexicon)
            if unknown:
                raise ContentError(
                    f"in the '{script.slug}' script, segment {number} of chapter "
                    f"'{chapter.id}' marks {{{unknown[0]}}} as a lexicon term, but the "
                    "lexicon has no entry for it.",
                    path=lexicon.path,
                    fix=f"Add '{unknown[0]}' to {lexicon.path}, or remove the braces around "
                    f"it in the '{script.slug}' script.",
                )
            problem = engine.problem(text, voice)
            if problem:
                raise EngineError(
                    f"in the '{script.slug}' script, segment {number} of chapter "
                    f"'{chapter.id}' cannot be spoken by {engine.name}: {problem}.",
                    fix=f"Edit that segment's 'spoken' text in {script.slug}.yaml, or "
                    "regenerate the script.",
                )


def segment_keys(script: Script, lexicon: Lexicon, engine: Engine, voice: Voice) -> list[str]:
    """Each segment's clip key: the engine, its voice, the rate and the text it is given."""
    return _keys(script, engine, voice, engine_texts(script, lexicon, engine))


def _keys(script: Script, engine: Engine, voice: Voice, texts: list[str]) -> list[str]:
    return [
        clip_key(engine.name, engine.version, voice, script.voice.rate * s.rate, text)
        for s, text in zip(script.segments, texts, strict=True)
    ]


def synthesize(
    script: Script,
    lexicon: Lexicon,
    engine: Engine,
    voice: Voice,
    cache: ClipCache,
    progress: Progress | None = None,
) -> Synthesis:
    """Every segment's clip, from the cache where it is there, from the engine where not."""
    started = time.perf_counter()
    texts = engine_texts(script, lexicon, engine)
    check_script(script, lexicon, engine, voice, texts)
    segments = script.segments
    keys = _keys(script, engine, voice, texts)
    clips: list[Clip] = []
    hits = made = 0
    made_now: dict[str, Clip] = {}  # the same sentence twice in one script is made once
    for index, (segment, text, key) in enumerate(zip(segments, texts, keys, strict=True)):
        clip = made_now.get(key) or cache.get(key)
        if clip is not None:
            hits += 1
        else:
            clip = engine.synthesize(text, voice, script.voice.rate * segment.rate)
            if len(clip.samples) == 0:
                raise EngineError(
                    f"{engine.name} made no sound for: '{text[:60]}'.",
                    fix="Check the spoken text of that segment.",
                )
            clip = cache.put(key, clip)  # the take the cache keeps: another's, if first
            made += 1
        made_now[key] = clip
        clips.append(clip)
        if progress:
            progress(index + 1, len(segments), hits)
    rates = {c.sample_rate for c in clips}
    if len(rates) > 1:
        raise EngineError(
            f"the clips have different sample rates {sorted(rates)}.",
            fix="Clear the cache ('imnm-audio cache clear') and build again.",
        )
    return Synthesis(tuple(clips), hits, made, time.perf_counter() - started)
