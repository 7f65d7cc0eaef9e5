"""What a build was asked to do: folders, engine, which outputs."""

from __future__ import annotations

import threading
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


class BuildAborted(Exception):
    """Raised in an assembly that must not publish: a later synthesis failed."""


class PublishGate:
    """Holds assembly that started early (while later clips were still being made)
    at the last step, before its output replaces the published one, until every clip
    of the build is made: a build that fails in synthesis publishes nothing."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._ok = False

    def open(self) -> None:
        self._ok = True
        self._done.set()

    def abort(self) -> None:
        self._done.set()

    def wait(self) -> None:
        self._done.wait()
        if not self._ok:
            raise BuildAborted()
