"""Hearing how a text sounds: speak it with the lexicon, several takes, and say what
the recogniser heard. `imnm-audio lexicon try` prints this; the studio shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cache import ClipCache, clip_key, encode_wav
from .content import Project
from .engines.base import Engine, Voice
from .narrate.rules import Context, speak
from .pronounce import heard_as, render


@dataclass
class Take:
    wav: bytes
    heard: str
    marks: dict[str, bool]  # key term -> heard in this take


@dataclass
class Tried:
    text: str
    given: str  # what the engine was given
    terms: list[str]
    takes: list[Take] = field(default_factory=list)

    def heard_in(self, term: str) -> int:
        return sum(take.marks.get(term, False) for take in self.takes)

    def verdicts(self) -> dict[str, bool]:
        """Each key term: heard in most takes (True) or a suspect (False)."""
        return {t: self.heard_in(t) * 2 > len(self.takes) for t in self.terms}


def given_text(project: Project, engine: Engine, text: str) -> tuple[str, str]:
    """What the narration rules make of `text`, and what `engine` is given for it."""
    spoken = speak(text, Context(project.lexicon, project.podcast.language))
    return spoken, render(spoken, project.lexicon, engine.name, project.podcast.language)


def try_text(
    project: Project,
    engine: Engine,
    voice: Voice,
    text: str,
    times: int = 3,
    model: Path | None = None,
) -> Tried:
    """Speak `text` `times` times and hear each take back; hibari's take 1 is what a
    build makes (seed 0), the others other seeds."""
    from .check.terms import count, key_terms
    from .ffmpeg import decode_pcm
    from .listen import RATE, compare, transcribe

    spoken, given = given_text(project, engine, text)
    terms = list(dict.fromkeys(key_terms(text, project.lexicon, spoken, project.podcast.language)))
    glossary = [t for t in terms if " " not in t]
    tried = Tried(text, given, terms)
    for take in range(1, times + 1):
        if hasattr(engine, "seed"):
            engine.seed = take - 1
        wav = encode_wav(engine.synthesize(given, voice, project.podcast.voice.rate))
        samples = decode_pcm(wav, RATE)
        heard = " ".join(w.text for w in transcribe(samples, glossary, model=model)).strip()
        _, hyp = compare(heard_as(spoken, project.lexicon), heard)
        tried.takes.append(Take(wav, heard, {t: count(t, hyp) > 0 for t in terms}))
    if hasattr(engine, "seed"):
        engine.seed = 0
    return tried


def speak_once(
    project: Project, engine: Engine, voice: Voice, text: str, cache: ClipCache
) -> bytes:
    """`text` as a build would say it, as WAV: from the clip cache when it was made
    before (the build's own key), else synthesised and kept there."""
    _, given = given_text(project, engine, text)
    rate = project.podcast.voice.rate
    key = clip_key(engine.name, engine.version, voice, rate, given)
    clip = cache.get(key)
    if clip is None:
        if hasattr(engine, "seed"):
            engine.seed = 0
        clip = cache.put(key, engine.synthesize(given, voice, rate))
    return encode_wav(clip)
