"""One factsheet's episode: synthesise its clips, then assemble and publish it."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .. import __version__
from ..assemble import assemble, encoder_headroom
from ..cache import ClipCache, package_fingerprint
from ..content import Lexicon, Podcast
from ..content.settings import AudioSettings
from ..export.cover import cached_cover, keep_cover
from ..export.splice import frame_in_input
from ..ffmpeg import decode_pcm
from ..fsutil import staged_folder
from ..loudness import true_peak_db
from ..script import Script
from ..synth import Progress, Synthesis, choose_voice, segment_keys
from .encoding import codec_gain
from .episode_files import write_outputs
from .options import BuildOptions, PublishGate
from .stamp import Report, reuse, write_stamp
from .synthesis import engine_for_script, synthesize_for_assembly

log = logging.getLogger(__name__)


@dataclass
class EpisodeReport(Report):
    duration: float = 0.0
    chapters: int = 0
    loudness_lufs: float = 0.0
    true_peak_db: float = 0.0

    def describe(self, out_dir: Path) -> str:
        minutes, seconds = divmod(round(self.duration), 60)
        return (
            f"{self.slug}: {self.status} - {minutes}:{seconds:02d}, {self.chapters} chapters, "
            f"{self.loudness_lufs:.1f} LUFS, true peak {self.true_peak_db:.1f} dBTP, "
            f"{len(self.files)} files in {out_dir / self.slug}, {self.seconds:.1f} s "
            f"(clips: {self.cache_hits} from cache, {self.synthesized} synthesised)"
        )


def build_key(
    podcast: Podcast, script: Script, keys: list[str], cover: bytes, formats: tuple[str, ...]
) -> str:
    body = {
        "formats": sorted(formats),
        "version": __version__,
        "code": package_fingerprint(),
        "audio": asdict(podcast.audio),
        "show": podcast.title,
        "link": podcast.link,
        "script": asdict(script),
        "clips": keys,
        "cover": hashlib.sha256(cover).hexdigest(),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _cover(podcast: Podcast, script: Script, cache: ClipCache) -> bytes:
    if podcast.artwork is not None:
        return podcast.artwork.read_bytes()
    meta = script.meta
    return cached_cover(cache, meta.short_title, meta.title, meta.organisation, keep=False)


def start_episode(
    podcast: Podcast,
    lexicon: Lexicon,
    script: Script,
    options: BuildOptions,
    cache: ClipCache,
    progress: Progress | None = None,
    neighbours: str = "",
) -> Callable[[], EpisodeReport]:
    """Synthesise an episode's clips; the returned function assembles and publishes it
    (or returns the stored report when the published episode is up to date)."""
    started = time.perf_counter()
    engine = engine_for_script(script.voice.engine, podcast)
    voice = choose_voice(script, engine)
    cover = _cover(podcast, script, cache)
    key = build_key(
        podcast, script, segment_keys(script, lexicon, engine, voice), cover, options.formats
    )
    done = reuse(
        options.out_dir,
        script.slug,
        key,
        EpisodeReport,
        len(script.segments),
        started,
        progress,
        options.use_cache,
        options.published_stamp(script.slug),
    )
    if done is not None:
        return lambda gate=None: done

    clips = synthesize_for_assembly(podcast, lexicon, script, engine, voice, cache, progress)
    return functools.partial(
        finish_episode, podcast, script, options, cache, clips, cover, key, started, neighbours
    )


RELEVEL_ATTEMPTS = 3  # an encoding, then at most two levellings


def encoded_true_peak(mp3: Path, audio: AudioSettings) -> float:
    """The true peak of the MP3 as a player decodes it (as `imnm-audio check` measures),
    measured on the int16 samples themselves (no float copy of a whole episode)."""
    samples = decode_pcm(mp3, audio.sample_rate)
    return true_peak_db(samples) - 20 * float(np.log10(32768.0))


def finish_episode(
    podcast: Podcast,
    script: Script,
    options: BuildOptions,
    cache: ClipCache,
    clips: Callable[[], Synthesis],
    cover: bytes,
    key: str,
    started: float,
    neighbours: str = "",
    gate: PublishGate | None = None,
) -> EpisodeReport:
    """Assemble and publish the episode; with a `gate`, publish when it opens."""
    synthesis = clips()
    out = options.out_dir / script.slug
    audio = podcast.audio
    rate = synthesis.clips[0].sample_rate
    gain = codec_gain(audio, rate, cache)
    frame = frame_in_input(rate, audio.sample_rate) or 1  # chapters start on MP3 frames
    headroom = encoder_headroom(script.voice.engine)
    episode = assemble(script, synthesis.clips, audio, gain, frame, cache, headroom)
    with staged_folder(out, "episode", gate) as staging, ThreadPoolExecutor(1) as side:
        # Measured on the final samples while the files are written, plus the encoder's
        # level change (measured on a tone): `imnm-audio check` measures the decoded MP3.
        for attempt in range(1, RELEVEL_ATTEMPTS + 1):
            loudness = side.submit(lambda episode=episode: episode.loudness_lufs)
            files = write_outputs(
                staging, podcast, script, episode, cover, options.formats, cache, neighbours
            )
            encoded = encoded_true_peak(staging / f"{script.slug}.mp3", audio)
            if encoded <= audio.true_peak_db:
                break
            if attempt == RELEVEL_ATTEMPTS:
                log.warning(
                    "%s: the encoded true peak is %.2f dBTP, over the %.1f dBTP limit after "
                    "%d levellings; `imnm-audio check` will report it",
                    script.slug,
                    encoded,
                    audio.true_peak_db,
                    attempt,
                )
                break
            # The encoder overshot the room left for it: level again with the room it
            # took (how far the encoded peak rose above the peak it was given) and a
            # little more, and write the files again (the first writing replaced whole).
            rise = encoded - (episode.true_peak_db + gain)
            headroom = max(headroom + 0.2, rise + 0.2)
            log.info(
                "%s: encoded true peak %.2f dBTP, over the limit; levelled again with %.2f dB "
                "of room",
                script.slug,
                encoded,
                headroom,
            )
            episode = assemble(script, synthesis.clips, audio, gain, frame, cache, headroom)
            loudness.result()
            for old in list(staging.iterdir()):
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        lufs = loudness.result() + gain + (3.0103 if audio.channels == 2 else 0.0)
        report = EpisodeReport(
            slug=script.slug,
            status="built",
            duration=episode.duration,
            chapters=len(episode.chapters),
            loudness_lufs=round(lufs, 2),
            true_peak_db=round(episode.true_peak_db + gain, 2),
            files=files,
        )
        write_stamp(staging, key, files, report)
    if podcast.artwork is None:
        meta = script.meta
        keep_cover(cache, meta.short_title, meta.title, meta.organisation, cover)
    report.cache_hits, report.synthesized = synthesis.cache_hits, synthesis.synthesized
    report.seconds = time.perf_counter() - started
    return report
