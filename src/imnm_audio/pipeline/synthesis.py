"""The voice for a build, loaded once and unloaded before assembly; clips read back later."""

from __future__ import annotations

import ctypes
import functools
import gc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..cache import ClipCache
from ..content import Lexicon, Podcast
from ..engines import Engine, Voice, get_engine
from ..script import Script
from ..synth import Progress, Synthesis, choose_voice, synthesize


@functools.cache
def _engine_for(name: str, piper_voices: tuple[tuple[str, Path], ...]) -> Engine:
    return get_engine(name, dict(piper_voices))


def engine_for_script(name: str, podcast: Podcast) -> Engine:
    """The engine for a script, made once per run."""
    return _engine_for(name, tuple(sorted(podcast.piper_voices.items())))


def release_engines() -> None:
    """Unload voice models once their clips are made.

    A Piper voice holds about 450 MB of ONNX Runtime memory after a long sentence;
    assembly needs a few hundred MB more, so freeing the voice first keeps the build
    under 600 MB, and flat however many factsheets are built.
    """
    _engine_for.cache_clear()
    trim_memory()


def trim_memory() -> None:
    """Collect, and hand freed memory back to the system (glibc only)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def synthesize_for_assembly(
    podcast: Podcast,
    lexicon: Lexicon,
    script: Script,
    engine: Engine,
    voice: Voice,
    cache: ClipCache,
    progress: Progress | None = None,
) -> Callable[[], Synthesis]:
    """Make every clip of a script now; return how assembly gets them later.

    The clips for assembly are read back from the cache when assembly starts, so a build
    of many factsheets does not hold every factsheet's clips while the voice is loaded.
    Without a cache (--no-cache) they are held. A clip missing from the cache by then is
    made again (loading the voice again), so assembly always gets every clip."""
    synthesis = synthesize(script, lexicon, engine, voice, cache, progress)
    if not cache.enabled:
        return lambda: synthesis
    hits, made = synthesis.cache_hits, synthesis.synthesized  # the counts only, not the clips

    def read_back() -> Synthesis:
        engine = engine_for_script(script.voice.engine, podcast)
        again = synthesize(script, lexicon, engine, choose_voice(script, engine), cache)
        return replace(again, cache_hits=hits, synthesized=made + again.synthesized)

    return read_back
