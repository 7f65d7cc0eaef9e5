"""The build, stage by stage: scripts, synthesis with one voice load, assembly, the show."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from ..cache import ClipCache
from ..content import (
    Podcast,
    load_project,
    url_problem,
)
from ..errors import TooShortForHold, UsageError
from ..export.library import neighbours
from ..fsutil import output_lock
from ..vocabulary import release as release_vocabulary
from .episode import EpisodeReport, start_episode
from .hold_line import HoldReport, start_hold
from .options import BuildOptions, ProgressFor
from .scripts import EPISODE, HOLD, script_for_build
from .show import publish_show
from .synthesis import release_engines, trim_memory

log = logging.getLogger(__name__)


def build(
    options: BuildOptions,
    slugs: list[str] | None = None,
    progress_for: ProgressFor | None = None,
) -> list[EpisodeReport | HoldReport]:
    """Build every (or the named) factsheet; return a report per episode and hold line."""
    with output_lock(options.out_dir):
        return _build(options, slugs, progress_for)


def build_hold_line(
    options: BuildOptions,
    slugs: list[str] | None = None,
    progress_for: ProgressFor | None = None,
) -> list[EpisodeReport | HoldReport]:
    """Only the hold line: write (or reuse) each hold-line script and build its audio."""
    return build(replace(options, episodes=False, hold=True), slugs, progress_for)


def _build(
    options: BuildOptions,
    slugs: list[str] | None,
    progress_for: ProgressFor | None,
) -> list[EpisodeReport | HoldReport]:
    project = load_project(options.content_dir, slugs)
    cache = ClipCache(options.cache_dir, enabled=options.use_cache)
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
    episode_of = {s.slug: s for s, _ in episode_plans}
    hold_of = {s.slug: s for s, _ in hold_plans}
    # First every factsheet's clips, with one voice load for the whole build; then the
    # voice is unloaded and each factsheet is assembled, its episode and hold line side by
    # side (one thread each; assembly works a slice at a time, so both together stay well
    # under the voice's memory). The largest memory (the voice) and the next largest
    # (assembly's arrays and libraries) are never held at once, and the voice never loads
    # on top of what an earlier factsheet's assembly left: memory stays flat however many
    # factsheets are built. Clips are read back from the cache for assembly, not held.
    finishers: list[tuple[str, Callable[[], EpisodeReport] | None, Callable[[], HoldReport] | None]]
    finishers = []
    for slug in dict.fromkeys([*episode_of, *hold_of]):
        finish_episode = finish_hold = None
        if slug in episode_of:
            script = episode_of[slug]
            progress = progress_for(slug, len(script.segments)) if progress_for else None
            finish_episode = start_episode(
                project.podcast,
                project.lexicon.for_language(script.meta.language),
                script,
                options,
                cache,
                progress,
                neighbours(show, slug),
            )
        if slug in hold_of:
            script = hold_of[slug]
            progress = (
                progress_for(f"{slug} hold line", len(script.segments)) if progress_for else None
            )
            finish_hold = start_hold(
                project.podcast,
                project.lexicon.for_language(script.meta.language),
                script,
                options,
                cache,
                progress,
            )
        finishers.append((slug, finish_episode, finish_hold))
    release_engines()
    # Every clip is made: new and regenerated scripts can be kept now.
    for _, save in [*episode_plans, *hold_plans]:
        if save:
            save()
    episodes: list[EpisodeReport] = []
    hold_reports: list[HoldReport] = []
    for slug, finish_episode, finish_hold in finishers:
        total = (finish_episode is not None) + (finish_hold is not None)
        done = progress_for(f"{slug} assembly", total, "outputs") if progress_for else None
        with ThreadPoolExecutor(max_workers=2) as pool:
            episode = pool.submit(finish_episode) if finish_episode else None
            hold = pool.submit(finish_hold) if finish_hold else None
            if episode:
                episodes.append(episode.result())
                if done:
                    done(1, total, 0)
            if hold:
                hold_reports.append(hold.result())
                if done:
                    done(total, total, 0)
    if options.episodes:
        publish_show(options, base_url)
    return [*episodes, *hold_reports]


def base_url_for(podcast: Podcast, options: BuildOptions) -> str:
    if options.base_url is None:
        return podcast.base_url
    problem = url_problem(options.base_url)
    if problem:
        raise UsageError(f"--base-url {problem}")
    return options.base_url.rstrip("/") + "/"
