"""One job at a time: a build or a check, run in a thread by the same functions the
command line calls, with its progress kept here so a reloaded page finds it again."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImnmError

log = logging.getLogger(__name__)


@dataclass
class Step:
    label: str
    done: int = 0
    total: int = 0
    from_cache: int = 0
    phase: int = 0


TITLES = {
    "build": "Build",
    "check": "Check",
    "update": "Script, build and check",
    "publish": "Publishing",
}
PHASES = {
    "build": ("Building the audio",),
    "check": ("Checking the audio",),
    "update": ("Making the script", "Building the audio", "Checking the audio"),
    "publish": ("Making what is out of date", "Publishing"),
}
SHOW = "(show)"  # the job key of a job about the whole podcast


@dataclass
class Job:
    """A build, a check, or both after a change ("update": the script made again, the
    audio built, then checked). Its progress is counted per phase; the bar shows the
    phases done plus the share of the current one, so it never goes back."""

    kind: str  # "build", "check" or "update"
    slug: str
    started: float = field(default_factory=time.monotonic)
    steps: list[Step] = field(default_factory=list)
    state: str = "running"  # waiting, running, done, failed
    message: str = ""
    finished: float | None = None
    phase: int = 0

    def announce(self, steps: list[tuple[str, int, str]]) -> None:
        """Every step the work will report, before it starts: the bar's total is whole
        from the start, so its value only ever grows."""
        self.steps.extend(Step(label, 0, total, phase=self.phase) for label, total, _ in steps)

    def progress_for(self, label: str, total: int, unit: str = "segments") -> Callable[..., None]:
        step = next((s for s in self.steps if s.label == label and s.phase == self.phase), None)
        if step is None:
            step = Step(label, 0, total, phase=self.phase)
            self.steps.append(step)

        def update(done: int, total: int, hits: int) -> None:
            step.done, step.total, step.from_cache = done, total, hits

        return update

    def as_dict(self) -> dict[str, object]:
        steps = [s for s in self.steps if s.phase == self.phase]
        done = sum(s.done for s in steps)
        total = sum(s.total for s in steps)
        phases = PHASES[self.kind]
        share = done / total if total else 0.0
        fraction = 1.0 if self.state == "done" else (self.phase + share) / len(phases)
        elapsed = (self.finished or time.monotonic()) - self.started
        made = done - sum(s.from_cache for s in steps)
        left = None
        if self.state == "running" and made > 0 and total > done and len(phases) == 1:
            left = round(elapsed / max(1, done) * (total - done))
        return {
            "kind": self.kind,
            "title": TITLES[self.kind],
            "slug": self.slug,
            "state": self.state,
            "message": self.message,
            "phase": phases[self.phase],
            "phase_number": self.phase + 1,
            "phases": len(phases),
            "fraction": round(fraction, 4),
            "done": done,
            "total": total,
            "from_cache": sum(s.from_cache for s in steps),
            "made": made,
            "seconds": round(elapsed, 1),
            "seconds_left": left,
            "steps": [vars(s) for s in steps],
        }


class Jobs:
    """At most one job runs at a time. A job asked for while another runs waits in a
    queue (its page says what it waits for) and starts when the one before finishes;
    asking again for a job already running or waiting gives that job."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: Job | None = None
        self.last: dict[str, Job] = {}
        self.queue: list[tuple[Job, Callable[[Job], str]]] = []

    def start(self, job: Job, work: Callable[[Job], str]) -> tuple[Job, str]:
        """Run `work` for `job` now or after the jobs before it: (the job, "started",
        "waiting" or "already")."""
        with self._lock:
            existing = self.last.get(job.slug)
            if existing and existing.kind == job.kind and existing.state in ACTIVE:
                return existing, "already"
            self.last[job.slug] = job
            if self.current is not None and self.current.state in ACTIVE:
                job.state = "waiting"
                self.queue.append((job, work))
                return job, "waiting"
            self.current = job
        self._run(job, work)
        return job, "started"

    def waiting_for(self, job: Job) -> Job | None:
        """The job running now, when `job` waits for it."""
        return self.current if job.state == "waiting" else None

    def _run(self, job: Job, work: Callable[[Job], str]) -> None:
        def run() -> None:
            job.state, job.started = "running", time.monotonic()
            try:
                job.message = work(job)
                job.state = "done"
            except ImnmError as err:
                job.state, job.message = "failed", err.render()
            except Exception as err:  # noqa: BLE001 - reported on the page, then logged
                log.exception("studio %s of %s failed", job.kind, job.slug)
                job.state, job.message = "failed", f"{type(err).__name__}: {err}"
            finally:
                job.finished = time.monotonic()
                with self._lock:
                    following = self.queue.pop(0) if self.queue else None
                    if following is not None:
                        self.current = following[0]
                if following is not None:
                    self._run(*following)

        threading.Thread(target=run, name=f"studio-{job.kind}", daemon=True).start()

    def for_slug(self, slug: str) -> Job | None:
        return self.last.get(slug)


ACTIVE = ("running", "waiting")


def build_work(root: Path, slug: str) -> Callable[[Job], str]:
    from ..cache import DEFAULT_CACHE_DIR
    from ..pipeline import BuildOptions, build

    def work(job: Job) -> str:
        options = BuildOptions(
            content_dir=root / "content",
            scripts_dir=root / "scripts",
            out_dir=root / "audio",
            cache_dir=root / DEFAULT_CACHE_DIR,
        )
        reports = build(options, [slug], job.progress_for, job.announce)
        return "; ".join(r.describe(root / "audio") for r in reports)

    return work


def check_work(root: Path, slug: str, model: Path | None = None) -> Callable[[Job], str]:
    def work(job: Job) -> str:
        from ..cache import DEFAULT_CACHE_DIR, ClipCache
        from ..check.memo import checked
        from ..content import load_project
        from ..pipeline import EPISODE
        from ..script import load_script

        project = load_project(root / "content", [slug])
        script = load_script(EPISODE.path(root / "scripts", slug))
        report, _, kept = checked(
            script,
            project.podcast,
            project.lexicon.for_language(script.meta.language),
            root / "audio",
            project.podcast.check,
            model=model,
            cache=ClipCache(root / DEFAULT_CACHE_DIR),  # heard again only where it changed
            progress_for=job.progress_for,
        )
        said = "The check passed." if report.passed else "The check did not pass."
        return said + (" Nothing had changed since the last check." if kept else "")

    return work


def update_work(root: Path, slug: str) -> Callable[[Job], str]:
    """After a change (the text, the details, the lexicon): the script made again, the
    audio built and checked, as one job."""
    from ..content import load_project
    from ..pipeline import write_scripts

    def work(job: Job) -> str:
        project = load_project(root / "content", [slug])
        write_scripts(project, project.factsheets[0], root / "scripts")
        job.phase = 1
        built = build_work(root, slug)(job)
        job.phase = 2
        checked = check_work(root, slug)(job)
        return f"{built}. {checked}"

    return work


def publish_work(root: Path) -> Callable[[Job], str]:
    """The studio's Publish: every factsheet whose script, audio or check is not up to
    date made again, built and checked; if every check passed, the podcast published
    (`imnm-audio publish`, read back as a podcast app reads it)."""

    def work(job: Job) -> str:
        from ..cache import DEFAULT_CACHE_DIR
        from ..content.settings import load_podcast
        from ..errors import ContentError
        from ..fsutil import output_lock
        from ..pipeline import BuildOptions
        from ..pipeline.show import publish_show
        from ..publish import publish, published
        from .sheets import Paths, sheet_states

        paths = Paths(root)
        behind = [s for s in sheet_states(paths) if s.script != "fresh" or not s.checked]
        for state in behind:
            if state.placeholders or state.problem:
                raise ContentError(
                    f"“{state.title}” has details to fill in or fix first; nothing was "
                    "published. Open its page, fix them, then publish again."
                )
        step = job.progress_for("Factsheets made again, built and checked", len(behind))
        for done, state in enumerate(behind, 1):
            update_work(root, state.slug)(_Quiet())  # type: ignore[arg-type]
            step(done, len(behind), 0)
        failed = [s.title for s in sheet_states(paths) if s.built and s.passed is False]
        if failed:
            raise ContentError(
                "the check did not pass for " + ", ".join(f"“{t}”" for t in failed) + "; "
                "nothing was published. Open each one's page to see what was heard, fix it, "
                "then publish again."
            )
        job.phase = 1
        sending = job.progress_for("Files sent and read back", 1)
        podcast = load_podcast(root / "content" / "podcast.yaml")
        # The feed and the pages written again for the settings as they are now (the
        # address they are published at may have changed since the last build).
        options = BuildOptions(
            content_dir=root / "content",
            scripts_dir=root / "scripts",
            out_dir=root / "audio",
            cache_dir=root / DEFAULT_CACHE_DIR,
        )
        with output_lock(options.out_dir):
            publish_show(options, podcast.base_url)
        report = publish(root / "audio", podcast)
        sending(1, 1, 0)
        published(report)
        return report.describe().replace("\n", " ")

    return work


class _Quiet:
    """A job for the steps inside a bigger one: its progress is not shown."""

    phase = 0

    def progress_for(self, label: str, total: int, unit: str = "segments") -> Callable[..., None]:
        return lambda done, total, hits: None

    def announce(self, steps: list[tuple[str, int, str]]) -> None:
        pass
