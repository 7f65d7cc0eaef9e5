"""MP3 encoding through the cache: each distinct run of samples encoded once."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..cache import ClipCache, code_fingerprint, samples_key
from ..content import AudioSettings
from ..export.mp3 import codec_gain_db, encode_mp3
from ..export.splice import exact_length
from ..ffmpeg import ffmpeg_exe


def _encoder() -> dict[str, object]:
    """What makes an encode: the code that calls the encoder, and the ffmpeg binary (by
    path, size and time)."""
    binary = os.stat(ffmpeg_exe())
    return {
        "code": code_fingerprint(
            "imnm_audio.export.mp3", "imnm_audio.export.splice", "imnm_audio.ffmpeg"
        ),
        "ffmpeg": [ffmpeg_exe(), binary.st_size, binary.st_mtime_ns],
    }


def encoded_key(samples: np.ndarray, rate: int, settings: dict[str, int]) -> str:
    """The cache key of samples encoded with `settings` by this encoder."""
    return samples_key(samples, {**_encoder(), **settings, "rate": rate})


def encode_all(
    jobs: list[tuple[np.ndarray, str]],
    rate: int,
    settings: dict[str, int],
    cache: ClipCache,
    folder: Path,
) -> list[bytes]:
    """Each (samples, name) encoded to an MP3 stream (no tags), side by side on the
    machine's cores: the same samples are encoded once, and not at all when the cache
    has them. Each encode writes a hidden file named after its job in `folder`, so
    ffmpeg's command line (and its errors) say what it was making."""
    keys = [encoded_key(samples, rate, settings) for samples, _ in jobs]
    unique: dict[str, tuple[np.ndarray, str]] = {}
    for key, job in zip(keys, jobs, strict=True):
        unique.setdefault(key, job)  # the first job of the same samples names it

    def encode(item: tuple[str, tuple[np.ndarray, str]]) -> tuple[str, bytes]:
        key, (samples, name) = item
        data = cache.get_bytes(key, ".mp3")
        if data is None:
            path = folder / f".{name}.mp3"
            encode_mp3(samples, rate, path, **settings)
            data = path.read_bytes()
            out_rate = settings["sample_rate"]
            if len(samples) * out_rate % rate == 0:  # the Info frame says the true length
                data = exact_length(data, len(samples) * out_rate // rate)
            path.unlink()
            cache.put_bytes(key, ".mp3", data)
        return key, data

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        streams = dict(pool.map(encode, unique.items()))
    return [streams[key] for key in keys]


def codec_gain(audio: AudioSettings, rate: int, cache: ClipCache) -> float:
    """export.mp3.codec_gain_db, kept in the cache (it takes an encode and a decode)."""
    settings = (audio.bitrate_kbps, audio.sample_rate, audio.channels)
    identity = {**_encoder(), "settings": settings, "rate": rate, "measure": "codec gain"}
    key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
    stored = cache.get_bytes(key, ".gain")
    if stored is not None and len(stored) == 8:
        return float(struct.unpack("<d", stored)[0])
    gain = codec_gain_db(*settings, rate)
    cache.put_bytes(key, ".gain", struct.pack("<d", gain))
    return gain
