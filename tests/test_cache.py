"""The clip cache: keys, hits, damaged entries, and writers running at once."""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

import numpy as np
import pytest

from imnm_audio.cache import ClipCache, clip_key, decode_wav, encode_wav
from imnm_audio.engines.base import Clip, Voice

VOICE = Voice("v", "piper", "en-US", "test", "model.onnx:abc")


def clip(seed: int = 0, n: int = 22050) -> Clip:
    rng = np.random.default_rng(seed)
    return Clip(rng.integers(-8000, 8000, n).astype(np.int16), 22050)


def test_key_changes_with_everything_that_changes_the_sound() -> None:
    base = clip_key("piper", "1.0", VOICE, 1.0, "Hello.")
    assert base == clip_key("piper", "1.0", VOICE, 1.0, "Hello.")
    others = {
        clip_key("piper", "1.0", VOICE, 1.0, "Hello!"),
        clip_key("piper", "1.1", VOICE, 1.0, "Hello."),
        clip_key("gtts", "1.0", VOICE, 1.0, "Hello."),
        clip_key("piper", "1.0", VOICE, 0.9, "Hello."),
        clip_key(
            "piper", "1.0", Voice("v", "piper", "en-US", "t", "model.onnx:def"), 1.0, "Hello."
        ),
        clip_key(
            "piper", "1.0", Voice("w", "piper", "en-US", "t", "model.onnx:abc"), 1.0, "Hello."
        ),
    }
    assert base not in others and len(others) == 6


def test_stored_clip_comes_back_sample_exact(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    original = clip()
    cache.put("ab" * 32, original)
    back = cache.get("ab" * 32)
    assert back is not None and back.sample_rate == 22050
    assert np.array_equal(back.samples, original.samples)
    assert cache.info() == (1, cache.path("ab" * 32).stat().st_size)


def test_entries_are_playable_wav_files(tmp_path: Path) -> None:
    import wave

    cache = ClipCache(tmp_path)
    cache.put("cd" * 32, clip())
    with wave.open(str(cache.path("cd" * 32))) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getnframes()) == (1, 22050, 22050)


def test_missing_entry_is_a_miss(tmp_path: Path) -> None:
    assert ClipCache(tmp_path).get("ef" * 32) is None


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty"])
def test_damaged_entry_is_discarded_with_a_warning(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ClipCache(tmp_path)
    key = "01" * 32
    cache.put(key, clip())
    path = cache.path(key)
    blob = bytearray(path.read_bytes())
    if damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "flip":
        blob[-100] ^= 0xFF
    else:
        blob = bytearray()
    path.write_bytes(bytes(blob))
    with caplog.at_level(logging.WARNING):
        assert cache.get(key) is None
    assert "damaged" in caplog.text
    assert not path.exists()


@pytest.mark.parametrize("damage", [None, "truncate", "flip", "empty"])
def test_encoded_audio_comes_back_exact_or_not_at_all(
    tmp_path: Path, damage: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ClipCache(tmp_path)
    key, data = "03" * 32, bytes(range(256)) * 40
    cache.put_bytes(key, ".mp3", data)
    path = cache.path(key).with_suffix(".mp3")
    blob = bytearray(path.read_bytes())
    if damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "flip":
        blob[100] ^= 0xFF
    elif damage == "empty":
        blob = bytearray()
    path.write_bytes(bytes(blob))
    with caplog.at_level(logging.WARNING):
        back = cache.get_bytes(key, ".mp3")
    if damage is None:
        assert back == data and cache.info() == (1, len(data) + 32)
    else:
        assert back is None and "damaged" in caplog.text and not path.exists()
    assert cache.get_bytes(key, ".wav") is None  # another kind of entry: a miss


def test_disabled_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path, enabled=False)
    cache.put("02" * 32, clip())
    cache.put_bytes("02" * 32, ".mp3", b"frames")
    assert cache.get("02" * 32) is None and cache.get_bytes("02" * 32, ".mp3") is None
    assert cache.info() == (0, 0)


def test_clear_removes_every_entry(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    for n in range(3):
        cache.put(f"{n:02d}" * 32, clip(n))
    assert cache.clear() == 3 and cache.info() == (0, 0)


def _writer(root: str, seed: int, rounds: int) -> None:
    cache = ClipCache(Path(root))
    for _ in range(rounds):
        cache.put("03" * 32, clip(seed, 44100))
        got = cache.get("03" * 32)
        assert got is None or len(got.samples) == 44100


def test_concurrent_writers_never_leave_a_broken_entry(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), n, 25)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    entry = ClipCache(tmp_path).path("03" * 32)
    decode_wav(entry.read_bytes())  # whole and valid: raises if not
    assert not list(tmp_path.glob("**/*.tmp"))


def test_wav_with_wrong_checksum_is_refused() -> None:
    blob = bytearray(encode_wav(clip()))
    blob[60] ^= 1
    with pytest.raises(ValueError):
        decode_wav(bytes(blob))


def two_takes_at_once(cache: ClipCache) -> list[np.ndarray]:
    """Two builds that make the same clip at the same moment, each with its own take
    (Piper's takes differ), and keep it: what each is given to use."""
    import threading

    takes = [Clip(np.full(100, n + 1, dtype=np.int16), 22050) for n in range(2)]
    ready = threading.Barrier(2)
    given: list[np.ndarray] = [np.empty(0)] * 2

    def build(n: int) -> None:
        ready.wait()
        given[n] = cache.put("cd" * 32, takes[n]).samples

    threads = [threading.Thread(target=build, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return given


@pytest.mark.parametrize("attempt", range(5))
def test_two_builds_making_one_clip_at_once_both_use_the_take_the_cache_keeps(
    tmp_path: Path, attempt: int
) -> None:
    # On a cluster, two workers needing one clip both found it missing and both made it;
    # the cache kept the later take while an episode on the other worker used the
    # earlier: a cold build then differed from a rebuild out of its own cache.
    cache = ClipCache(tmp_path / f"shared-{attempt}")
    first, second = two_takes_at_once(cache)
    kept = cache.get("cd" * 32)
    assert kept is not None
    assert np.array_equal(first, kept.samples) and np.array_equal(second, kept.samples)
    assert not [p for p in (tmp_path / f"shared-{attempt}").rglob("*") if ".new" in p.name]
