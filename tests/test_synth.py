"""Running an engine over a script: only what is missing is synthesised; errors come first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from imnm_audio.cache import ClipCache
from imnm_audio.content import FactsheetMeta, Lexicon, VoiceSettings
from imnm_audio.engines import get_engine
from imnm_audio.errors import EngineError
from imnm_audio.script import Chapter, Segment, new_script
from imnm_audio.synth import choose_voice, synthesize

LEXICON = Lexicon(Path("lexicon.yaml"), ())
META = FactsheetMeta("T", "T", "Org", "en-US", "https://example.org/", "s", "2026-01-01", ())


class CountingEngine:
    """The real Piper engine, counting how often it is asked to speak."""

    def __init__(self) -> None:
        self.inner = get_engine("piper")
        self.name, self.version = self.inner.name, self.inner.version
        self.calls: list[str] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)

    def synthesize(self, text, voice, rate):  # type: ignore[no-untyped-def]
        self.calls.append(text)
        return self.inner.synthesize(text, voice, rate)


def script(*sentences: str, language: str = "en-US"):  # type: ignore[no-untyped-def]
    segments = tuple(Segment(s, s, 300) for s in sentences)
    return new_script(
        "t",
        "t.md",
        "h",
        replace(META, language=language),
        VoiceSettings(engine="piper", voice="en_US-joe-medium"),
        (Chapter("one", "One", segments),),
    )


@pytest.fixture
def engine() -> CountingEngine:
    return CountingEngine()


def test_second_run_synthesises_nothing(tmp_path: Path, engine: CountingEngine) -> None:
    s = script("One sentence.", "Two sentences.")
    voice = choose_voice(s, engine)
    first = synthesize(s, LEXICON, engine, voice, ClipCache(tmp_path))
    second = synthesize(s, LEXICON, engine, voice, ClipCache(tmp_path))
    assert (first.synthesized, first.cache_hits) == (2, 0)
    assert (second.synthesized, second.cache_hits) == (0, 2)
    assert len(engine.calls) == 2
    assert [len(c.samples) for c in first.clips] == [len(c.samples) for c in second.clips]


def test_changing_one_sentence_resynthesises_only_it(
    tmp_path: Path, engine: CountingEngine
) -> None:
    voice = choose_voice(script("a."), engine)
    synthesize(script("First.", "Second.", "Third."), LEXICON, engine, voice, ClipCache(tmp_path))
    engine.calls.clear()
    result = synthesize(
        script("First.", "Second, changed.", "Third."), LEXICON, engine, voice, ClipCache(tmp_path)
    )
    assert engine.calls == ["Second, changed."] and result.cache_hits == 2


def test_the_same_sentence_twice_is_made_once(tmp_path: Path, engine: CountingEngine) -> None:
    s = script("Again.", "Again.")
    synthesize(s, LEXICON, engine, choose_voice(s, engine), ClipCache(tmp_path, enabled=False))
    assert engine.calls == ["Again."]


def test_clips_come_back_in_script_order(tmp_path: Path, engine: CountingEngine) -> None:
    s = script("Hi.", "This sentence is a good deal longer than the first one.")
    result = synthesize(s, LEXICON, engine, choose_voice(s, engine), ClipCache(tmp_path))
    assert result.clips[1].duration > result.clips[0].duration * 2


def test_progress_reports_every_segment_and_cache_hits(
    tmp_path: Path, engine: CountingEngine
) -> None:
    s = script("Hi.", "Bye.")
    seen: list[tuple[int, int, bool]] = []
    synthesize(s, LEXICON, engine, choose_voice(s, engine), ClipCache(tmp_path))
    synthesize(
        s, LEXICON, engine, choose_voice(s, engine), ClipCache(tmp_path), lambda *a: seen.append(a)
    )
    assert seen == [(1, 2, 1), (2, 2, 2)]


def test_empty_segment_is_refused_before_any_synthesis(
    tmp_path: Path, engine: CountingEngine
) -> None:
    s = script("Fine.", "  ")
    with pytest.raises(EngineError, match="segment 2 of chapter .one. cannot be spoken.*empty"):
        synthesize(s, LEXICON, engine, choose_voice(s, engine), ClipCache(tmp_path))
    assert engine.calls == []


def test_language_the_voice_cannot_speak_is_refused(engine: CountingEngine) -> None:
    with pytest.raises(EngineError, match="speaks en-US, but the factsheet 't' is in es"):
        choose_voice(script("Hola.", language="es"), engine)
