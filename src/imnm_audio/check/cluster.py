"""`check --cluster ADDRESS` / `--workers N`: each episode heard on a Dask worker.

Imported only with one of those options. The client sends a worker what the check reads
of a built episode (`heard_files`: the MP3, its chapter files, the timings and chapters
JSON, the hold line's loop), scattered once per episode; the worker runs the same
`check_episode` and `write_reports` in a temporary folder and returns the report and
the report files, which the client writes beside the episode. A worker needs the check
extra and, with --model, the same model folder at the same path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..cache import ClipCache
from ..content import Lexicon, Podcast
from ..content.settings import CheckSettings
from ..errors import ContentError
from ..fsutil import atomic_write_bytes
from ..pipeline.cluster import connect
from ..pipeline.cluster_checks import check_versions
from ..pipeline.cluster_task import task_folder
from ..script import Script
from .episode import check_episode
from .report import CheckReport, write_reports


@dataclass(frozen=True)
class CheckJob:
    script: Script
    podcast: Podcast
    lexicon: Lexicon
    thresholds: CheckSettings
    speech: bool = True
    model: Path | None = None
    confirm: Path | None = None  # a second opinion on missed terms (--confirm-with)
    cache: ClipCache | None = None  # what was heard before, shared (an s3:// cache) or not


def heard_files(out_dir: Path, slug: str) -> dict[str, bytes]:
    """What `check_episode` reads of a built episode (check/structure.py, sound.py),
    by path relative to the output folder."""
    folder, hold = out_dir / slug, out_dir / "hold" / slug
    paths = [
        folder / f"{slug}.mp3",
        folder / "timings.json",
        folder / f"{slug}.chapters.json",
        *sorted((folder / "chapters").glob("*.mp3")),
        hold / f"{slug}-hold-loop-ulaw.wav",
    ]
    files = {}
    for path in paths:
        if path.is_file():
            files[path.relative_to(out_dir).as_posix()] = path.read_bytes()
    if f"{slug}/{slug}.mp3" not in files:
        raise ContentError(
            "the episode has not been built.",
            path=folder / f"{slug}.mp3",
            fix="Build it first with 'imnm-audio build'.",
        )
    return files


def check_files(job: CheckJob, files: dict[str, bytes]) -> tuple[CheckReport, dict[str, bytes]]:
    """A worker's task: the check of one episode, from its files; the report files back."""
    slug = job.script.slug
    with task_folder("imnm-audio-check-") as tmp:
        out = Path(tmp)
        for name, data in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)
        report = check_episode(
            job.script,
            job.podcast,
            job.lexicon,
            out,
            job.thresholds,
            speech=job.speech,
            model=job.model,
            confirm=job.confirm,
            cache=job.cache,
        )
        timings = json.loads((out / slug / "timings.json").read_text(encoding="utf-8"))
        written = write_reports(report, out / slug, timings, job.lexicon)
        return report, {name: (out / slug / name).read_bytes() for name in written}


def check_on_cluster(
    jobs: list[CheckJob], out_dir: Path, cluster: str | None, workers: int | None
) -> Iterator[tuple[CheckReport, list[str]]]:
    """Each episode's check on the cluster; each report written beside its episode, in
    the order of `jobs`, as it comes."""
    with connect(cluster, workers) as client:
        check_versions(client)
        futures = []
        for job in jobs:
            files = client.scatter([heard_files(out_dir, job.script.slug)])[0]
            futures.append(client.submit(check_files, job, files, pure=False))
        try:
            for job, future in zip(jobs, futures, strict=True):
                report, written = future.result()
                for name, data in written.items():
                    atomic_write_bytes(out_dir / job.script.slug / name, data)
                yield report, list(written)
        finally:
            client.cancel(futures)
