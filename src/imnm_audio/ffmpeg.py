"""Find and run ffmpeg: the imageio-ffmpeg wheel's binary, or one named in IMNM_AUDIO_FFMPEG."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
from pathlib import Path

import numpy as np

from .errors import EngineUnavailable, OutputError


@functools.cache
def ffmpeg_exe() -> str:
    configured = os.environ.get("IMNM_AUDIO_FFMPEG")
    if configured:
        if not Path(configured).is_file():
            raise EngineUnavailable(
                f"IMNM_AUDIO_FFMPEG names '{configured}', which does not exist.",
                fix="Point it at an ffmpeg binary, or unset it to use the "
                "one from the imageio-ffmpeg package.",
            )
        return configured
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as err:
        raise EngineUnavailable(
            f"ffmpeg is not available ({err}).",
            fix="Reinstall the project (pip install -e .) so the "
            "imageio-ffmpeg package brings its ffmpeg, or set "
            "IMNM_AUDIO_FFMPEG to an ffmpeg binary.",
        ) from None


def run_ffmpeg(args: list[str], input: bytes | None = None) -> bytes:
    """Run ffmpeg quietly; return its standard output; raise EngineUnavailable on failure."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "warning", *args]
    try:
        done = subprocess.run(command, input=input, capture_output=True, check=False)
    except OSError as err:
        raise EngineUnavailable(
            f"ffmpeg could not be started ({err.strerror}).",
            path=command[0],
            fix="Check the ffmpeg binary, or reinstall imageio-ffmpeg.",
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        errors = [line for line in message if "rror" in line] or message
        last = errors[-1] if errors else "no message"
        if done.returncode == -signal.SIGXFSZ:
            last = "File too large (the file size limit was reached)"
        if any(
            s in "\n".join(message) + last
            for s in ("No space left", "File too large", "Disk quota")
        ):
            raise OutputError(
                f"ffmpeg could not write its output: {last}.",
                fix="Free some disk space (or raise the file size limit) and "
                "build again; the previous outputs were left in place.",
            )
        raise EngineUnavailable(f"ffmpeg failed: {last}.", fix="Run with -v to see the command.")
    return done.stdout


def decode_pcm(
    source: Path | bytes, sample_rate: int, channels: int = 1, filters: str | None = None
) -> np.ndarray:
    """Decode any audio ffmpeg reads into int16 samples (frames x channels, or 1-D for mono)."""
    args = ["-i", "pipe:0" if isinstance(source, bytes) else str(source)]
    if filters:
        args += ["-af", filters]
    args += [
        "-f",
        "s16le",
        "-acodec",
        "pcm_s16le",
        "-ac",
        str(channels),
        "-ar",
        str(sample_rate),
        "pipe:1",
    ]
    raw = run_ffmpeg(args, input=source if isinstance(source, bytes) else None)
    samples = np.frombuffer(raw, dtype="<i2").copy()
    return samples if channels == 1 else samples.reshape(-1, channels)


def encode_pcm(samples: np.ndarray, rate: int, args: list[str], path: Path) -> None:
    """Mono int16 PCM through ffmpeg into `path`, bit-exact and without metadata.

    `args` sets the codec and format (and may name extra outputs before `path`).
    """
    run_ffmpeg(
        [
            "-f",
            "s16le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            *args,
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            "-y",
            str(path),
        ],
        input=samples.astype("<i2").tobytes(),
    )
