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
import re
import struct
from pathlib import Path

import numpy as np

from .engines.base import Clip, Voice
from .store import (
    FolderStore,
    LayeredStore,
    Location,
    Store,
    clean_stray_temporaries,
    is_url,
    open_store,
)

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


class ClipCache:
    """The cache in a folder (`root` a Path) or any fsspec location (`root` a URL string:
    `s3://bucket/prefix`), shared by every machine of a cluster build."""

    def __init__(self, root: Location, enabled: bool = True, near: Path | None = None) -> None:
        self.root = root
        self.enabled = enabled
        self.store: Store = open_store(root)
        if near is not None and is_url(root):  # a cluster's worker, for one task
            self.store = LayeredStore(FolderStore(near), self.store)

    def __reduce__(self) -> tuple[object, ...]:
        return (ClipCache, (self.root, self.enabled))  # sent to a cluster's workers

    def path(self, key: str) -> Path:
        """The entry's file (a folder cache only)."""
        return Path(self.root) / self._name(key)

    @staticmethod
    def _name(key: str, suffix: str = ".wav") -> str:
        return f"{key[:2]}/{key}{suffix}"

    def get(self, key: str) -> Clip | None:
        if not self.enabled:
            return None
        name = self._name(key)
        blob = self.store.read(name)
        if blob is None:
            return None
        try:
            return decode_wav(blob)
        except (ValueError, struct.error) as err:
            log.warning(
                "cache entry %s/%s is damaged (%s); discarding it and making it again",
                self.store.where,
                name,
                err,
            )
            self.store.remove(name)
            return None

    def put(self, key: str, clip: Clip) -> Clip:
        """Keep a clip just made; returns the take the cache keeps. Two builds (two
        workers of a cluster) that make the same clip at once keep the first take, and
        the later one is given it: Piper's takes differ, and an episode must use the take
        every later build will find."""
        if not self.enabled:
            return clip
        there = self.store.write_new(self._name(key), encode_wav(clip))
        if not there:
            return clip
        try:
            return decode_wav(there)
        except (ValueError, struct.error):
            self.store.write(self._name(key), encode_wav(clip))  # a damaged entry replaced
            return clip

    def get_bytes(self, key: str, suffix: str) -> bytes | None:
        """Bytes stored with put_bytes; None when absent (or damaged: then removed)."""
        if not self.enabled:
            return None
        name = self._name(key, suffix)
        blob = self.store.read(name)
        if blob is None:
            return None
        data, check = blob[:-32], blob[-32:]
        if len(blob) < 32 or hashlib.sha256(data).digest() != check:
            log.warning(
                "cache entry %s/%s is damaged; discarding it and making it again",
                self.store.where,
                name,
            )
            self.store.remove(name)
            return None
        return data

    def put_bytes(self, key: str, suffix: str, data: bytes) -> None:
        if self.enabled:
            blob = data + hashlib.sha256(data).digest()
            self.store.write(self._name(key, suffix), blob)

    def _own(self) -> list[tuple[str, int]]:
        return [(n, size) for n, size in self.store.entries() if re.match(r"^[0-9a-f]{2}/", n)]

    def info(self) -> tuple[int, int]:
        """(entries, bytes) in the cache: clips and encoded audio."""
        files = self._own()
        return len(files), sum(size for _, size in files)

    def waiting_outputs(self) -> tuple[int, int]:
        """(files, bytes) a cluster build left in `outputs/` that no client took: a run
        whose client or scheduler was lost."""
        files = list(self.store.entries("outputs"))
        return len(files), sum(size for _, size in files)

    def clear(self) -> int:
        files = self._own()
        for folder in sorted({name.split("/", 1)[0] for name, _ in files}):
            self.store.remove_all(folder)
        self.store.remove_all("outputs")  # a cluster build's outputs a client never took
        if not is_url(self.root) and Path(self.root).is_dir():
            clean_stray_temporaries(Path(self.root))
        return len(files)
