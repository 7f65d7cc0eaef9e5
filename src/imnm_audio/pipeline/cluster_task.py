"""What runs on a Dask worker in a cluster build (`pipeline/cluster.py` is the client):
`build_factsheet`, one factsheet's episode and hold line made in a temporary folder
through the shared cache, then uploaded to the shared cache's `outputs/`, the manifest
last; `voice_problem`, asked of every worker before any task.

Imported by the client when it sends a task, and by each worker (by name) to run it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..cache import ClipCache
from ..content import Lexicon, Podcast
from ..errors import EngineError, ImnmError
from ..script import Script
from ..store import Store, open_store
from .episode import EpisodeReport
from .hold_line import HoldReport
from .options import BuildOptions
from .run import start_factsheet

PROGRESS_TOPIC = "imnm-audio-progress"
OUTPUTS = "outputs"  # the shared cache's folder of finished outputs waiting for the client


def worker_name() -> str:
    """This worker, as a person can find it: its address and its machine."""
    try:
        from dask.distributed import get_worker

        address = get_worker().address
    except (ImportError, ValueError):
        address = "this process"
    return f"{address} (host {socket.gethostname()}, pid {os.getpid()})"


def worker_identity() -> dict[str, str]:
    """On a worker: the imnm-audio it runs (its version and the fingerprint of its source,
    the one the build's stamps carry), to be compared with the client's before any work."""
    from .. import __version__
    from ..cache import package_fingerprint

    return {"version": __version__, "fingerprint": package_fingerprint()}


def voice_problem(voices: list[tuple[str, str, dict[str, Path]]]) -> str | None:
    """On a worker: why it cannot speak with one of these (engine, voice) pairs, or None."""
    from ..engines import get_engine

    for engine_name, voice_id, piper_voices in voices:
        try:
            engine = get_engine(engine_name, piper_voices)
            status = engine.status()
            if status.startswith("not installed"):
                return f"{engine_name}: {status}"
            engine.voice(voice_id)
        except ImnmError as err:
            return err.render()
    return None


@dataclass(frozen=True)
class FactsheetJob:
    """One factsheet's work, as sent to a worker."""

    slug: str
    podcast: Podcast
    episode: Script | None
    hold: Script | None
    lexicons: dict[str, Lexicon]  # by language
    neighbours: str
    options: BuildOptions  # with the client's stamps of what is published
    artwork: bytes | None = None  # the show's artwork, which a worker may not see


@dataclass
class Finished:
    """One output a worker made: its report, and its manifest in the shared cache (None
    when the published output was already up to date)."""

    folder: str  # relative to out_dir: "<slug>" or "hold/<slug>"
    report: EpisodeReport | HoldReport
    manifest: str | None


def _progress(label: str, total: int) -> Any:
    from dask.distributed import get_worker

    worker = get_worker()

    def update(done: int, total_now: int, hits: int) -> None:
        worker.log_event(PROGRESS_TOPIC, [label, done, total_now, hits])

    return update


TASK_PREFIX = "imnm-audio-worker-"


def task_folder(prefix: str = TASK_PREFIX) -> tempfile.TemporaryDirectory[str]:
    """A task's temporary folder, named for its process ("imnm-audio-worker-<pid>-..."),
    after clearing those of processes that no longer run: a worker killed mid-task (out
    of memory, by its nanny) leaves its folder, tens of MB, and nothing else would."""
    root = Path(tempfile.gettempdir())
    for left in root.glob(f"{prefix}*"):
        pid = left.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    return tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clear
        return True
    return True


def build_factsheet(job: FactsheetJob) -> list[Finished]:
    """A worker's task: the factsheet's episode and hold line, uploaded to the shared cache."""
    options = job.options
    shared = open_store(options.cache_dir)  # where the finished outputs go
    finished: list[Finished] = []
    with task_folder() as tmp:
        cache = ClipCache(options.cache_dir, enabled=options.use_cache, near=Path(tmp) / "near")
        out = Path(tmp) / "audio"
        here = replace(options, out_dir=out)
        podcast = job.podcast
        if podcast.artwork is not None and job.artwork is not None:
            artwork = Path(tmp) / f"artwork{podcast.artwork.suffix}"
            artwork.write_bytes(job.artwork)
            podcast = replace(podcast, artwork=artwork)
        try:
            finish_episode, finish_hold = start_factsheet(
                podcast,
                job.lexicons.__getitem__,
                job.episode,
                job.hold,
                here,
                cache,
                _progress,
                job.neighbours,
            )
        except EngineError as err:
            raise EngineError(
                f"on the worker {worker_name()}: {err.message}", path=err.path, fix=err.fix
            ) from None
        finishers = [(job.slug, finish_episode), (f"hold/{job.slug}", finish_hold)]
        for folder, finish in finishers:
            if finish is None:
                continue
            assert callable(finish)
            report = finish()
            assert isinstance(report, EpisodeReport | HoldReport)
            manifest = None
            if report.status != "up to date":
                manifest = upload(shared, out / folder, folder, report)
            finished.append(Finished(folder, report, manifest))
    return finished


def _manifest_name(folder: str, key: str) -> str:
    return f"{OUTPUTS}/{folder}/{key}.json"


def upload(store: Store, source: Path, folder: str, report: object) -> str:
    """Every file of a finished output into the shared cache, then its manifest."""
    stamp = json.loads((source / ".build.json").read_text(encoding="utf-8"))
    key = stamp["key"]
    files: dict[str, str] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        data = path.read_bytes()
        files[name] = hashlib.sha256(data).hexdigest()
        store.write(f"{OUTPUTS}/{folder}/{key}/{name}", data)
    manifest = _manifest_name(folder, key)
    body = {"folder": folder, "key": key, "files": files, "report": asdict(report)}  # type: ignore[call-overload]
    store.write(manifest, json.dumps(body, indent=1).encode("utf-8"))
    return manifest
