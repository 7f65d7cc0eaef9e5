"""One built episode checked: structure, sound and (unless told not to) speech."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import ID3

from ..cache import ClipCache
from ..content import CheckSettings as Thresholds
from ..content import Lexicon, Podcast
from ..errors import ContentError, EngineUnavailable
from ..export.splice import SpliceError, read_stream
from ..ffmpeg import decode_pcm
from ..listen import RATE, hears, model_name
from ..script import Script
from .report import CheckReport
from .sound import check_hold, check_sound
from .speech import Heard, check_speech
from .structure import check_structure


def spoken_by(tags: ID3) -> str | None:
    """The engine that spoke an episode, from its 'voice' tag ("hibari:heart")."""
    frames = tags.getall("TXXX:voice")
    if not frames or not frames[0].text:
        return None
    return str(frames[0].text[0]).split(":")[0] or None


def check_episode(
    script: Script,
    podcast: Podcast,
    lexicon: Lexicon,
    out_dir: Path,
    thresholds: Thresholds,
    speech: bool = True,
    model: Path | None = None,
    confirm: Path | None = None,
    cache: ClipCache | None = None,
    progress_for: Callable[..., Callable[[int, int, int], None]] | None = None,
) -> CheckReport:
    folder = out_dir / script.slug
    mp3 = folder / f"{script.slug}.mp3"
    try:
        timings = json.loads((folder / "timings.json").read_text(encoding="utf-8"))
        engine = spoken_by(ID3(mp3)) or script.voice.engine
        samples = decode_pcm(mp3, podcast.audio.sample_rate)
    except (OSError, ValueError) as err:
        raise ContentError(
            f"the built episode cannot be read ({err}).",
            path=folder,
            fix="Build it again with 'imnm-audio build'.",
        ) from None
    except (MutagenError, EngineUnavailable) as err:
        raise ContentError(
            f"the episode MP3 is damaged or truncated ({err}).",
            path=mp3,
            fix="Build it again with 'imnm-audio build'.",
        ) from None
    # The thresholds of the engine that spoke it (a build may use --engine).
    thresholds = thresholds.for_engine(engine)
    report = CheckReport(
        script.slug, engine, title=script.meta.title, language=script.meta.language
    )
    if len(samples) < podcast.audio.sample_rate or [t["id"] for t in timings] != [
        c.id for c in script.chapters
    ]:
        raise ContentError(
            "the episode does not match its script (built from another version, or cut short).",
            path=mp3,
            fix="Build it again with 'imnm-audio build'.",
        )
    check_structure(report, script, folder, timings, samples, podcast.audio.sample_rate)
    check_sound(report, script, podcast, samples, podcast.audio.sample_rate, thresholds)
    hold = out_dir / "hold" / script.slug
    if hold.is_dir():
        check_hold(report, hold, podcast.hold.level_dbov, thresholds)
    if speech and not hears(script.meta.language, model):
        # Said plainly, not failed: the audio may be right; this recogniser cannot tell.
        report.add(
            "speech",
            "not judged",
            True,
            f"the recogniser ({model_name(model)}) hears English only, and this episode is in "
            f"{script.meta.language}; give --model a multilingual Whisper model folder (for "
            "example Whisper base) to judge its speech",
        )
    elif speech:
        samples16 = decode_pcm(mp3, RATE)
        heard = _heard(mp3, cache)
        check_speech(
            report,
            script,
            timings,
            samples16,
            lexicon,
            thresholds,
            model,
            confirm,
            heard,
            progress_for,
        )
    return report


def _heard(mp3: Path, cache: ClipCache | None) -> Heard | None:
    """The episode's frames, for keeping what was heard by the audio it was heard in;
    None (hear it all) without a cache, or for a file whose frames cannot be read."""
    if cache is None or not cache.enabled:
        return None
    data = mp3.read_bytes()
    if data[:3] == b"ID3":  # the tag: a 10-byte header and a syncsafe size
        size = data[6] << 21 | data[7] << 14 | data[8] << 7 | data[9]
        data = data[10 + size :]
    try:
        stream = read_stream(data)
    except SpliceError:
        return None
    frames, pos = [], 0
    for size in stream.frame_sizes:
        frames.append(stream.audio[pos : pos + size])
        pos += size
    form = stream.format
    return Heard(cache, frames, form.samples_per_frame, stream.delay, form.sample_rate)
