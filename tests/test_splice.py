"""Joining MP3 streams at frame boundaries: checked against ffmpeg's own files and decoder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3

from conftest import decode
from imnm_audio.export.mp3 import encode_mp3
from imnm_audio.export.splice import (
    SpliceError,
    chapter_cuts,
    crc16,
    crc16_combine,
    join_chapters,
    read_stream,
    splice,
)
from imnm_audio.ffmpeg import ffmpeg_exe

RATE = 22050  # Piper's rate; the MP3 is 44.1 kHz
SETTINGS = {"bitrate_kbps": 96, "sample_rate": 44100, "channels": 1}


def encoded(samples: np.ndarray, path: Path, **settings: int) -> bytes:
    encode_mp3(samples, RATE, path, **{**SETTINGS, **settings})  # type: ignore[arg-type]
    return path.read_bytes()


def noise(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * RATE)) * 3000).astype(np.int16)


@pytest.mark.parametrize(
    ("seconds", "settings"),
    [
        (12.0, {}),  # over 400 frames: ffmpeg's seek table thins its samples
        (0.5, {}),
        (3.3, {"sample_rate": 22050, "bitrate_kbps": 64}),  # MPEG-2, 576-sample frames
        (2.1, {"channels": 2, "bitrate_kbps": 128}),  # stereo side information
    ],
)
def test_one_stream_spliced_alone_is_byte_for_byte_the_file_ffmpeg_wrote(
    tmp_path: Path, seconds: float, settings: dict[str, int]
) -> None:
    data = encoded(noise(seconds), tmp_path / "a.mp3", **settings)
    stream = read_stream(data)
    assert crc16(stream.audio) == stream.music_crc
    assert splice([stream], stream.samples) == data


def test_crc_of_joined_bytes_from_the_parts_crcs() -> None:
    rng = np.random.default_rng(1)
    parts = [rng.integers(0, 256, n, dtype=np.uint8).tobytes() for n in (0, 1, 313, 4096, 777)]
    crc = 0
    for part in parts:
        crc = crc16_combine(crc, crc16(part), len(part))
    assert crc == crc16(b"".join(parts))
    assert crc16(b"123456789") == 0xBB3D  # the CRC-16/ARC check value


def chapters_signal() -> tuple[np.ndarray, list[int]]:
    """Three 'chapters' of tone bursts, each after 450 ms of silence, like the episode."""
    t = np.arange(int(1.3 * RATE)) / RATE
    parts, starts, position = [], [], 0
    for n, hz in enumerate((300.0, 450.0, 700.0)):
        gap = np.zeros(int(0.45 * RATE) + 97 * n, dtype=np.int16)  # cuts off the frame grid
        burst = (np.sin(2 * np.pi * hz * t) * 8000).astype(np.int16)
        parts += [gap, burst]
        starts.append(position + len(gap))
        position += len(gap) + len(burst)
    parts.append(np.zeros(RATE // 2, dtype=np.int16))
    return np.concatenate(parts), starts


def test_joined_chapters_play_exactly_the_assembled_samples(tmp_path: Path) -> None:
    samples, starts = chapters_signal()
    spans = chapter_cuts(samples, RATE, starts, RATE // 10, **SETTINGS)
    assert spans is not None and spans[0][0] == 0 and spans[-1][1] == len(samples)
    streams = []
    for n, (begin, end) in enumerate(spans):
        streams.append(read_stream(encoded(samples[begin:end], tmp_path / f"{n}.mp3")))
    episode = tmp_path / "episode.mp3"
    episode.write_bytes(join_chapters(streams, spans, RATE, 44100))

    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(episode), "-f", "null", os.devnull],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == ""  # no broken frames at the joins
    joined = decode(episode, RATE).astype(np.float64)
    assert len(joined) == len(samples)  # gapless: the encoder's delay and padding removed
    for start in starts:  # every chapter's sound where it was, and silence before it
        assert np.abs(joined[start - RATE // 5 : start - 30]).max() < 40
        assert np.abs(joined[start + 30 : start + RATE // 5]).max() > 4000
    error = joined - samples
    assert 10 * np.log10(np.sum(samples.astype(np.float64) ** 2) / np.sum(error**2)) > 20
    info = MP3(episode).info
    assert info.sample_rate == 44100 and info.bitrate == 96000
    stream = read_stream(episode.read_bytes())
    assert stream.frames == sum(s.frames for s in streams)
    assert stream.samples == 2 * len(samples)
    assert crc16(stream.audio) == stream.music_crc


def test_a_cut_that_would_drop_sound_is_refused() -> None:
    samples, starts = chapters_signal()
    samples[starts[1] - RATE // 5 : starts[1]] = 5000  # sound right up to the chapter
    assert chapter_cuts(samples, RATE, starts, RATE // 10, **SETTINGS) is None


def test_rates_without_a_whole_frame_are_encoded_whole() -> None:
    samples, starts = chapters_signal()
    assert chapter_cuts(samples, 24000, starts, 2400, **SETTINGS) is None  # gTTS's rate


def test_streams_that_do_not_meet_at_the_cut_are_refused(tmp_path: Path) -> None:
    samples, starts = chapters_signal()
    spans = chapter_cuts(samples, RATE, starts, RATE // 10, **SETTINGS)
    assert spans is not None
    wrong = [(b, e - 576) for b, e in spans]  # one frame short: the next chapter would move
    streams = [
        read_stream(encoded(samples[b:e], tmp_path / f"{n}.mp3")) for n, (b, e) in enumerate(wrong)
    ]
    with pytest.raises(SpliceError):
        join_chapters(streams, spans, RATE, 44100)


def test_a_cut_off_stream_is_refused(tmp_path: Path) -> None:
    data = encoded(noise(1.0), tmp_path / "a.mp3")
    with pytest.raises(SpliceError, match="cut off"):
        read_stream(data[:-100])
    with pytest.raises(SpliceError, match="Layer III"):
        read_stream(b"RIFF" + data[4:])


@pytest.mark.parametrize(("rate", "tail"), [(RATE, 5), (RATE, 23), (44100, 40), (RATE, 0)])
def test_an_encoded_stream_plays_exactly_its_samples(tmp_path: Path, rate: int, tail: int) -> None:
    # LAME, through ffmpeg, pads a last frame shorter than 47 samples with silence and
    # counts it as music (up to 46 samples too many): the Info frame is written again.
    from imnm_audio.cache import ClipCache
    from imnm_audio.pipeline.encoding import encode_all

    frame = 1152 * rate // 44100
    samples = noise(2.0)[: frame * 20 + tail]
    (stream,) = encode_all(
        [(samples, "tail")], rate, SETTINGS, ClipCache(tmp_path, enabled=False), tmp_path
    )
    (tmp_path / "tail.mp3").write_bytes(stream)
    assert len(decode(tmp_path / "tail.mp3")) == len(samples) * 44100 // rate
    assert read_stream(stream).samples == len(samples) * 44100 // rate
