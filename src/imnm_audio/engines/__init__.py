"""Speech engines by name. Adding an engine is one module here and one line in ENGINES."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import EngineError
from .base import Clip, Engine, Voice
from .espeak import EspeakEngine
from .gtts import GttsEngine
from .hibari import HibariEngine
from .piper import PiperEngine

__all__ = ["Clip", "Engine", "Voice", "ENGINES", "get_engine", "voices_speaking"]

ENGINES: dict[str, Callable[[dict[str, Path]], Engine]] = {
    "hibari": lambda piper_voices: HibariEngine(),  # the default
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


def voices_speaking(language: str, piper_voices: dict[str, Path] | None = None) -> list[Voice]:
    """Every installed or reachable-by-name voice that speaks the language ("pt-BR" takes
    any Portuguese voice): Piper's installed voices, espeak-ng's (when installed) and
    Google's languages. Nothing is synthesised and nothing is fetched."""
    from ..errors import ImnmError

    code = language.replace("_", "-").split("-")[0].lower()
    found = []
    for name in ENGINES:
        try:
            voices = get_engine(name, piper_voices).voices()
        except ImnmError:
            continue
        found += [v for v in voices if v.language.replace("_", "-").split("-")[0].lower() == code]
    return found
