"""Stitch clips into one episode: trimmed speech, scripted pauses, chapter cues, loudness."""

from __future__ import annotations

import functools
import itertools
import struct
import warnings
from dataclasses import dataclass

import numpy as np

from .cache import ClipCache, code_fingerprint, samples_key
from .content import AudioSettings
from .engines.base import Clip
from .ffmpeg import ffmpeg_exe
from .loudness import integrated_loudness, limit_peaks, true_peak_db

with warnings.catch_warnings():  # pydub warns on import when no ffmpeg is on PATH
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.generators import Sine
from .script import Chapter, Script, Segment

LEAD_IN_MS = 500
TAIL_MS = 1000
CUE_GAP_MS = 450  # silence between the chapter cue and the next heading
CHAPTER_LEAD_MS = 100  # a chapter's file starts this long (or up to a frame more) before it
ONSET_MARGIN_MS = 15  # kept before the first word of a clip
RELEASE_MARGIN_MS = 60  # kept after the last word
SILENCE_DBFS = -45.0
# Room left under the true-peak limit for what resampling and MP3 encoding add: 0.5 dB
# is enough for both offline voices at 22.05 kHz (hibari's at 24 kHz overshot: its IMNM
# episode measured -0.8 dBTP). An engine that needs more gets it here. Where an encoded
# file still overshoots, the build measures it and levels again with the room it took
# (pipeline.episode.finish_episode).
ENCODER_HEADROOM_DB = 0.5
ENGINE_HEADROOM_DB: dict[str, float] = {}


def encoder_headroom(engine: str) -> float:
    return ENGINE_HEADROOM_DB.get(engine, ENCODER_HEADROOM_DB)


@dataclass(frozen=True)
class SegmentTiming:
    display: str
    start: float  # seconds from the start of the episode
    end: float
    block: str = ""  # Segment.block: the paragraph, heading or list item it belongs to
    strong: bool = False


@dataclass(frozen=True)
class ChapterTiming:
    id: str
    title: str
    urls: tuple[str, ...]
    start: float
    end: float
    segments: tuple[SegmentTiming, ...]


@dataclass(frozen=True)
class Episode:
    samples: np.ndarray  # int16 mono, at sample_rate
    sample_rate: int
    chapters: tuple[ChapterTiming, ...]
    true_peak_db: float  # before encoding
    gains_db: tuple[float, ...]  # applied to each chapter to reach the loudness target

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    @functools.cached_property
    def loudness_lufs(self) -> float:
        """Of the final samples, before encoding (measured when first asked for)."""
        return integrated_loudness(self.samples, self.sample_rate, full_scale=32768.0)


def trim(clip: Clip) -> np.ndarray:
    """Cut an engine's leading and trailing silence, so a segment starts on its first word."""
    samples = clip.samples
    frame = max(1, clip.sample_rate // 100)  # 10 ms
    usable = len(samples) // frame * frame
    if usable == 0:
        return samples
    frames = samples[:usable].astype(np.float64).reshape(-1, frame)
    rms = np.sqrt(np.mean(frames**2, axis=1)) / 32768.0
    loud = np.nonzero(rms > 10 ** (SILENCE_DBFS / 20))[0]
    if len(loud) == 0:
        return samples
    start = max(0, loud[0] * frame - clip.sample_rate * ONSET_MARGIN_MS // 1000)
    end = min(len(samples), (loud[-1] + 1) * frame + clip.sample_rate * RELEASE_MARGIN_MS // 1000)
    return samples[start:end]


def chapter_cue(sample_rate: int) -> np.ndarray:
    """A soft rising two-tone chime (under a second, about -26 dBFS) that marks a new section."""
    AudioSegment.converter = ffmpeg_exe()  # the wheel's ffmpeg, never a missing system one
    low = Sine(523.25, sample_rate=sample_rate).to_audio_segment(duration=180, volume=-26.0)
    high = Sine(659.25, sample_rate=sample_rate).to_audio_segment(duration=320, volume=-26.0)
    cue: AudioSegment = low.fade_in(15).fade_out(60) + high.fade_in(15).fade_out(220)
    cue = cue.set_sample_width(2).set_channels(1)
    return np.frombuffer(cue.raw_data, dtype="<i2").copy()


def _silence(ms: int, sample_rate: int) -> np.ndarray:
    return _silence_samples(sample_rate * ms // 1000)


def _silence_samples(count: int) -> np.ndarray:
    return np.zeros(count, dtype=np.int16)


def stitch(
    chapters: tuple[Chapter, ...],
    clips: tuple[Clip, ...],
    cue: np.ndarray | None = None,
    lead_ms: int = LEAD_IN_MS,
    tail_ms: int = TAIL_MS,
    frame: int = 1,
) -> tuple[np.ndarray, tuple[ChapterTiming, ...]]:
    """Trimmed clips with each segment's pause, a cue before every chapter but the first.

    Returns the samples and exact timings: a chapter starts on its first word (the
    first chapter at 0), and ends where the next one starts. With `frame` > 1 (an MP3
    frame, in samples), up to `frame` - 1 samples of silence go before each chapter so
    that the point CHAPTER_LEAD_MS before its first word is a whole number of frames
    from the start: each chapter's file then begins on a frame boundary, and its samples
    do not depend on the length of the chapters before it (see `chapter_cuts`).
    """
    rate = clips[0].sample_rate
    lead = rate * CHAPTER_LEAD_MS // 1000
    parts: list[np.ndarray] = [_silence(lead_ms, rate)]
    position = len(parts[0])
    starts: list[int] = []
    spans: list[list[tuple[Segment, int, int]]] = []
    clip_iter = iter(clips)
    for index, chapter in enumerate(chapters):
        if index > 0 and cue is not None:
            for piece in (cue, _silence(CUE_GAP_MS, rate)):
                parts.append(piece)
                position += len(piece)
        if index > 0 and (position - lead) % frame:
            pad = _silence_samples(-(position - lead) % frame)
            parts.append(pad)
            position += len(pad)
        chapter_spans = []
        for segment in chapter.segments:
            speech = trim(next(clip_iter))
            chapter_spans.append((segment, position, position + len(speech)))
            pause = _silence(segment.pause_ms, rate)
            parts += [speech, pause]
            position += len(speech) + len(pause)
        starts.append(chapter_spans[0][1])
        spans.append(chapter_spans)
    parts.append(_silence(tail_ms, rate))
    samples = np.concatenate(parts)
    timings = []
    for index, chapter in enumerate(chapters):
        end = starts[index + 1] if index + 1 < len(starts) else len(samples)
        timings.append(
            ChapterTiming(
                id=chapter.id,
                title=chapter.title,
                urls=chapter.urls,
                start=starts[index] / rate if index else 0.0,
                end=end / rate,
                segments=tuple(
                    SegmentTiming(g.display, s / rate, e / rate, g.block, g.strong)
                    for g, s, e in spans[index]
                ),
            )
        )
    return samples, tuple(timings)


def assemble(
    script: Script,
    clips: tuple[Clip, ...],
    audio: AudioSettings,
    codec_gain_db: float = 0.0,
    frame: int = 1,
    cache: ClipCache | None = None,
    headroom_db: float = ENCODER_HEADROOM_DB,
) -> Episode:
    """One track with the script's pauses and chapter cues, each chapter at the target loudness.

    `codec_gain_db` is how much the encoder changes the level (measured by
    export.mp3.codec_gain_db); the PCM is levelled so the encoded file hits the target.
    `frame` is the MP3 frame in samples at the clips' rate, when it is a whole number
    (see `stitch`). A chapter levelled before (found in `cache`) is not levelled again.
    """
    rate = clips[0].sample_rate
    cue = chapter_cue(rate) if audio.chime else None
    samples, chapters = stitch(script.chapters, clips, cue, frame=frame)
    target = audio.target_lufs - (3.0103 if audio.channels == 2 else 0.0)  # dual mono adds 3 dB
    ceiling = audio.true_peak_db - headroom_db  # room for the encoder's overshoot
    lead = rate * CHAPTER_LEAD_MS // 1000
    pieces = [0] + [round(c.start * rate) - lead for c in chapters[1:]]
    levelled, gains, peak = normalise_loudness(
        samples, rate, target - codec_gain_db, ceiling - codec_gain_db, pieces, cache
    )
    return Episode(levelled, rate, chapters, peak, gains)


def normalise_loudness(
    samples: np.ndarray,
    rate: int,
    target_lufs: float,
    ceiling_db: float,
    pieces: list[int] | None = None,
    cache: ClipCache | None = None,
) -> tuple[np.ndarray, tuple[float, ...], float]:
    """Each piece at the target loudness, with a look-ahead limiter where peaks need it.

    The pieces start at `pieces` (the chapters, each from just before its first word;
    by default one piece, the whole). Each gets its own gain, so every chapter is at
    the target, the whole programme with them, and an edit in one chapter leaves every
    other chapter's samples, and so their encoded audio, exactly as they were. A piece
    too short or quiet to measure gets the whole programme's gain. A piece found in
    `cache` (by its samples and the settings) is taken from it, not levelled again.
    Returns (samples, the gain of each piece in dB, true peak in dBTP).
    """
    bounds = list(itertools.pairwise([*(pieces or [0]), len(samples)]))
    out = np.empty(len(samples), dtype=np.int16)
    gains, peaks = [], []
    whole: float | None = None
    how = {
        "level": code_fingerprint(__name__, "imnm_audio.loudness", "imnm_audio.dsp"),
        "rate": rate,
        "target": target_lufs,
        "ceiling": ceiling_db,
    }
    for first, last in bounds:
        part = samples[first:last]
        key = samples_key(part, how)
        stored = cache.get_bytes(key, ".level") if cache else None
        if stored is not None and len(stored) == 16 + 2 * len(part):
            gain, peak = struct.unpack("<dd", stored[:16])
            out[first:last] = np.frombuffer(stored, dtype="<i2", offset=16)
        else:
            loudness = integrated_loudness(part, rate, full_scale=32768.0)
            alone = bool(np.isfinite(loudness))  # levelled from this piece alone
            if not alone:
                if whole is None:
                    whole = integrated_loudness(samples, rate, full_scale=32768.0)
                loudness = whole if np.isfinite(whole) else target_lufs
            out[first:last], gain, peak = _level(
                part, rate, target_lufs - loudness, target_lufs, ceiling_db
            )
            if cache and alone:
                levelled = struct.pack("<dd", gain, peak) + out[first:last].astype("<i2").tobytes()
                cache.put_bytes(key, ".level", levelled)
        gains.append(gain)
        peaks.append(peak)
    return out, tuple(gains), max(peaks, default=-np.inf)


def _level(
    samples: np.ndarray, rate: int, gain_db: float, target_lufs: float, ceiling_db: float
) -> tuple[np.ndarray, float, float]:
    """Samples times the gain, limited to the ceiling. Measured in-process on the PCM we
    already hold: far cheaper than ffmpeg's two-pass loudnorm, and as exact (DESIGN.md,
    "Loudness costs time"). Limiting lowers the loudness a little, so the gain is
    corrected once after it. Returns (int16 samples, gain in dB, true peak in dBTP)."""

    def scaled(gain_db: float) -> np.ndarray:  # one float copy of the samples at a time
        y = samples.astype(np.float32)
        y *= np.float32(10 ** (gain_db / 20) / 32768.0)
        return y

    limit = 10 ** (ceiling_db / 20)
    y = scaled(gain_db)
    if true_peak_db(y) > ceiling_db:
        y = limit_peaks(y, rate, limit, in_place=True)
        loudness = integrated_loudness(y, rate)
        if np.isfinite(loudness):
            gain_db += target_lufs - loudness
        del y
        y = limit_peaks(scaled(gain_db), rate, limit, in_place=True)
    y *= 32768.0
    np.round(y, out=y)
    np.clip(y, -32768, 32767, out=y)
    # y now holds exactly the int16 values: its peak is the output's
    peak = true_peak_db(y) - 20 * np.log10(32768.0)
    return y.astype(np.int16), gain_db, peak
