"""Transcripts and chapter lists: WebVTT, SRT, plain text, Podcasting 2.0 JSON, M3U."""

from __future__ import annotations

import json

from ..assemble import ChapterTiming, Episode
from ..content import FactsheetMeta
from .structure import to_text, tree


def _clock(seconds: float, separator: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{ms:03d}"


def _caption(text: str) -> str:
    """Caption text cannot hold a blank line or '-->' (it would end or fake a cue)."""
    return " ".join(text.replace("-->", "→").split())


def webvtt(episode: Episode) -> str:
    lines = ["WEBVTT", ""]
    for chapter in episode.chapters:
        for n, seg in enumerate(chapter.segments, 1):
            text = (
                _caption(seg.display)
                .replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
            )
            lines += [
                f"{chapter.id}-{n}",
                f"{_clock(seg.start, '.')} --> {_clock(seg.end, '.')}",
                text,
                "",
            ]
    return "\n".join(lines)


def srt(episode: Episode) -> str:
    lines: list[str] = []
    number = 0
    for chapter in episode.chapters:
        for seg in chapter.segments:
            number += 1
            lines += [
                str(number),
                f"{_clock(seg.start, ',')} --> {_clock(seg.end, ',')}",
                _caption(seg.display),
                "",
            ]
    return "\n".join(lines)


def plain_text(meta: FactsheetMeta, episode: Episode) -> str:
    """The transcript a reader wants: each chapter's title, then its paragraphs,
    sub-headings and lists ("- " and "1. " items), a blank line between blocks."""
    out = [meta.title, f"{meta.organisation}", ""]
    for chapter in episode.chapters:
        out += [chapter.title, "-" * len(chapter.title)]
        segments = chapter.segments[_skip_heading(chapter) :]
        blocks = ["\n".join(to_text([node], segments)) for node in tree(segments)]
        out.append("\n\n".join(blocks))
        for url in chapter.urls:
            out.append(f"Link: {url}")
        out.append("")
    return "\n".join(out)


def _skip_heading(chapter: ChapterTiming) -> int:
    """A section's first segment is its heading, already printed as the title."""
    first = chapter.segments[0].display if chapter.segments else ""
    return 1 if first == chapter.title else 0


def chapters_json(meta: FactsheetMeta, episode: Episode) -> str:
    """Podcasting 2.0 JSON chapters, version 1.2.0."""
    chapters = []
    for chapter in episode.chapters:
        entry: dict[str, object] = {"startTime": round(chapter.start, 3), "title": chapter.title}
        if chapter.urls:
            entry["url"] = chapter.urls[0]
        chapters.append(entry)
    doc = {
        "version": "1.2.0",
        "title": meta.title,
        "author": meta.organisation,
        "chapters": chapters,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def m3u(meta: FactsheetMeta, episode: Episode, files: list[str]) -> str:
    """An extended M3U of the per-chapter files, with durations and titles."""
    lines = ["#EXTM3U", f"#PLAYLIST:{_caption(meta.title)}"]
    for chapter, name in zip(episode.chapters, files, strict=True):
        lines += [f"#EXTINF:{round(chapter.end - chapter.start)},{_caption(chapter.title)}", name]
    return "\n".join(lines) + "\n"
