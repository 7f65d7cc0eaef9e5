"""The per-factsheet work on a Dask cluster: `build --cluster ADDRESS` / `--workers N`.

Imported only when one of those is given, so an ordinary build never imports Dask.

The client (this process) does the build's first step as always (`run.plan_build`: the
project, the scripts), then sends each factsheet to the cluster as one task: its
scripts, the settings and lexicon they need, and the stamps of what is published (a
worker cannot see the client's `audio/`). A worker synthesises through the shared
cache (`--cache`: a folder every machine sees, or `s3://...`), assembles the episode
and the hold line in a temporary folder exactly as an in-process build does, and
uploads the finished files to the shared cache under `outputs/`, their manifest last
(`cluster_task.py`, what runs on a worker): an upload cut short has no manifest and is
never used. The task runs again elsewhere
if its worker dies (it writes nothing the client trusts until its manifest), and
returns the reports.

When every task has finished, the client saves new scripts, then brings each output
down from the shared cache, checks every file against the manifest's SHA-256, and
swaps it into `audio/` whole (`fsutil.staged_folder`), as an in-process build
publishes. A build with a failed task publishes nothing. The show's feed, library page
and cover are written once, at the end, from the finished episodes
(`show.publish_show`). `check --cluster` sends each built episode to a worker to be
heard (`check_on_cluster`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import (
    ClusterUnreachable,
    EngineUnavailable,
    OutputError,
)
from ..export.library import neighbours
from ..fsutil import recover, staged_folder
from ..store import Store, is_url, open_store
from .cluster_checks import CONNECT_SECONDS, check_versions, check_voices, not_a_scheduler
from .cluster_task import (
    OUTPUTS,
    PROGRESS_TOPIC,
    FactsheetJob,
    Finished,
    build_factsheet,
)
from .episode import EpisodeReport
from .hold_line import HoldReport
from .options import BuildOptions, ProgressFor, PublishGate
from .show import publish_show
from .stamp import published_stamp

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- the cluster


@contextlib.contextmanager
def connect(cluster: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: of the scheduler at `cluster`, or of `workers` local processes."""
    with _quiet_dask():
        with _connect(cluster, workers) as client:
            yield client


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask's own log (workers joining, connections closing at the end) only with -vv:
    the build's bars and messages are what a user reads."""
    import distributed  # noqa: F401 - its import sets its loggers' levels; set ours after

    debugging = _debugging()
    roots = ("distributed", "tornado", "asyncio")
    # Dask's configuration gives some of its loggers levels of their own
    # ("distributed.client"): each is quietened, or a lost scheduler's reconnection
    # attempts print their tracebacks before our message.
    names = [
        n
        for n in [*roots, *logging.root.manager.loggerDict]
        if n in roots or n.startswith(tuple(f"{r}." for r in roots))
    ]
    before = {n: logging.getLogger(n).level for n in names}
    if not debugging:
        for name in names:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)


def _debugging() -> bool:
    return logging.getLogger("imnm_audio").isEnabledFor(logging.DEBUG)


@contextlib.contextmanager
def _connect(cluster: str | None, workers: int | None) -> Iterator[Any]:
    from dask.distributed import Client, LocalCluster

    if workers is not None:
        local = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,  # one factsheet at a time per process: the voice's threads
            processes=True,
            dashboard_address=":0",  # any free port: another cluster may hold 8787
            # The workers' own log: a task's error reaches the user once, as our message.
            silence_logs=logging.NOTSET if _debugging() else logging.CRITICAL,
        )
        with local, Client(local) as client:
            yield client
        return
    assert cluster is not None
    not_a_scheduler(cluster)
    try:
        client = Client(cluster, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as err:
        raise ClusterUnreachable(
            f"the Dask scheduler at {cluster} cannot be reached ({err}).",
            fix="Start it ('dask scheduler', then 'dask worker ADDRESS' on each machine) "
            "and check the address and port (tcp://host:8786); or build on this machine "
            "without --cluster.",
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS * 3)
        except (OSError, TimeoutError) as err:
            raise ClusterUnreachable(
                f"the Dask scheduler at {cluster} has no workers ({err}).",
                fix="Start at least one: 'dask worker ADDRESS' on a machine with "
                "imnm-audio and its voices installed.",
            ) from None
        yield client


# ---------------------------------------------------------------- the client


def build_on_cluster(
    plan: Any, options: BuildOptions, progress_for: ProgressFor | None
) -> list[EpisodeReport | HoldReport]:
    """The build's per-factsheet work on the cluster; the rest here (see the module)."""
    from dask.distributed import as_completed

    if not is_url(options.cache_dir):
        options = replace(options, cache_dir=Path(options.cache_dir).resolve())
        if options.cluster is not None:
            log.warning(
                "the cache %s is a folder: every worker must see it at this same path (a "
                "network folder); otherwise give --cache an s3:// URL",
                options.cache_dir,
            )
    store = open_store(options.cache_dir)
    slugs = list(dict.fromkeys([*plan.episode_of, *plan.hold_of]))
    voices = sorted(
        {
            (s.voice.engine, s.voice.voice)
            for s in [*plan.episode_of.values(), *plan.hold_of.values()]
        }
    )
    with connect(options.cluster, options.workers) as client:
        piper_voices = dict(plan.project.podcast.piper_voices)
        check_versions(client)
        check_voices(client, [(e, v, piper_voices) for e, v in voices])
        bars = _Bars(progress_for)  # only now: no bar at 0/N before a start-up error
        jobs = _jobs(plan, options, slugs, bars)
        client.subscribe_topic(PROGRESS_TOPIC, bars.event)
        started = time.perf_counter()
        run = f"{os.getpid()}-{time.time_ns()}"
        futures = {
            client.submit(build_factsheet, job, key=f"imnm-audio-build-{job.slug}-{run}"): job.slug
            for job in jobs
        }
        results: dict[str, list[Finished]] = {}
        try:
            for future in as_completed(futures):
                finished = _result(future, futures[future], options.cluster)
                for f in finished:
                    bars.done(f.folder, f.report)
                results[futures[future]] = finished
        except CancelledError as err:  # every future, when the scheduler is lost
            raise _lost(options.cluster, err) from None
        except BaseException:
            with contextlib.suppress(Exception):  # the scheduler may be gone
                client.cancel(futures)
            raise
        finally:
            client.unsubscribe_topic(PROGRESS_TOPIC)
    tasks = time.perf_counter() - started
    plan.save_scripts()  # every clip is made: new and regenerated scripts are kept now
    outputs = [f for slug in slugs for f in results.get(slug, [])]
    # All or nothing for the library a reader sees: every output is brought down and
    # checked into a staging folder first; only when all are here are they swapped in,
    # and then the feed and index that describe them written. An object store that
    # stops half way leaves the previous library whole.
    gate = PublishGate()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda f: _publish(store, options.out_dir, f, gate), outputs))
    except BaseException:
        gate.abort()
        raise
    gate.open()
    # Taken: nothing in outputs/ for these factsheets is needed now. What an earlier run
    # left there (its client or scheduler lost before it took them) goes too.
    for folder in sorted({f.folder for f in outputs}):
        with contextlib.suppress(Exception):  # only space if it stays
            store.remove_all(f"{OUTPUTS}/{folder}")
    log.info(
        "cluster: %d tasks done in %.2f s; %d outputs brought in from %s and published in %.2f s",
        len(futures),
        tasks,
        sum(f.manifest is not None for f in outputs),
        store.where,
        time.perf_counter() - started - tasks,
    )
    episodes = [f.report for f in outputs if not f.folder.startswith("hold/")]
    holds = [f.report for f in outputs if f.folder.startswith("hold/")]
    if options.episodes:
        publish_show(options, plan.base_url)
    return [*episodes, *holds]


def _result(future: Any, slug: str, cluster: str | None) -> list[Finished]:
    """A task's answer; its error (an ImnmError, as the worker raised it) stops the build."""
    from distributed import KilledWorker

    try:
        result: list[Finished] = future.result()
    except KilledWorker as err:
        raise EngineUnavailable(
            f"the build of {slug} stopped the workers that ran it, one after another ({err}).",
            fix="A worker is most likely running out of memory: give each worker more "
            "(dask worker --memory-limit) or one thread (--nthreads 1), then build again; "
            "what was built is kept in the cache.",
        ) from None
    except (OSError, TimeoutError, CancelledError) as err:
        raise _lost(cluster, err, slug) from None
    return result


def _lost(cluster: str | None, err: BaseException, slug: str | None = None) -> ClusterUnreachable:
    """The scheduler gone mid-build (killed, its machine lost): Dask cancels every task
    ("scheduler-connection-lost")."""
    during = f" while building {slug}" if slug else ""
    why = getattr(err, "reason", None) or str(err) or type(err).__name__
    return ClusterUnreachable(
        f"the connection to the Dask scheduler {cluster or '(local)'} was lost{during} "
        f"({why}). Nothing was published: audio/ is as it was.",
        fix="Start the scheduler again (and its workers), then build again: the clips "
        "already made are kept in the shared cache. Finished outputs this run left "
        "there are counted by 'imnm-audio cache info' and cleared by the next build.",
    )


def _jobs(plan: Any, options: BuildOptions, slugs: list[str], bars: _Bars) -> list[FactsheetJob]:
    """Each factsheet's task, with the stamps of what is published; its bars added."""
    project = plan.project
    artwork = project.podcast.artwork.read_bytes() if project.podcast.artwork else None
    jobs = []
    for slug in slugs:
        episode, hold = plan.episode_of.get(slug), plan.hold_of.get(slug)
        published = {}
        for folder, script, label in (
            (slug, episode, slug),
            (f"hold/{slug}", hold, f"{slug} hold line"),
        ):
            if script is not None:
                recover((options.out_dir / folder).parent, slug)  # a crash mid-swap mended
                published[folder] = published_stamp(options.out_dir / folder) or {}
                bars.add(label, len(script.segments))
        languages = {s.meta.language for s in (episode, hold) if s is not None}
        jobs.append(
            FactsheetJob(
                slug,
                project.podcast,
                episode,
                hold,
                {lang: project.lexicon.for_language(lang) for lang in languages},
                neighbours(plan.show, slug),
                replace(options, published=published, cluster=None, workers=None),
                artwork,
            )
        )
    return jobs


def _publish(store: Store, out_dir: Path, finished: Finished, gate: PublishGate) -> None:
    """A finished output from the shared cache, each file checked, into a staging folder
    the gate swaps into `out_dir` whole."""
    if finished.manifest is None:
        return
    blob = store.read(finished.manifest)
    if blob is None:
        raise OutputError(
            f"a worker's finished {finished.folder} is not in the shared cache "
            f"{store.where} ({finished.manifest}).",
            fix="The workers must write where this machine reads: give --cache a folder "
            "every machine shares (the same path on each) or an s3:// URL.",
        )
    manifest = json.loads(blob)
    prefix = f"{OUTPUTS}/{finished.folder}/{manifest['key']}"
    what = "hold line" if finished.folder.startswith("hold/") else "episode"
    with staged_folder(out_dir / finished.folder, what, gate) as staging:
        for name, sha in manifest["files"].items():
            data = store.read(f"{prefix}/{name}")
            if data is None or hashlib.sha256(data).hexdigest() != sha:
                raise OutputError(
                    f"the file {name} of {finished.folder} in the shared cache is missing "
                    "or damaged.",
                    path=f"{store.where}/{prefix}",
                    fix="Build again: the factsheet is made again.",
                )
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


class _Bars:
    """The build's progress bars, fed by the workers' events (the same bars as in-process)."""

    def __init__(self, progress_for: ProgressFor | None) -> None:
        self.progress_for = progress_for
        self.bars: dict[str, Any] = {}
        self.totals: dict[str, int] = {}
        self.lock = threading.Lock()

    def add(self, label: str, total: int) -> None:
        if self.progress_for is not None:
            self.bars[label] = self.progress_for(label, total)
            self.totals[label] = total

    def event(self, event: Any) -> None:
        _, (label, done, total, hits) = event
        with self.lock:
            bar = self.bars.get(label)
            if bar is not None:
                bar(done, total, hits)

    def done(self, folder: str, report: EpisodeReport | HoldReport) -> None:
        label = folder if not folder.startswith("hold/") else f"{report.slug} hold line"
        with self.lock:
            bar = self.bars.get(label)
            if bar is not None:
                total = self.totals[label]
                bar(total, total, report.cache_hits)
