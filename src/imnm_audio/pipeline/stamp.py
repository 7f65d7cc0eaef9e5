"""What a published output was built from, so the next build can skip it."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

from ..fsutil import atomic_write_text, recover
from ..synth import Progress


@dataclass
class Report:
    """What one build step made; the summary line comes from describe()."""

    slug: str
    status: str  # "built" or "up to date"
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cache_hits: int = 0
    synthesized: int = 0


R = TypeVar("R", bound=Report)


def write_stamp(folder: Path, key: str, files: list[str], report: object) -> None:
    """What a build made and from what: lets the next build skip it. Holds only what the
    inputs decide (no times or cache counts), so rebuilds stay byte-identical."""
    atomic_write_text(
        folder / ".build.json",
        json.dumps({"key": key, "files": files, "report": asdict(report)}, indent=1),
    )  # type: ignore[call-overload]


def published_stamp(out: Path) -> dict | None:  # type: ignore[type-arg]
    """The stamp of the output published in `out`, when it is whole (every file it lists
    is there), else None."""
    try:
        previous = json.loads((out / ".build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(previous, dict) or not all(
        (out / f).is_file() for f in previous.get("files", ())
    ):
        return None
    return previous


def read_stamp(out: Path, key: str) -> dict | None:  # type: ignore[type-arg]
    """The stored report of an up-to-date build in `out`, or None when it must be rebuilt."""
    previous = published_stamp(out)
    if previous is None or previous.get("key") != key:
        return None
    return previous["report"]  # type: ignore[no-any-return]


def reuse(
    parent: Path,
    name: str,
    key: str,
    kind: type[R],
    segments: int,
    started: float,
    progress: Progress | None,
    use_cache: bool = True,
    known: dict | None = None,  # type: ignore[type-arg]
) -> R | None:
    """The report of the published output `parent/name` when it is up to date with
    `key` (every clip counted as from the cache), or None when it must be built. A
    crash between the swap's two renames is mended first (fsutil.recover). On a cluster's
    worker, which cannot see the published folder, `known` is its stamp, read by the
    client."""
    if known is None:
        recover(parent, name)
    if not use_cache:
        return None
    if known is not None:
        previous = known["report"] if known.get("key") == key else None
    else:
        previous = read_stamp(parent / name, key)
    if previous is None:
        return None
    report = kind(**previous)
    report.status, report.seconds = "up to date", time.perf_counter() - started
    report.cache_hits, report.synthesized = segments, 0
    if progress:
        progress(segments, segments, segments)
    return report
