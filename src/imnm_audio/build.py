"""Run the stages in order for each factsheet; skip what is up to date.

content -> script (scripts/<slug>.yaml) -> synthesis (cached) -> assembly -> outputs.
An episode's files are written into a staging folder and swapped in whole, so
audio/<slug>/ always holds one complete build.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import hashlib
import json
import logging
import os
import struct
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from . import __version__
from .assemble import CHAPTER_LEAD_MS, ChapterTiming, Episode, assemble, stitch
from .cache import ClipCache, code_fingerprint, package_fingerprint, samples_key
from .content import (
    AudioSettings,
    Factsheet,
    Podcast,
    Project,
    VoiceSettings,
    load_project,
    url_problem,
)
from .engines import Engine, get_engine
from .errors import ContentError, ImnmError, TooShortForHold, UsageError
from .export.book import book_chapters, book_identifier, make_daisy, make_epub, zip_folder
from .export.cover import make_cover
from .export.feed import make_feed
from .export.hold import (
    PHONE_MP3,
    PhoneAudio,
    active_speech_level,
    musiconhold_conf,
    telephone,
    write_formats,
)
from .export.mp3 import Tags, codec_gain_db, encode_mp3, write_tags
from .export.page import episode_page, index_page
from .export.published import PublishedEpisode, load_published
from .export.splice import (
    SpliceError,
    chapter_cuts,
    encoder_overhead,
    frame_in_input,
    join_chapters,
    read_stream,
)
from .export.transcripts import chapters_json, m3u, plain_text, srt, webvtt
from .ffmpeg import ffmpeg_exe
from .fsutil import atomic_write_bytes, atomic_write_text, output_lock, recover, staged_folder
from .narrate import narrate, narrate_hold, narration_hash
from .script import Script, load_script, save_script
from .synth import Progress, Synthesis, choose_voice, segment_keys, synthesize

log = logging.getLogger(__name__)

# Makes a progress callback: (label, total) for synthesis, whose unit is segments, or
# (label, total, unit) for other steps.
ProgressFor = Callable[..., Progress]


class StaleScript(ImnmError):
    """Raised when a script no longer matches its content and cannot be regenerated safely."""

    exit_code = 1


# ---------------------------------------------------------------- scripts


@dataclass(frozen=True)
class ScriptState:
    slug: str
    path: Path
    status: str  # "missing", "fresh", "stale"
    edited_by_hand: bool = False


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class ScriptKind:
    """A kind of script made from a factsheet: the podcast narration or the hold line."""

    name: str
    suffix: str  # file name after the slug
    command: str  # the command that regenerates it

    def path(self, scripts_dir: Path, slug: str) -> Path:
        return scripts_dir / f"{slug}{self.suffix}"

    def voice(self, project: Project) -> VoiceSettings:
        if self is HOLD:
            return replace(project.podcast.voice, rate=project.podcast.hold.rate)
        return project.podcast.voice

    def source_hash(self, project: Project, factsheet: Factsheet) -> str:
        lexicon_text = project.lexicon.path.read_text(encoding="utf-8")
        digest = narration_hash(factsheet, lexicon_text, self.voice(project))
        if self is HOLD:
            settings = json.dumps(asdict(project.podcast.hold), sort_keys=True)
            digest = hashlib.sha256(f"hold:{digest}:{settings}".encode()).hexdigest()
        return digest

    def narrate(self, project: Project, factsheet: Factsheet) -> Script:
        source, digest = _relative(factsheet.path), self.source_hash(project, factsheet)
        if self is HOLD:
            return narrate_hold(
                factsheet,
                project.lexicon,
                self.voice(project),
                project.podcast.hold.message_words,
                source,
                digest,
            )
        return narrate(factsheet, project.lexicon, self.voice(project), source, digest)


EPISODE = ScriptKind("narration", ".yaml", "imnm-audio script")
HOLD = ScriptKind("hold-line", ".hold.yaml", "imnm-audio hold")


def script_source_hash(project: Project, factsheet: Factsheet) -> str:
    return EPISODE.source_hash(project, factsheet)


def script_state(
    project: Project, factsheet: Factsheet, scripts_dir: Path, kind: ScriptKind = EPISODE
) -> ScriptState:
    path = kind.path(scripts_dir, factsheet.slug)
    if not path.exists():
        return ScriptState(factsheet.slug, path, "missing")
    script = load_script(path)
    fresh = script.source_hash == kind.source_hash(project, factsheet)
    return ScriptState(factsheet.slug, path, "fresh" if fresh else "stale", script.edited_by_hand)


def write_script(
    project: Project,
    factsheet: Factsheet,
    scripts_dir: Path,
    force: bool = False,
    kind: ScriptKind = EPISODE,
) -> tuple[Script, str]:
    """Generate and save a factsheet's script; return it and what happened.

    Never overwrites a script edited by hand unless forced.
    """
    state = script_state(project, factsheet, scripts_dir, kind)
    if state.status == "fresh" and not force:
        return load_script(state.path), "up to date"
    if state.edited_by_hand and not force:
        raise StaleScript(
            f"this {kind.name} script was edited by hand and its content has changed since; "
            "regenerating it would lose the edits.",
            path=state.path,
            fix="Move the edits into the factsheet or content/lexicon.yaml, then run "
            f"'{kind.command} --force' to regenerate it (or keep it and re-apply them).",
        )
    script = kind.narrate(project, factsheet)
    save_script(script, state.path)
    return script, "written" if state.status == "missing" else "regenerated"


# ---------------------------------------------------------------- episodes


@dataclass
class Report:
    """What one build step made; the summary line comes from describe()."""

    slug: str
    status: str  # "built" or "up to date"
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cache_hits: int = 0
    synthesized: int = 0


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


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path = Path("content")
    scripts_dir: Path = Path("scripts")
    out_dir: Path = Path("audio")
    cache_dir: Path = Path(".cache/imnm-audio")
    use_cache: bool = True
    engine: str | None = None
    voice: str | None = None
    regenerate: bool = False
    force: bool = False
    base_url: str | None = None  # overrides podcast.yaml's base_url for the feed
    hold: bool = True  # also build the phone hold-line audio
    episodes: bool = True  # the episodes, feed, page and books (False: hold line only)
    formats: tuple[str, ...] = ("epub", "daisy")  # talking books besides the episode


def build(
    options: BuildOptions,
    slugs: list[str] | None = None,
    progress_for: ProgressFor | None = None,
) -> list[EpisodeReport | HoldReport]:
    """Build every (or the named) factsheet; return a report per episode and hold line."""
    with output_lock(options.out_dir):
        return _build(options, slugs, progress_for)


def build_hold_line(
    options: BuildOptions,
    slugs: list[str] | None = None,
    progress_for: ProgressFor | None = None,
) -> list[EpisodeReport | HoldReport]:
    """Only the hold line: write (or reuse) each hold-line script and build its audio."""
    return build(replace(options, episodes=False, hold=True), slugs, progress_for)


def _build(
    options: BuildOptions,
    slugs: list[str] | None,
    progress_for: ProgressFor | None,
) -> list[EpisodeReport | HoldReport]:
    project = load_project(options.content_dir, slugs)
    cache = ClipCache(options.cache_dir, enabled=options.use_cache)
    base_url = _base_url(project.podcast, options)  # checked before any work starts
    scripts = [
        _script_for_build(project, f, options, EPISODE)
        for f in (project.factsheets if options.episodes else ())
    ]
    holds = []
    for factsheet in project.factsheets if options.hold else ():
        try:
            holds.append(_script_for_build(project, factsheet, options, HOLD))
        except TooShortForHold as err:
            if not options.episodes:
                raise
            log.warning("%s: no hold line: %s", factsheet.slug, err.render())  # episode only
    episode_of = {s.slug: s for s in scripts}
    hold_of = {s.slug: s for s in holds}
    # First every factsheet's clips, with one voice load for the whole build; then the
    # voice is unloaded and each factsheet is assembled, its episode and hold line side by
    # side (one thread each; assembly works a slice at a time, so both together stay well
    # under the voice's memory). The largest memory (the voice) and the next largest
    # (assembly's arrays and libraries) are never held at once, and the voice never loads
    # on top of what an earlier factsheet's assembly left: memory stays flat however many
    # factsheets are built. Clips are read back from the cache for assembly, not held.
    finishers: list[tuple[str, Callable[[], EpisodeReport] | None, Callable[[], HoldReport] | None]]
    finishers = []
    for slug in dict.fromkeys([*episode_of, *hold_of]):
        finish_episode = finish_hold = None
        if slug in episode_of:
            script = episode_of[slug]
            progress = progress_for(slug, len(script.segments)) if progress_for else None
            finish_episode = start_episode(project.podcast, script, options, cache, progress)
        if slug in hold_of:
            script = hold_of[slug]
            progress = (
                progress_for(f"{slug} hold line", len(script.segments)) if progress_for else None
            )
            finish_hold = start_hold(project.podcast, script, options, cache, progress)
        finishers.append((slug, finish_episode, finish_hold))
    _release_engines()
    episodes: list[EpisodeReport] = []
    hold_reports: list[HoldReport] = []
    for slug, finish_episode, finish_hold in finishers:
        total = (finish_episode is not None) + (finish_hold is not None)
        done = progress_for(f"{slug} assembly", total, "outputs") if progress_for else None
        with ThreadPoolExecutor(max_workers=2) as pool:
            episode = pool.submit(finish_episode) if finish_episode else None
            hold = pool.submit(finish_hold) if finish_hold else None
            if episode:
                episodes.append(episode.result())
                if done:
                    done(1, total, 0)
            if hold:
                hold_reports.append(hold.result())
                if done:
                    done(total, total, 0)
    if options.episodes:
        publish_show(options, base_url)
    return [*episodes, *hold_reports]


@functools.cache
def _engine_for(name: str, piper_voices: tuple[tuple[str, Path], ...]) -> Engine:
    return get_engine(name, dict(piper_voices))


def _engine(name: str, podcast: Podcast) -> Engine:
    """The engine for a script, made once per run."""
    return _engine_for(name, tuple(sorted(podcast.piper_voices.items())))


def _release_engines() -> None:
    """Unload voice models once their clips are made.

    A Piper voice holds about 450 MB of ONNX Runtime memory after a long sentence;
    assembly needs a few hundred MB more, so freeing the voice first keeps the build
    under 600 MB, and flat however many factsheets are built.
    """
    _engine_for.cache_clear()
    gc.collect()
    try:  # hand freed memory back to the system (glibc only)
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _base_url(podcast: Podcast, options: BuildOptions) -> str:
    if options.base_url is None:
        return podcast.base_url
    problem = url_problem(options.base_url)
    if problem:
        raise UsageError(f"--base-url {problem}")
    return options.base_url.rstrip("/") + "/"


def publish_show(options: BuildOptions, base_url: str) -> list[str]:
    """Write the feed, the index page and the show's cover for every built episode."""
    project = load_project(options.content_dir)
    podcast = project.podcast
    episodes = []
    for factsheet in project.factsheets:
        path = options.scripts_dir / f"{factsheet.slug}.yaml"
        published = load_published(options.out_dir, load_script(path)) if path.is_file() else None
        if published is None:
            log.warning("%s has not been built yet; it is left out of the feed", factsheet.slug)
            continue
        episodes.append(published)
    if podcast.artwork is not None:
        cover_name, cover = "cover" + podcast.artwork.suffix.lower(), podcast.artwork.read_bytes()
    else:
        cover_name = "cover.png"
        cover = make_cover(podcast.title.split(" — ")[0][:24], podcast.title, podcast.author)
    sizes = {
        e.slug: {f: (options.out_dir / e.slug / f).stat().st_size for f in e.files}
        for e in episodes
    }
    outputs = {
        cover_name: cover,
        "feed.xml": make_feed(podcast, episodes, base_url, cover_name),
        "index.html": index_page(podcast, episodes, sizes).encode("utf-8"),
    }
    for name, data in outputs.items():
        atomic_write_bytes(options.out_dir / name, data)
    return list(outputs)


def _script_for_build(
    project: Project, factsheet: Factsheet, options: BuildOptions, kind: ScriptKind
) -> Script:
    state = script_state(project, factsheet, options.scripts_dir, kind)
    if state.status == "missing" or (state.status == "stale" and options.regenerate):
        script, what = write_script(project, factsheet, options.scripts_dir, options.force, kind)
        log.info("%s: %s script %s (%s)", factsheet.slug, kind.name, what, state.path)
    elif state.status == "stale":
        raise StaleScript(
            f"the {kind.name} script is older than its content (the factsheet, lexicon or "
            "voice settings changed).",
            path=state.path,
            fix=f"Review the change with '{kind.command}', or build with --regenerate.",
        )
    else:
        script = load_script(state.path)
    if options.engine or options.voice:
        voice = VoiceSettings(
            engine=options.engine or script.voice.engine,
            voice=options.voice
            or (
                script.voice.voice
                if not options.engine or options.engine == script.voice.engine
                else _default_voice(options.engine, script)
            ),
            rate=script.voice.rate,
        )
        script = replace(script, voice=voice)
    return script


def _default_voice(engine: str, script: Script) -> str:
    return {
        "piper": "en_US-joe-medium",
        "gtts": script.meta.language,
        "espeak": script.meta.language.lower(),
    }.get(engine, script.voice.voice)


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


def _cover(podcast: Podcast, script: Script) -> bytes:
    if podcast.artwork is not None:
        return podcast.artwork.read_bytes()
    return make_cover(script.meta.short_title, script.meta.title, script.meta.organisation)


def _clips_later(
    podcast: Podcast, script: Script, cache: ClipCache, synthesis: Synthesis
) -> Callable[[], Synthesis]:
    """The clips for assembly: read back from the cache when assembly starts, so a build
    of many factsheets does not hold every factsheet's clips while the voice is loaded.
    Without a cache (--no-cache) they are held. A clip missing from the cache by then is
    made again (loading the voice again), so assembly always gets every clip."""
    if not cache.enabled:
        return lambda: synthesis
    hits, made = synthesis.cache_hits, synthesis.synthesized  # the counts only, not the clips

    def read_back() -> Synthesis:
        engine = _engine(script.voice.engine, podcast)
        again = synthesize(script, engine, choose_voice(script, engine), cache)
        return replace(again, cache_hits=hits, synthesized=made + again.synthesized)

    return read_back


def start_episode(
    podcast: Podcast,
    script: Script,
    options: BuildOptions,
    cache: ClipCache,
    progress: Progress | None = None,
) -> Callable[[], EpisodeReport]:
    """Synthesise an episode's clips; the returned function assembles and publishes it
    (or returns the stored report when the published episode is up to date)."""
    started = time.perf_counter()
    engine = _engine(script.voice.engine, podcast)
    voice = choose_voice(script, engine)
    cover = _cover(podcast, script)
    key = build_key(podcast, script, segment_keys(script, engine, voice), cover, options.formats)
    out = options.out_dir / script.slug
    recover(options.out_dir, script.slug)
    previous = _stamp(out, key) if options.use_cache else None
    if previous is not None:
        report = EpisodeReport(**previous)
        report.status, report.seconds = "up to date", time.perf_counter() - started
        report.cache_hits, report.synthesized = len(script.segments), 0
        if progress:
            progress(len(script.segments), len(script.segments), len(script.segments))
        return lambda: report

    clips = _clips_later(podcast, script, cache, synthesize(script, engine, voice, cache, progress))
    return functools.partial(
        _finish_episode, podcast, script, options, cache, clips, cover, key, started
    )


def _finish_episode(
    podcast: Podcast,
    script: Script,
    options: BuildOptions,
    cache: ClipCache,
    clips: Callable[[], Synthesis],
    cover: bytes,
    key: str,
    started: float,
) -> EpisodeReport:
    synthesis = clips()
    out = options.out_dir / script.slug
    audio = podcast.audio
    rate = synthesis.clips[0].sample_rate
    gain = _codec_gain(audio, rate, cache)
    episode = assemble(
        script,
        synthesis.clips,
        audio,
        gain,
        frame_in_input(rate, audio.sample_rate) or 1,  # chapters start on MP3 frames
        cache,
    )
    with staged_folder(out, "episode") as staging, ThreadPoolExecutor(1) as side:
        # Measured on the final samples while the files are written, plus the encoder's
        # level change (measured on a tone): `imnm-audio check` measures the decoded MP3.
        loudness = side.submit(lambda: episode.loudness_lufs)
        files = write_outputs(staging, podcast, script, episode, cover, options.formats, cache)
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
        _write_stamp(staging, key, files, report)
    report.cache_hits, report.synthesized = synthesis.cache_hits, synthesis.synthesized
    report.seconds = time.perf_counter() - started
    return report


def write_outputs(
    folder: Path,
    podcast: Podcast,
    script: Script,
    episode: Episode,
    cover: bytes,
    formats: tuple[str, ...] = ("epub", "daisy"),
    cache: ClipCache | None = None,
) -> list[str]:
    """Write every file of one episode into `folder`; return their names.

    A chapter whose samples were encoded before with the same settings (found in
    `cache`) is not encoded again: an edit re-encodes only the chapters it changed.
    """
    meta, audio, slug = script.meta, podcast.audio, script.slug
    links = tuple((r.title, r.url) for r in meta.resources)
    transcript = plain_text(meta, episode)
    description = meta.summary + "".join(f"\n{title}: {url}" for title, url in links)
    base = Tags(
        title=meta.title,
        artist=meta.organisation,
        album=podcast.title,
        year=meta.published[:4],
        language=meta.language,
        description=description,
        copyright=meta.copyright or podcast.copyright,
        publisher=meta.organisation,
        source_url=meta.source_url,
        artist_url=podcast.link,
        links=links,
        cover_png=cover,
        transcript=transcript,
        track=str(meta.episode) if meta.episode else None,
    )
    # The chapter files are cut from the episode 100 ms (up to a frame more) before each
    # chapter's first word. Where the episode can be joined from them exactly, it is
    # (export/splice.py): the audio is encoded once, not twice.
    lead = episode.sample_rate * CHAPTER_LEAD_MS // 1000
    settings = {
        "bitrate_kbps": audio.bitrate_kbps,
        "sample_rate": audio.sample_rate,
        "channels": audio.channels,
    }
    starts = [round(c.start * episode.sample_rate) for c in episode.chapters]
    spans = chapter_cuts(episode.samples, episode.sample_rate, starts, lead, **settings)
    spliced = spans is not None
    if spans is None:  # encoded whole; the chapter files end where the next one starts
        cuts = [0] + [max(0, s - lead) for s in starts[1:]]
        spans = list(zip(cuts, [*cuts[1:], len(episode.samples)], strict=True))
    count = len(episode.chapters)
    tagging: list[tuple[str, Tags, tuple[ChapterTiming, ...]]] = [
        (f"{slug}.mp3", base, episode.chapters)
    ]
    chapter_files = []
    for n, chapter in enumerate(episode.chapters, 1):
        name = f"chapters/{n:02d}-{chapter.id}.mp3"
        tags = replace(
            base,
            title=chapter.title,
            album=meta.title,
            track=f"{n}/{count}",
            transcript=" ".join(s.display for s in chapter.segments),
            links=tuple(("Link", u) for u in chapter.urls[:1]),
        )
        tagging.append((name, tags, ()))
        chapter_files.append(name)
    (folder / "chapters").mkdir(parents=True, exist_ok=True)
    if cache is None or not spliced:  # the chapters of a whole encode are not kept
        cache = ClipCache(folder, enabled=False)
    jobs = [
        (episode.samples[start:end], Path(name).stem)
        for (start, end), name in zip(spans, chapter_files, strict=True)
    ]
    if not spliced:
        jobs.append((episode.samples, slug))
    streams = _encode_all(jobs, episode.sample_rate, settings, cache, folder)
    for name, stream in zip(chapter_files, streams[: len(spans)], strict=True):
        (folder / name).write_bytes(stream)
    if not spliced:
        whole = streams[-1]
    else:
        try:
            parts = [read_stream(stream) for stream in streams]
            whole = join_chapters(parts, spans, episode.sample_rate, audio.sample_rate)
        except SpliceError as err:  # not expected from LAME: encode it whole instead
            log.warning("%s: encoding the episode whole (%s)", slug, err)
            whole = _encode_all(
                [(episode.samples, slug)], episode.sample_rate, settings, cache, folder
            )[0]
    (folder / f"{slug}.mp3").write_bytes(whole)
    for name, tags, chapters in tagging:
        write_tags(folder / name, tags, chapters)
    files = [name for name, _, _ in tagging]

    sizes = {name: (folder / name).stat().st_size for name in files}
    published = PublishedEpisode(
        slug, meta, episode.duration, sizes[f"{slug}.mp3"], episode.chapters, tuple(files)
    )
    texts = {
        "index.html": episode_page(podcast, published, sizes),
        f"{slug}.m3u": m3u(meta, episode, chapter_files),
        f"{slug}.vtt": webvtt(episode),
        f"{slug}.srt": srt(episode),
        f"{slug}.txt": transcript,
        f"{slug}.chapters.json": chapters_json(meta, episode),
        "timings.json": json.dumps(
            [asdict(c) for c in episode.chapters], indent=1, ensure_ascii=False
        ),
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        files.append(name)
    files += write_books(folder, podcast, script, episode, cover, formats)
    (folder / "cover.png").write_bytes(cover)
    files.append("cover.png")
    return files


def _encoder() -> dict[str, object]:
    """What makes an encode: the code that calls the encoder, and the ffmpeg binary (by
    path, size and time)."""
    binary = os.stat(ffmpeg_exe())
    return {
        "code": code_fingerprint("imnm_audio.export.mp3", "imnm_audio.ffmpeg"),
        "ffmpeg": [ffmpeg_exe(), binary.st_size, binary.st_mtime_ns],
    }


def encoded_key(samples: np.ndarray, rate: int, settings: dict[str, int]) -> str:
    """The cache key of samples encoded with `settings` by this encoder."""
    return samples_key(samples, {**_encoder(), **settings, "rate": rate})


def _encode_all(
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
            path.unlink()
            cache.put_bytes(key, ".mp3", data)
        return key, data

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        streams = dict(pool.map(encode, unique.items()))
    return [streams[key] for key in keys]


def _codec_gain(audio: AudioSettings, rate: int, cache: ClipCache) -> float:
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


def write_books(
    folder: Path,
    podcast: Podcast,
    script: Script,
    episode: Episode,
    cover: bytes,
    formats: tuple[str, ...],
) -> list[str]:
    """The EPUB 3 with Media Overlays and the DAISY 2.02 book (and its zip)."""
    if not formats:
        return []
    slug, meta = script.slug, script.meta
    chapters = book_chapters(script, episode.chapters)
    identifier = book_identifier(podcast.link, slug)
    mp3 = folder / f"{slug}.mp3"
    files = []
    if "epub" in formats:
        epub = make_epub(meta, slug, identifier, chapters, mp3.read_bytes(), cover, meta.summary)
        (folder / f"{slug}.epub").write_bytes(epub)
        files.append(f"{slug}.epub")
    if "daisy" in formats:
        daisy = folder / "daisy"
        daisy.mkdir()
        texts = make_daisy(meta, slug, identifier, chapters, f"imnm-audio {__version__}")
        for name, text in texts.items():
            (daisy / name).write_text(text, encoding="utf-8")
        os.link(mp3, daisy / f"{slug}.mp3")  # the same audio, not a second copy on disk
        members = [(f"{slug}-daisy/{p.name}", p.read_bytes()) for p in sorted(daisy.iterdir())]
        (folder / f"{slug}-daisy.zip").write_bytes(zip_folder(members))
        files += [f"daisy/{p.name}" for p in sorted(daisy.iterdir())] + [f"{slug}-daisy.zip"]
    return files


# ---------------------------------------------------------------- the hold line


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
    script: Script,
    options: BuildOptions,
    cache: ClipCache,
    progress: Progress | None = None,
) -> Callable[[], HoldReport]:
    """Synthesise a hold-line script's clips; the returned function makes the phone audio
    (or returns the stored report when it is up to date)."""
    started = time.perf_counter()
    settings = podcast.hold
    engine = _engine(script.voice.engine, podcast)
    voice = choose_voice(script, engine)
    key = hashlib.sha256(
        json.dumps(
            {
                "version": __version__,
                "code": package_fingerprint(),
                "settings": asdict(settings),
                "script": asdict(script),
                "clips": segment_keys(script, engine, voice),
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()
    hold_dir = options.out_dir / "hold"
    out = hold_dir / script.slug
    recover(hold_dir, script.slug)
    previous = _stamp(out, key) if options.use_cache else None
    if previous is not None:
        report = HoldReport(**previous)
        report.status, report.seconds = "up to date", time.perf_counter() - started
        report.cache_hits = len(script.segments)
        if progress:
            progress(len(script.segments), len(script.segments), len(script.segments))
        return lambda: report

    clips = _clips_later(podcast, script, cache, synthesize(script, engine, voice, cache, progress))
    return functools.partial(_finish_hold, podcast, script, options, cache, clips, key, started)


def _finish_hold(
    podcast: Podcast,
    script: Script,
    options: BuildOptions,
    cache: ClipCache,
    clips: Callable[[], Synthesis],
    key: str,
    started: float,
) -> HoldReport:
    synthesis = clips()
    settings = podcast.hold
    out = options.out_dir / "hold" / script.slug
    clips = iter(synthesis.clips)
    rate = synthesis.clips[0].sample_rate
    pieces: dict[str, np.ndarray] = {}
    for chapter in script.chapters:
        chapter_clips = tuple(next(clips) for _ in chapter.segments)
        samples, _ = stitch((chapter,), chapter_clips, lead_ms=150, tail_ms=150)
        seconds = len(samples) / rate
        if chapter.id not in ("welcome", "please-hold") and not (
            settings.min_message_s <= seconds <= settings.max_message_s
        ):
            raise ContentError(
                f"the hold message '{chapter.id}' lasts {seconds:.1f} s; messages must last "
                f"{settings.min_message_s:.0f} to {settings.max_message_s:.0f} s.",
                path=HOLD.path(options.scripts_dir, script.slug),
                fix="Shorten or lengthen that message in the hold script, or change "
                "'hold: message_words' (or the limits) in content/podcast.yaml and run "
                "'imnm-audio hold --force'.",
            )
        pieces[chapter.id] = samples
    messages = [c.id for c in script.chapters if c.id not in ("welcome", "please-hold")]
    loop_names = ["welcome"]
    seconds = len(pieces["welcome"]) / rate + settings.gap_s
    used = []
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
            path=podcast.path,
            fix="Raise 'hold: max_loop_s' in content/podcast.yaml.",
        )
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

    with staged_folder(out, "hold-line audio") as staging:
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
        mp3s = _encode_all(jobs, 16000, PHONE_MP3, cache, staging)
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
        _write_stamp(staging, key, files, report)
    report.cache_hits, report.synthesized = synthesis.cache_hits, synthesis.synthesized
    report.seconds = time.perf_counter() - started
    return report


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


def _write_stamp(folder: Path, key: str, files: list[str], report: object) -> None:
    """What a build made and from what: lets the next build skip it. Holds only what the
    inputs decide (no times or cache counts), so rebuilds stay byte-identical."""
    atomic_write_text(
        folder / ".build.json",
        json.dumps({"key": key, "files": files, "report": asdict(report)}, indent=1),
    )  # type: ignore[call-overload]


def _stamp(out: Path, key: str) -> dict | None:  # type: ignore[type-arg]
    """The stored report of an up-to-date build in `out`, or None when it must be rebuilt."""
    try:
        previous = json.loads((out / ".build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if previous.get("key") != key or not all((out / f).is_file() for f in previous["files"]):
        return None
    return previous["report"]  # type: ignore[no-any-return]
