"""One factsheet's phone hold line: messages made ready for the phone, the loop, every format."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import struct
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .. import __version__
from ..assemble import stitch
from ..cache import ClipCache, code_fingerprint, package_fingerprint, samples_key
from ..content import HoldSettings, Lexicon, Podcast
from ..errors import ContentError
from ..export.hold import (
    PHONE_MP3,
    PhoneAudio,
    active_speech_level,
    musiconhold_conf,
    telephone,
    write_formats,
)
from ..export.splice import (
    SpliceError,
    chapter_cuts,
    encoder_overhead,
    frame_in_input,
    join_chapters,
    read_stream,
)
from ..fsutil import staged_folder
from ..script import Script
from ..synth import Progress, Synthesis, choose_voice, segment_keys
from .encoding import encode_all
from .options import BuildOptions, PublishGate
from .scripts import HOLD
from .stamp import Report, reuse, write_stamp
from .synthesis import engine_for_script, synthesize_for_assembly

log = logging.getLogger(__name__)


@dataclass
class HoldReport(Report):
    messages: int = 0
    loop_seconds: float = 0.0
    level_dbov: float = 0.0

    def describe(self, out_dir: Path) -> str:
        return (
            f"{self.slug} hold line: {self.status} - {self.messages} messages, loop "
            f"{self.loop_seconds:.0f} s, {self.level_dbov:.1f} dBov, {len(self.files)} files in "
            f"{out_dir / 'hold' / self.slug}, {self.seconds:.1f} s (clips: {self.cache_hits} "
            f"from cache, {self.synthesized} synthesised)"
        )


def start_hold(
    podcast: Podcast,
    lexicon: Lexicon,
    script: Script,
    options: BuildOptions,
    cache: ClipCache,
    progress: Progress | None = None,
) -> Callable[[], HoldReport]:
    """Synthesise a hold-line script's clips; the returned function makes the phone audio
    (or returns the stored report when it is up to date)."""
    started = time.perf_counter()
    settings = podcast.hold
    engine = engine_for_script(script.voice.engine, podcast)
    voice = choose_voice(script, engine)
    key = hashlib.sha256(
        json.dumps(
            {
                "version": __version__,
                "code": package_fingerprint(),
                "settings": asdict(settings),
                "script": asdict(script),
                "clips": segment_keys(script, lexicon, engine, voice),
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()
    done = reuse(
        options.out_dir / "hold",
        script.slug,
        key,
        HoldReport,
        len(script.segments),
        started,
        progress,
        options.use_cache,
        options.published_stamp(f"hold/{script.slug}"),
    )
    if done is not None:
        return lambda gate=None: done

    clips = synthesize_for_assembly(podcast, lexicon, script, engine, voice, cache, progress)
    return functools.partial(finish_hold, podcast, script, options, cache, clips, key, started)


def finish_hold(
    podcast: Podcast,
    script: Script,
    options: BuildOptions,
    cache: ClipCache,
    clips: Callable[[], Synthesis],
    key: str,
    started: float,
    gate: PublishGate | None = None,
) -> HoldReport:
    """Make and publish the phone audio; with a `gate`, publish when it opens."""
    synthesis = clips()
    settings = podcast.hold
    out = options.out_dir / "hold" / script.slug
    rate = synthesis.clips[0].sample_rate
    pieces = _messages(script, synthesis, settings, HOLD.path(options.scripts_dir, script.slug))
    loop_names, used = _loop_order(script, pieces, rate, settings, podcast.path)
    # Each piece is band-limited, compressed and levelled on its own, so every message
    # file is at the target level; the loop is made of the same finished pieces.
    finished = {
        name: _phone(samples, rate, settings.level_dbov, cache) for name, samples in pieces.items()
    }
    layout = _loop_layout(
        {name: len(piece.wide) for name, piece in finished.items()}, settings.gap_s
    )
    cuts, position = [], 0  # where each piece's stream and its gap's stream start
    for name in loop_names:
        _, gap_at, length = layout[name]
        cuts += [position, position + gap_at]
        position += length
    loop = PhoneAudio(
        np.concatenate([_padded(finished[n].narrow, layout[n][2] // 2) for n in loop_names]),
        np.concatenate([_padded(finished[n].wide, layout[n][2]) for n in loop_names]),
    )

    with staged_folder(out, "hold-line audio", gate) as staging:
        (staging / "asterisk").mkdir()
        names = [f"{n:02d}-{c.id}" for n, c in enumerate(script.chapters, 1)]
        loop_name = f"{script.slug}-hold-loop"
        # Every MP3 (each message, and the loop's gaps) is encoded at most once, and not
        # at all when the cache has it; the loop's MP3 is joined from the messages' and
        # gaps' streams where that is exact (export/splice.py).
        spans = chapter_cuts(loop.wide, 16000, cuts, 0, **PHONE_MP3)
        # A message's MP3 is the loop's stream of it: its samples and the silence to the
        # end of its last frame (at most 36 ms).
        jobs = [
            (_padded(finished[c.id].wide, layout[c.id][0]), name)
            for c, name in zip(script.chapters, names, strict=True)
        ]
        if spans:
            jobs += [(loop.wide[a:b], f"{loop_name}-{n:02d}") for n, (a, b) in enumerate(spans, 1)]
        else:
            jobs.append((loop.wide, loop_name))
        mp3s = encode_all(jobs, 16000, PHONE_MP3, cache, staging)
        loop_mp3 = mp3s[-1]
        if spans:
            streams = [read_stream(data) for data in mp3s[len(names) :]]
            loop_mp3 = join_chapters(streams, spans, 16000, PHONE_MP3["sample_rate"])
        files: list[str] = []
        for chapter, name, mp3 in zip(script.chapters, names, mp3s[: len(names)], strict=True):
            files += write_formats(finished[chapter.id], staging, name, mp3)
        files += write_formats(loop, staging, loop_name, loop_mp3)
        (staging / "asterisk" / "musiconhold.conf").write_text(
            musiconhold_conf(script.slug, loop_name), encoding="utf-8"
        )
        files.append("asterisk/musiconhold.conf")
        level = active_speech_level(loop.narrow / 32768.0, 8000)
        report = HoldReport(
            slug=script.slug,
            status="built",
            messages=len(used),
            loop_seconds=round(len(loop.narrow) / 8000, 2),
            level_dbov=round(level, 2),
            files=files,
        )
        write_stamp(staging, key, files, report)
    report.cache_hits, report.synthesized = synthesis.cache_hits, synthesis.synthesized
    report.seconds = time.perf_counter() - started
    return report


_NOT_MESSAGES = ("welcome", "please-hold")


def _messages(
    script: Script, synthesis: Synthesis, settings: HoldSettings, script_path: Path
) -> dict[str, np.ndarray]:
    """Each hold-line chapter's clips stitched into one piece; a message outside the
    allowed length is a mistake in the hold script or the settings."""
    clips = iter(synthesis.clips)
    rate = synthesis.clips[0].sample_rate
    pieces: dict[str, np.ndarray] = {}
    for chapter in script.chapters:
        chapter_clips = tuple(next(clips) for _ in chapter.segments)
        samples, _ = stitch((chapter,), chapter_clips, lead_ms=150, tail_ms=150)
        seconds = len(samples) / rate
        if chapter.id not in _NOT_MESSAGES and not (
            settings.min_message_s <= seconds <= settings.max_message_s
        ):
            raise ContentError(
                f"the hold message '{chapter.id}' lasts {seconds:.1f} s; messages must last "
                f"{settings.min_message_s:.0f} to {settings.max_message_s:.0f} s.",
                path=script_path,
                fix="Shorten or lengthen that message in the hold script, or change "
                "'hold: message_words' (or the limits) in content/podcast.yaml and run "
                "'imnm-audio hold --force'.",
            )
        pieces[chapter.id] = samples
    return pieces


def _loop_order(
    script: Script,
    pieces: dict[str, np.ndarray],
    rate: int,
    settings: HoldSettings,
    settings_path: Path,
) -> tuple[list[str], list[str]]:
    """The loop's pieces in order (welcome, message, please-hold, message, ...) within its
    longest length, and the messages it holds."""
    messages = [c.id for c in script.chapters if c.id not in _NOT_MESSAGES]
    loop_names = ["welcome"]
    seconds = len(pieces["welcome"]) / rate + settings.gap_s
    used: list[str] = []
    for index, message in enumerate(messages):
        extra = [message] if not index else ["please-hold", message]
        added = sum(len(pieces[n]) / rate + settings.gap_s for n in extra)
        if seconds + added > settings.max_loop_s:
            log.warning(
                "%s: the hold loop stops before '%s' to stay within %.0f s",
                script.slug,
                message,
                settings.max_loop_s,
            )
            break
        loop_names += extra
        seconds += added
        used.append(message)
    if not used:
        raise ContentError(
            f"no hold message fits in a loop of {settings.max_loop_s:.0f} s.",
            path=settings_path,
            fix="Raise 'hold: max_loop_s' in content/podcast.yaml.",
        )
    return loop_names, used


def _loop_layout(lengths: dict[str, int], gap_s: float) -> dict[str, tuple[int, int, int]]:
    """How each piece of the hold loop (by name, its length at 16 kHz) is laid out, in
    samples from its start: (the end of its MP3 stream, where its gap's stream starts,
    where the next piece starts).

    The loop's MP3 is joined from a stream per piece and a stream per gap
    (export/splice.py). A piece's stream is the piece and enough silence that, with the
    samples the encoder adds, it fills whole frames: the same samples as the message's
    own MP3, so each message is encoded once. Each gap's stream starts on a frame and
    is the same, at least `gap_s` long. Where the encoder's frames cannot be known,
    the pieces are laid out one after the other.
    """
    frame = frame_in_input(16000, PHONE_MP3["sample_rate"])
    try:
        added = encoder_overhead(16000, **PHONE_MP3) if frame else 0
    except SpliceError:
        frame, added = None, 0
    unit = frame or 2  # whole frames, and always an even count for the 8 kHz half
    gap = max(round(gap_s * 16000), added + 1)  # a gap's stream is never empty
    gap += -gap % unit  # every gap the same whole frames: its stream is encoded once
    layout = {}
    for name, length in lengths.items():
        stream = length + (-(length + added) % unit)
        layout[name] = (stream, stream + added, stream + added + gap)
    return layout


def _padded(samples: np.ndarray, length: int) -> np.ndarray:
    return np.concatenate([samples, np.zeros(length - len(samples), dtype=samples.dtype)])


def _phone(samples: np.ndarray, rate: int, level_dbov: float, cache: ClipCache) -> PhoneAudio:
    """A hold-line piece made ready for the phone: band-limited, compressed, levelled and
    limited (export/hold.py); taken from the cache when it was made before."""
    code = code_fingerprint("imnm_audio.export.hold", "imnm_audio.loudness", "imnm_audio.dsp")
    key = samples_key(samples, {"phone": code, "rate": rate, "level": level_dbov})
    stored = cache.get_bytes(key, ".phone")
    if stored is not None and len(stored) >= 16:
        narrow, wide = struct.unpack("<QQ", stored[:16])
        data = np.frombuffer(stored, dtype="<i2", offset=16)
        if len(data) == narrow + wide:
            return PhoneAudio(data[:narrow].astype(np.int16), data[narrow:].astype(np.int16))
    phone = telephone(samples, rate, level_dbov)
    header = struct.pack("<QQ", len(phone.narrow), len(phone.wide))
    cache.put_bytes(
        key,
        ".phone",
        header + phone.narrow.astype("<i2").tobytes() + phone.wide.astype("<i2").tobytes(),
    )
    return phone
