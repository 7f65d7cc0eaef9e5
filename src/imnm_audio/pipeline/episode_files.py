"""Every file of one episode: MP3 and chapter MP3s with tags, transcripts, page, books."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, replace
from pathlib import Path

from .. import __version__
from ..assemble import CHAPTER_LEAD_MS, ChapterTiming, Episode
from ..cache import ClipCache
from ..content import Podcast
from ..export.book import (
    book_chapters,
    book_identifier,
    make_daisy,
    make_epub,
    narrator,
    zip_folder,
)
from ..export.mp3 import Tags, write_tags
from ..export.page import episode_page
from ..export.published import PublishedEpisode
from ..export.splice import (
    SpliceError,
    chapter_cuts,
    join_chapters,
    read_stream,
)
from ..export.transcripts import chapters_json, m3u, plain_text, srt, webvtt
from ..script import Script
from .encoding import encode_all

log = logging.getLogger(__name__)


def write_outputs(
    folder: Path,
    podcast: Podcast,
    script: Script,
    episode: Episode,
    cover: bytes,
    formats: tuple[str, ...] = ("epub", "daisy"),
    cache: ClipCache | None = None,
    neighbours: str = "",
) -> list[str]:
    """Write every file of one episode into `folder`; return their names. `neighbours`:
    the page's links to the library and the episodes either side (export/library.py).

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
        voice=f"{script.voice.engine}:{script.voice.voice}",
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
    streams = encode_all(jobs, episode.sample_rate, settings, cache, folder)
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
            whole = encode_all(
                [(episode.samples, slug)], episode.sample_rate, settings, cache, folder
            )[0]
    (folder / f"{slug}.mp3").write_bytes(whole)
    for name, tags, chapters in tagging:
        write_tags(folder / name, tags, chapters)
    files = [name for name, _, _ in tagging]

    texts = {
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
    # The page last, with every other file's size: the same page the show's publishing
    # would write (pipeline/show.py), so it never has to be written twice.
    sizes = {name: (folder / name).stat().st_size for name in files}
    published = PublishedEpisode(
        slug, meta, episode.duration, sizes[f"{slug}.mp3"], episode.chapters, tuple(files)
    )
    page = episode_page(podcast, published, sizes, neighbours)
    (folder / "index.html").write_text(page, encoding="utf-8")
    files.append("index.html")
    return files


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
    reader = narrator(script.voice.engine, script.voice.voice)
    mp3 = folder / f"{slug}.mp3"
    files = []
    if "epub" in formats:
        epub = make_epub(
            meta, slug, identifier, chapters, mp3.read_bytes(), cover, meta.summary, reader
        )
        (folder / f"{slug}.epub").write_bytes(epub)
        files.append(f"{slug}.epub")
    if "daisy" in formats:
        daisy = folder / "daisy"
        daisy.mkdir()
        texts = make_daisy(meta, slug, identifier, chapters, f"imnm-audio {__version__}", reader)
        for name, text in texts.items():
            (daisy / name).write_text(text, encoding="utf-8")
        os.link(mp3, daisy / f"{slug}.mp3")  # the same audio, not a second copy on disk
        members = [(f"{slug}-daisy/{p.name}", p.read_bytes()) for p in sorted(daisy.iterdir())]
        (folder / f"{slug}-daisy.zip").write_bytes(zip_folder(members))
        files += [f"daisy/{p.name}" for p in sorted(daisy.iterdir())] + [f"{slug}-daisy.zip"]
    return files
