"""Stitch clips into one episode: trimmed speech, scripted pauses, chapter cues, loudness."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .content import AudioSettings
from .engines.base import Clip
from .ffmpeg import ffmpeg_exe
from .loudness import integrated_loudness, limit_peaks, true_peak_db

with warnings.catch_warnings():  # pydub warns on import when no ffmpeg is on PATH
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.generators import Sine
from .script import Chapter, Script

LEAD_IN_MS = 500
TAIL_MS = 1000
CUE_GAP_MS = 450  # silence between the chapter cue and the next heading
ONSET_MARGIN_MS = 15  # kept before the first word of a clip
RELEASE_MARGIN_MS = 60  # kept after the last word
SILENCE_DBFS = -45.0


@dataclass(frozen=True)
class SegmentTiming:
    display: str
    start: float  # seconds from the start of the episode
    end: float


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
    gain_db: float  # applied to reach the loudness target
    loudness_lufs: float  # of the final samples, before encoding

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


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
    return np.zeros(sample_rate * ms // 1000, dtype=np.int16)


def stitch(
    chapters: tuple[Chapter, ...],
    clips: tuple[Clip, ...],
    cue: np.ndarray | None = None,
    lead_ms: int = LEAD_IN_MS,
    tail_ms: int = TAIL_MS,
) -> tuple[np.ndarray, tuple[ChapterTiming, ...]]:
    """Trimmed clips with each segment's pause, a cue before every chapter but the first.

    Returns the samples and exact timings: a chapter starts on its first word (the
    first chapter at 0), and ends where the next one starts.
    """
    rate = clips[0].sample_rate
    parts: list[np.ndarray] = [_silence(lead_ms, rate)]
    position = len(parts[0])
    starts: list[int] = []
    spans: list[list[tuple[str, int, int]]] = []
    clip_iter = iter(clips)
    for index, chapter in enumerate(chapters):
        if index > 0 and cue is not None:
            for piece in (cue, _silence(CUE_GAP_MS, rate)):
                parts.append(piece)
                position += len(piece)
        chapter_spans = []
        for segment in chapter.segments:
            speech = trim(next(clip_iter))
            chapter_spans.append((segment.display, position, position + len(speech)))
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
                segments=tuple(SegmentTiming(d, s / rate, e / rate) for d, s, e in spans[index]),
            )
        )
    return samples, tuple(timings)


def assemble(
    script: Script, clips: tuple[Clip, ...], audio: AudioSettings, codec_gain_db: float = 0.0
) -> Episode:
    """One track with the script's pauses and chapter cues, at the target loudness.

    `codec_gain_db` is how much the encoder changes the level (measured by
    export.mp3.codec_gain_db); the PCM is levelled so the encoded file hits the target.
    """
    rate = clips[0].sample_rate
    cue = chapter_cue(rate) if audio.chime else None
    samples, chapters = stitch(script.chapters, clips, cue)
    target = audio.target_lufs - (3.0103 if audio.channels == 2 else 0.0)  # dual mono adds 3 dB
    ceiling = audio.true_peak_db - 0.5  # 0.5 dB of room for the encoder's overshoot
    levelled, gain, peak = normalise_loudness(
        samples, rate, target - codec_gain_db, ceiling - codec_gain_db
    )
    lufs = integrated_loudness(levelled, rate, full_scale=32768.0)
    return Episode(levelled, rate, chapters, peak, gain, lufs)


def normalise_loudness(
    samples: np.ndarray, rate: int, target_lufs: float, ceiling_db: float
) -> tuple[np.ndarray, float, float]:
    """A linear gain to the target loudness, and a look-ahead limiter where peaks need it.

    Measured in-process on the PCM we already hold: far cheaper than ffmpeg's two-pass
    loudnorm, and as exact (DESIGN.md, "Loudness costs time"). Limiting lowers the
    loudness a little, so the gain is corrected once after it.
    Returns (samples, gain in dB, true peak in dBTP).
    """

    def scaled(gain_db: float) -> np.ndarray:  # one float copy of the samples at a time
        y = samples.astype(np.float32)
        y *= np.float32(10 ** (gain_db / 20) / 32768.0)
        return y

    gain_db = target_lufs - integrated_loudness(samples, rate, full_scale=32768.0)
    limit = 10 ** (ceiling_db / 20)
    y = scaled(gain_db)
    if true_peak_db(y) > ceiling_db:
        y = limit_peaks(y, rate, limit, in_place=True)
        gain_db += target_lufs - integrated_loudness(y, rate)
        del y
        y = limit_peaks(scaled(gain_db), rate, limit, in_place=True)
    y *= 32768.0
    np.round(y, out=y)
    np.clip(y, -32768, 32767, out=y)
    # y now holds exactly the int16 values: its peak is the output's
    peak = true_peak_db(y) - 20 * np.log10(32768.0)
    return y.astype(np.int16), gain_db, peak
