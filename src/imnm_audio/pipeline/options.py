"""What a build was asked to do: folders, engine, which outputs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..store import Location
from ..synth import Progress

# Makes a progress callback: (label, total) for synthesis, whose unit is segments, or
# (label, total, unit) for other steps.
ProgressFor = Callable[..., Progress]


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path = Path("content")
    scripts_dir: Path = Path("scripts")
    out_dir: Path = Path("audio")
    cache_dir: Location = Path(".cache/imnm-audio")  # a folder or an fsspec URL
    use_cache: bool = True
    engine: str | None = None
    voice: str | None = None
    regenerate: bool = False
    force: bool = False
    base_url: str | None = None  # overrides podcast.yaml's base_url for the feed
    hold: bool = True  # also build the phone hold-line audio
    episodes: bool = True  # the episodes, feed, page and books (False: hold line only)
    formats: tuple[str, ...] = ("epub", "daisy")  # talking books besides the episode
    # Assemble each factsheet only once every clip is made, not beside synthesis: about
    # 70 MB less for one factsheet and 140 MB less for a library, 7-24 % slower.
    low_memory: bool = False
    # Where the per-factsheet work runs: a Dask scheduler's address, or N local worker
    # processes; neither: in this process, without importing Dask (pipeline/cluster.py).
    cluster: str | None = None
    workers: int | None = None
    # On a cluster's worker only: the stamps of the published outputs, read by the client
    # (folder relative to out_dir -> stamp), so an up-to-date output is not built again.
    published: Mapping[str, Any] | None = None

    def published_stamp(self, folder: str) -> dict[str, Any] | None:
        """On a worker: the client's stamp of `folder` ({} when nothing is published)."""
        if self.published is None:
            return None
        return self.published.get(folder) or {}

    @property
    def distributed(self) -> bool:
        return self.cluster is not None or self.workers is not None


class BuildAborted(Exception):
    """Raised in an assembly that must not publish: a synthesis failed."""


class PublishGate:
    """Where output assembled early (while later clips were still being made) waits,
    as a finished staging folder on disk, until every clip of the build is made: then
    it replaces the published output (`open`); a build that fails in synthesis
    publishes nothing (`abort` removes them). The assembly's thread and memory are free
    as soon as its folder is written."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = "waiting"
        self._pending: list[tuple[Callable[[], None], Callable[[], None]]] = []

    def defer(self, publish: Callable[[], None], discard: Callable[[], None]) -> None:
        with self._lock:
            state = self._state
            if state == "waiting":
                self._pending.append((publish, discard))
                return
        if state == "open":
            publish()
        else:
            discard()
            raise BuildAborted()

    def open(self) -> None:
        """Publish what waits, in the order it came, and from now on at once."""
        with self._lock:
            pending, self._pending, self._state = self._pending, [], "open"
        for publish, _ in pending:
            publish()

    def abort(self) -> None:
        """Discard what waits, and whatever comes later."""
        with self._lock:
            pending, self._pending, self._state = self._pending, [], "aborted"
        for _, discard in pending:
            discard()
