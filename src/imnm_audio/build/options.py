"""What a build was asked to do: folders, engine, which outputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..synth import Progress

# Makes a progress callback: (label, total) for synthesis, whose unit is segments, or
# (label, total, unit) for other steps.
ProgressFor = Callable[..., Progress]


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
