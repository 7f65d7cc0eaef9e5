"""The Engine protocol: what every speech engine offers the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

MAX_SEGMENT_CHARS = 2000  # longer spoken text is a script mistake, not a sentence


def phoneme_text_problem(text: str, notation: str = "phonemes") -> str | None:
    """What stops any phoneme-reading engine (Piper, hibari) from speaking a text: empty,
    too long, or a `[[ phonemes ]]` bracket left open."""
    if not text.strip():
        return "the spoken text is empty"
    if len(text) > MAX_SEGMENT_CHARS:
        return f"the spoken text is {len(text)} characters; split it (at most {MAX_SEGMENT_CHARS})"
    if text.count("[[") != text.count("]]"):
        return f"{notation} must be written [[ like this ]]; a bracket is unbalanced"
    return None


@dataclass(frozen=True)
class Voice:
    id: str
    engine: str
    language: str  # BCP 47
    description: str
    fingerprint: str  # what identifies the model's sound, for the cache key


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit PCM for one segment."""

    samples: np.ndarray  # int16, 1-D
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


class Engine(Protocol):
    name: str
    version: str

    def status(self) -> str:
        """'offline', 'online' or 'not installed: <why>'."""
        ...

    def voices(self) -> list[Voice]: ...

    def voice(self, voice_id: str) -> Voice:
        """The named voice, or EngineError naming the voices there are."""
        ...

    def problem(self, text: str, voice: Voice) -> str | None:
        """Why this text cannot be spoken by this engine, checked before any synthesis."""
        ...

    def synthesize(self, text: str, voice: Voice, rate: float) -> Clip: ...
