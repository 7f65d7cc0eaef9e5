"""A built episode folder read back for the feed and the page: metadata, files, timings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..assemble import ChapterTiming, SegmentTiming
from ..content import FactsheetMeta
from ..script import Script


@dataclass(frozen=True)
class PublishedEpisode:
    slug: str
    meta: FactsheetMeta
    duration: float  # seconds
    mp3_bytes: int
    chapters: tuple[ChapterTiming, ...]
    files: tuple[str, ...]  # relative to the episode folder

    def url(self, base_url: str, name: str) -> str:
        return f"{base_url}{self.slug}/{name}"


def load_published(out_dir: Path, script: Script) -> PublishedEpisode | None:
    """The built episode of a script, or None when it has not been built into out_dir."""
    folder = out_dir / script.slug
    try:
        stamp = json.loads((folder / ".build.json").read_text(encoding="utf-8"))
        raw = json.loads((folder / "timings.json").read_text(encoding="utf-8"))
        size = (folder / f"{script.slug}.mp3").stat().st_size
    except (OSError, ValueError):
        return None
    chapters = tuple(
        ChapterTiming(
            c["id"],
            c["title"],
            tuple(c["urls"]),
            c["start"],
            c["end"],
            tuple(
                SegmentTiming(
                    s["display"], s["start"], s["end"], s.get("block", ""), s.get("strong", False)
                )
                for s in c["segments"]
            ),
        )
        for c in raw
    )
    return PublishedEpisode(
        script.slug, script.meta, stamp["report"]["duration"], size, chapters, tuple(stamp["files"])
    )
