"""Content-addressed clip store: WAV files named by the hash of what made them.

Each entry is a mono 16-bit WAV with an extra 'imnm' chunk holding the SHA-256 of
its samples, so a truncated or corrupted entry is noticed and made again. The same
folder keeps what assembly makes from the clips (levelled chapters, hold-line pieces
ready for the phone, encoded MP3 streams), named by `samples_key`, as bytes followed
by their SHA-256.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import logging
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .engines.base import Clip, Voice
from .fsutil import atomic_write_bytes

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
DEFAULT_CACHE_DIR = Path(".cache") / "imnm-audio"


@functools.cache
def code_fingerprint(*modules: str) -> str:
    """A hash of these modules' source files: cached audio made by code that has changed
    since (in a new release or a working copy) is made again, never reused."""
    digest = hashlib.sha256()
    for name in modules:
        digest.update(Path(importlib.import_module(name).__file__ or name).read_bytes())
    return digest.hexdigest()


@functools.cache
def package_fingerprint() -> str:
    """A hash of every source file of this package: published outputs made by other code
    (a new release, or a working copy since edited) count as out of date."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def samples_key(samples: np.ndarray, identity: object) -> str:
    """The key of what is made from these int16 samples; `identity` (JSON) says how."""
    digest = hashlib.sha256(samples.astype("<i2").tobytes())
    digest.update(json.dumps(identity, sort_keys=True).encode())
    return digest.hexdigest()


def clip_key(engine: str, engine_version: str, voice: Voice, rate: float, text: str) -> str:
    """The cache key: everything that changes the sound of a clip, and nothing else."""
    identity = {
        "format": CACHE_FORMAT,
        "engine": engine,
        "engine_version": engine_version,
        "voice": voice.id,
        "model": voice.fingerprint,
        "rate": round(rate, 4),
        "text": text,
    }
    return hashlib.sha256(
        json.dumps(identity, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def encode_wav(clip: Clip) -> bytes:
    data = clip.samples.astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, clip.sample_rate, clip.sample_rate * 2, 2, 16)
    check = hashlib.sha256(data).digest()
    chunks = (
        b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"imnm"
        + struct.pack("<I", len(check))
        + check
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def decode_wav(blob: bytes) -> Clip:
    """Read an entry back; ValueError if it is not whole and exactly as written."""
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    if struct.unpack("<I", blob[4:8])[0] != len(blob) - 8:
        raise ValueError("size does not match the header (truncated?)")
    pos, rate, check, data = 12, None, None, None
    while pos + 8 <= len(blob):
        chunk_id, size = blob[pos : pos + 4], struct.unpack("<I", blob[pos + 4 : pos + 8])[0]
        body = blob[pos + 8 : pos + 8 + size]
        if len(body) != size:
            raise ValueError("a chunk is cut short")
        if chunk_id == b"fmt ":
            _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            if channels != 1 or bits != 16:
                raise ValueError("not mono 16-bit")
        elif chunk_id == b"imnm":
            check = body
        elif chunk_id == b"data":
            data = body
        pos += 8 + size + (size & 1)
    if rate is None or check is None or data is None:
        raise ValueError("a chunk is missing")
    if hashlib.sha256(data).digest() != check:
        raise ValueError("checksum mismatch (corrupted)")
    return Clip(np.frombuffer(data, dtype="<i2").copy(), rate)


@dataclass
class ClipCache:
    root: Path
    enabled: bool = True

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Clip | None:
        if not self.enabled:
            return None
        path = self.path(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            log.warning("cache entry %s cannot be read (%s); making it again", path, err)
            return None
        try:
            return decode_wav(blob)
        except (ValueError, struct.error) as err:
            log.warning(
                "cache entry %s is damaged (%s); discarding it and making it again", path, err
            )
            try:
                path.unlink()
            except OSError:
                pass
            return None

    def put(self, key: str, clip: Clip) -> None:
        if self.enabled:
            atomic_write_bytes(self.path(key), encode_wav(clip))

    def get_bytes(self, key: str, suffix: str) -> bytes | None:
        """Bytes stored with put_bytes; None when absent (or damaged: then removed)."""
        if not self.enabled:
            return None
        path = self.path(key).with_suffix(suffix)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        data, check = blob[:-32], blob[-32:]
        if len(blob) < 32 or hashlib.sha256(data).digest() != check:
            log.warning("cache entry %s is damaged; discarding it and making it again", path)
            try:
                path.unlink()
            except OSError:
                pass
            return None
        return data

    def put_bytes(self, key: str, suffix: str, data: bytes) -> None:
        if self.enabled:
            blob = data + hashlib.sha256(data).digest()
            atomic_write_bytes(self.path(key).with_suffix(suffix), blob)

    def info(self) -> tuple[int, int]:
        """(entries, bytes) in the cache: clips and encoded audio."""
        if not self.root.is_dir():
            return 0, 0
        files = [f for f in self.root.glob("??/*") if not f.name.startswith(".")]
        return len(files), sum(f.stat().st_size for f in files)

    def clear(self) -> int:
        entries, _ = self.info()
        if self.root.is_dir():
            for folder in self.root.glob("??"):
                if folder.is_dir():
                    shutil.rmtree(folder)
            for stray in self.root.glob(".*.tmp"):
                os.unlink(stray)
        return entries
