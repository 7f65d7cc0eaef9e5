"""The build, stage by stage: scripts, synthesis with one voice load, assembly, the show."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from ..cache import ClipCache
from ..content import (
    Factsheet,
    Lexicon,
    Podcast,
    Project,
    load_project,
    url_problem,
)
from ..errors import TooShortForHold, UsageError
from ..export.library import neighbours
from ..fsutil import output_lock
from ..script import Script
from ..vocabulary import release as release_vocabulary
from .episode import EpisodeReport, start_episode
from .hold_line import HoldReport, start_hold
from .options import BuildOptions, ProgressFor, PublishGate
from .scripts import EPISODE, HOLD, script_for_build
from .show import publish_show
from .synthesis import release_engines, trim_memory

log = logging.getLogger(__name__)


def build(
    options: BuildOptions,
    slugs: list[str] | None = None,
    progress_for: ProgressFor | None = None,
    announce: Callable[[list[Step]], None] | None = None,
) -> list[EpisodeReport | HoldReport]:
    """Build every (or the named) factsheet; return a report per episode and hold line.

    `announce`, if given, is told every step of progress (label, total, unit) once the
    scripts are known and before any work, so that a sum over the steps (the studio's
    bar) has its whole total from the start and never goes back."""
    with output_lock(options.out_dir):
        return _build(options, slugs, progress_for, announce)


def build_hold_line(
    options: BuildOptions,
    slugs: list[str] | None = None,
    progress_for: ProgressFor | None = None,
) -> list[EpisodeReport | HoldReport]:
    """Only the hold line: write (or reuse) each hold-line script and build its audio."""
    return build(replace(options, episodes=False, hold=True), slugs, progress_for)


@dataclass
class Plan:
    """A build's first step done: the project, its scripts, and the whole show."""

    project: Project
    base_url: str
    episode_of: dict[str, Script]
    hold_of: dict[str, Script]
    show: list[Factsheet]  # every factsheet, for each episode page's links
    saves: list[Callable[[], None]]  # new and regenerated scripts, kept once clips are made

    def save_scripts(self) -> None:
        for save in self.saves:
            save()


def plan_build(options: BuildOptions, slugs: list[str] | None) -> Plan:
    """Load the project and every script the build needs (narrated where missing)."""
    project = load_project(options.content_dir, slugs)
    base_url = base_url_for(project.podcast, options)  # checked before any work starts
    episode_plans = [
        script_for_build(project, f, options, EPISODE)
        for f in (project.factsheets if options.episodes else ())
    ]
    hold_plans = []
    for factsheet in project.factsheets if options.hold else ():
        try:
            hold_plans.append(script_for_build(project, factsheet, options, HOLD))
        except TooShortForHold as err:
            if not options.episodes:
                raise
            log.warning("%s: no hold line: %s", factsheet.slug, err.render())  # episode only
    # The scripts are written: wordfreq's tables (about 50 MB) are not needed while the
    # voice is loaded (with Piper's long sentences spoken clause by clause, the peak of
    # a cold build of 20 factsheets went from over 626 MB to 397 MB).
    if release_vocabulary():
        trim_memory()
    # The whole show, for each episode page's links to its neighbours (written with the
    # page, so no build leaves a page without them; publish_show mends what changed).
    show = load_project(options.content_dir).factsheets if slugs else project.factsheets
    return Plan(
        project,
        base_url,
        {s.slug: s for s, _ in episode_plans},
        {s.slug: s for s, _ in hold_plans},
        show,
        [save for _, save in [*episode_plans, *hold_plans] if save],
    )


def _build(
    options: BuildOptions,
    slugs: list[str] | None,
    progress_for: ProgressFor | None,
    announce: Callable[[list[Step]], None] | None = None,
) -> list[EpisodeReport | HoldReport]:
    plan = plan_build(options, slugs)
    if announce is not None:
        announce(planned_steps(plan, assembly=not options.distributed))
    if options.distributed:
        from .cluster import build_on_cluster  # Dask is imported only here

        return build_on_cluster(plan, options, progress_for)
    project, show, episode_of, hold_of = plan.project, plan.show, plan.episode_of, plan.hold_of
    cache = ClipCache(options.cache_dir, enabled=options.use_cache)
    scripts = [*episode_of.values(), *hold_of.values()]
    early = (
        bool(scripts)
        and not options.low_memory
        and all(s.voice.engine in LIGHT_ENGINES for s in scripts)
    )
    gate = PublishGate()
    pool = ThreadPoolExecutor(max_workers=2) if early else None
    try:
        finishers = _synthesise_all(
            project, options, cache, progress_for, show, episode_of, hold_of, pool, gate
        )
        release_engines()
        plan.save_scripts()  # every clip is made: new and regenerated scripts are kept now
    except BaseException:
        gate.abort()
        if pool is not None:
            pool.shutdown(wait=True)
        raise
    gate.open()
    episodes: list[EpisodeReport] = []
    hold_reports: list[HoldReport] = []
    try:
        for slug, finish_episode, finish_hold in finishers:
            total = (finish_episode is not None) + (finish_hold is not None)
            done = progress_for(f"{slug} assembly", total, "outputs") if progress_for else None
            with ThreadPoolExecutor(max_workers=2) as side:
                episode = _started(finish_episode, side)
                hold = _started(finish_hold, side)
                if episode:
                    episodes.append(episode.result())
                    if done:
                        done(1, total, 0)
                if hold:
                    hold_reports.append(hold.result())
                    if done:
                        done(total, total, 0)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    if options.episodes:
        publish_show(options, plan.base_url)
    return [*episodes, *hold_reports]


Step = tuple[str, int, str]  # label, total, unit


def planned_steps(plan: Plan, assembly: bool = True) -> list[Step]:
    """The progress steps a build of `plan` reports, by the labels it reports them under:
    each factsheet's episode clips, its hold line's clips and (in process) its assembly."""
    steps: list[Step] = []
    for slug in dict.fromkeys([*plan.episode_of, *plan.hold_of]):
        episode, hold = plan.episode_of.get(slug), plan.hold_of.get(slug)
        if episode is not None:
            steps.append((slug, len(episode.segments), "segments"))
        if hold is not None:
            steps.append((f"{slug} hold line", len(hold.segments), "segments"))
        if assembly:
            outputs = (episode is not None) + (hold is not None)
            steps.append((f"{slug} assembly", outputs, "outputs"))
    return steps


# Engines whose voice is small enough to be held while assembly runs.
LIGHT_ENGINES = ("hibari", "espeak", "gtts")
Finisher = Callable[[], object] | Future[object] | None


def _started(finish: Finisher, pool: ThreadPoolExecutor) -> Future[object] | None:
    """A finisher running: one started early already is, others start now."""
    if finish is None or isinstance(finish, Future):
        return finish
    return pool.submit(finish)


def _synthesise_all(
    project: Project,
    options: BuildOptions,
    cache: ClipCache,
    progress_for: ProgressFor | None,
    show: list[Factsheet],
    episode_of: dict[str, Script],
    hold_of: dict[str, Script],
    pool: ThreadPoolExecutor | None,
    gate: PublishGate,
) -> list[tuple[str, Finisher, Finisher]]:
    """Every clip of the build; for each factsheet, how its episode and hold line are
    finished (with `pool`, already started, each held at the gate before publishing)."""

    def early(finish: Callable[..., object]) -> Finisher:
        return pool.submit(finish, gate=gate) if pool is not None else finish

    finishers: list[tuple[str, Finisher, Finisher]] = []
    for slug in dict.fromkeys([*episode_of, *hold_of]):
        # At most one factsheet's assembly runs beside synthesis: before the next
        # factsheet's clips, the one before the last is finished, so memory does not
        # grow with the number of factsheets.
        for _, *earlier in finishers[:-1]:
            for finish in earlier:
                if isinstance(finish, Future):
                    finish.exception()  # waits; its error is raised when it is collected
        finish_episode, finish_hold = start_factsheet(
            project.podcast,
            project.lexicon.for_language,
            episode_of.get(slug),
            hold_of.get(slug),
            options,
            cache,
            progress_for,
            neighbours(show, slug),
            early,
        )
        finishers.append((slug, finish_episode, finish_hold))
    return finishers


def start_factsheet(
    podcast: Podcast,
    lexicon_for: Callable[[str], Lexicon],
    episode: Script | None,
    hold: Script | None,
    options: BuildOptions,
    cache: ClipCache,
    progress_for: ProgressFor | None,
    neighbours: str,
    early: Callable[[Callable[..., object]], Finisher] = lambda finish: finish,
) -> tuple[Finisher, Finisher]:
    """One factsheet's clips, for its episode and its hold line (either may be None);
    returns how each is finished, as `early` gives it back (it may start it at once).
    The in-process build and a cluster's worker (`cluster_task.py`) both start here."""
    finish_episode = finish_hold = None
    if episode is not None:
        progress = progress_for(episode.slug, len(episode.segments)) if progress_for else None
        lexicon = lexicon_for(episode.meta.language)
        finish_episode = early(
            start_episode(podcast, lexicon, episode, options, cache, progress, neighbours)
        )
    if hold is not None:
        label = f"{hold.slug} hold line"
        progress = progress_for(label, len(hold.segments)) if progress_for else None
        lexicon = lexicon_for(hold.meta.language)
        finish_hold = early(start_hold(podcast, lexicon, hold, options, cache, progress))
    return finish_episode, finish_hold


def base_url_for(podcast: Podcast, options: BuildOptions) -> str:
    if options.base_url is None:
        return podcast.base_url
    problem = url_problem(options.base_url)
    if problem:
        raise UsageError(f"--base-url {problem}")
    return options.base_url.rstrip("/") + "/"
