"""espeak-ng from the system, for languages without a bundled Piper voice (optional)."""

from __future__ import annotations

import shutil
import subprocess
import wave
from io import BytesIO

import numpy as np

from ..errors import EngineError, EngineUnavailable
from .base import MAX_SEGMENT_CHARS, Clip, Voice

NOT_INSTALLED_FIX = (
    "Install espeak-ng (Debian/Ubuntu: apt-get install espeak-ng), or use --engine hibari."
)


class EspeakEngine:
    name = "espeak"

    def __init__(self) -> None:
        self.binary = shutil.which("espeak-ng")
        self.version = self._version()

    def _version(self) -> str:
        if not self.binary:
            return "not installed"
        done = subprocess.run(
            [self.binary, "--version"], capture_output=True, text=True, check=False
        )
        return done.stdout.strip().split(" ")[3] if done.returncode == 0 else "unknown"

    def status(self) -> str:
        return "offline" if self.binary else "not installed: apt-get install espeak-ng"

    def _require(self) -> str:
        if not self.binary:
            raise EngineUnavailable(
                "espeak-ng is not installed on this system.", fix=NOT_INSTALLED_FIX
            )
        return self.binary

    def voices(self) -> list[Voice]:
        if not self.binary:
            return []
        done = subprocess.run(
            [self.binary, "--voices"], capture_output=True, text=True, check=False
        )
        voices = []
        for line in done.stdout.splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 4:
                voices.append(
                    Voice(
                        parts[1],
                        self.name,
                        parts[1],
                        f"espeak-ng {parts[3]}",
                        f"espeak-ng:{self.version}:{parts[1]}",
                    )
                )
        return voices

    def voice(self, voice_id: str) -> Voice:
        self._require()
        for v in self.voices():
            if v.id.lower() == voice_id.lower():
                return v
        raise EngineError(
            f"espeak-ng has no voice '{voice_id}'.",
            fix="'imnm-audio voices' lists the installed ones (e.g. en-us, es).",
        )

    def problem(self, text: str, voice: Voice) -> str | None:
        if not text.strip():
            return "the spoken text is empty"
        if len(text) > MAX_SEGMENT_CHARS:
            return (
                f"the spoken text is {len(text)} characters; split it (at most {MAX_SEGMENT_CHARS})"
            )
        return None

    def synthesize(self, text: str, voice: Voice, rate: float) -> Clip:
        binary = self._require()
        words_per_minute = str(round(175 * rate))
        done = subprocess.run(
            [binary, "-v", voice.id, "-s", words_per_minute, "--stdout", text],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise EngineUnavailable(
                f"espeak-ng failed: {done.stderr.decode(errors='replace')}", fix=NOT_INSTALLED_FIX
            )
        # espeak-ng streams a WAV whose size fields are unset; read the frames directly.
        with wave.open(BytesIO(done.stdout)) as wav:
            rate_hz = wav.getframerate()
            frames = done.stdout[44:]
        return Clip(
            samples=np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2").copy(),
            sample_rate=rate_hz,
        )
