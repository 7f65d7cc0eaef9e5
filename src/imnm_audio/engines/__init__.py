"""Speech engines by name. Adding an engine is one module here and one line in ENGINES."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import EngineError
from .base import Clip, Engine, Voice
from .espeak import EspeakEngine
from .gtts import GttsEngine
from .piper import PiperEngine

__all__ = ["Clip", "Engine", "Voice", "ENGINES", "get_engine"]

ENGINES: dict[str, Callable[[dict[str, Path]], Engine]] = {
    "piper": lambda piper_voices: PiperEngine(piper_voices),
    "gtts": lambda piper_voices: GttsEngine(),
    "espeak": lambda piper_voices: EspeakEngine(),
}


def get_engine(name: str, piper_voices: dict[str, Path] | None = None) -> Engine:
    if name not in ENGINES:
        raise EngineError(
            f"there is no speech engine called '{name}'.",
            fix="Known engines: " + ", ".join(ENGINES) + ".",
        )
    return ENGINES[name](piper_voices or {})
