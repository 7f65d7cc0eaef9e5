"""The imnm-audio command: parse arguments, call the stages, turn errors into messages."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .cache import ClipCache
from .cli_lexicon import cmd_lexicon
from .cli_parser import make_parser
from .content import Factsheet, Project, load_project
from .engines import ENGINES, get_engine
from .errors import ImnmError, TooShortForHold, UsageError
from .pipeline import (
    EPISODE,
    HOLD,
    BuildOptions,
    ScriptKind,
    build,
    build_hold_line,
    script_state,
    write_script,
    write_scripts,
)
from .pipeline.migrate import migrate_script
from .script import Script

log = logging.getLogger("imnm_audio")
err_console = Console(stderr=True)


# ---------------------------------------------------------------- commands


_TITLE_SOURCE = {
    "page": "the first page",
    "heading": "the document's first heading",
    "metadata": "the document's properties",
    "file name": "the file's name",
}


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import import_document

    done = import_document(args.source, args.content, args.slug, args.force)
    if not args.quiet:
        for warning in done.warnings:
            print(f"warning: {done.path}: {warning}", file=sys.stderr)
        n = len(done.sections)
        print(
            f"{done.path}: {n} section{'s' if n != 1 else ''}, {done.words} words, from the "
            f"{done.kind} {args.source}."
        )
        print(f"  {n} section{'s' if n != 1 else ''}: {', '.join(done.sections)}.")
        if done.title:
            print(f"  title: {done.title} (from {_TITLE_SOURCE.get(done.title_from, 'the page')})")
        for note in done.notes:
            print(f"  note: {note}")
        if done.placeholders:
            print(
                f"  To fill in before `imnm-audio script`: {', '.join(done.placeholders)} "
                "(marked 'TODO (import)'). Read the text through as well."
            )
    return 0


def cmd_script(args: argparse.Namespace) -> int:
    """Narration and hold-line scripts together: one lexicon change makes both stale."""
    project = load_project(args.content, args.slugs or None)
    if args.check:
        return _check_scripts(project, args, (EPISODE, HOLD))
    if args.migrate:
        return _migrate_scripts(project, args)
    for factsheet in project.factsheets:
        for kind, script, what in write_scripts(project, factsheet, args.scripts, args.force):
            if not args.quiet:
                print(
                    f"{kind.path(args.scripts, factsheet.slug)}: {what} "
                    f"({len(script.chapters)} chapters, {len(script.segments)} segments)"
                )
                if kind is EPISODE:
                    _print_review(factsheet, script, listed=what != "up to date")
    return 0


def _print_review(factsheet: Factsheet, script: Script, listed: bool) -> None:
    """The words the voice may say wrongly, with their factsheet lines."""
    words = script.review
    if not words:
        return
    print(
        f"  {len(words)} word{'s' if len(words) != 1 else ''} to review (the lexicon does "
        f"not say how): 'imnm-audio lexicon suggest {factsheet.slug}' drafts entries"
    )
    if listed:
        for w in words:
            where = f"{factsheet.path}:{w.line}" if w.line else str(factsheet.path)
            uses = f", {w.count} uses" if w.count > 1 else ""
            print(f"    {where}: {w.word} ({w.why}{uses})")


def _migrate_scripts(project: Project, args: argparse.Namespace) -> int:
    for factsheet in project.factsheets:
        for kind in (EPISODE, HOLD):
            path = kind.path(args.scripts, factsheet.slug)
            if path.is_file():
                what = migrate_script(project, factsheet, kind, path)
                if not args.quiet:
                    print(f"{path}: {what}")
    return 0


def _check_scripts(
    project: Project, args: argparse.Namespace, kinds: tuple[ScriptKind, ...]
) -> int:
    """Exit 1 and name every script of these kinds that is missing or stale."""
    bad = checked = 0
    for factsheet in project.factsheets:
        for kind in kinds:
            state = script_state(project, factsheet, args.scripts, kind)
            if (
                state.status == "missing"
                and kind is HOLD
                and not _hold_possible(project, factsheet)
            ):
                continue
            checked += 1
            if state.status != "fresh":
                bad += 1
                hand = " (edited by hand)" if state.edited_by_hand else ""
                print(f"{state.path}: {state.status}{hand}")
    if bad:
        commands = " / ".join(f"'{k.command}'" for k in kinds)
        print(f"Regenerate with {commands} and review the changes.", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"Scripts up to date: {checked}.")
    return 0


def _hold_possible(project: Project, factsheet: Factsheet) -> bool:
    try:
        HOLD.narrate(project, factsheet)
    except TooShortForHold:
        return False
    return True


def cmd_build(args: argparse.Namespace) -> int:
    options = BuildOptions(
        content_dir=args.content,
        scripts_dir=args.scripts,
        out_dir=args.out,
        cache_dir=args.cache,
        use_cache=not args.no_cache,
        engine=args.engine,
        voice=args.voice,
        regenerate=args.regenerate,
        force=args.force,
        base_url=args.base_url,
        hold=not args.no_hold,
        formats=_formats(args.formats),
        low_memory=args.low_memory,
        cluster=args.cluster,
        workers=args.workers,
    )
    with _progress(args.quiet) as progress_for:
        reports = build(options, args.slugs or None, progress_for)
    if not args.quiet:
        for r in reports:
            print(r.describe(args.out))
    if args.check:
        args.no_speech = False
        return cmd_check(args)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import summary

    project = load_project(args.content, args.slugs or None)
    if not args.no_speech:
        from .listen import check_model_folder

        for folder, option in ((args.model, "--model"), (args.confirm, "--confirm-with")):
            if folder is not None:
                check_model_folder(folder, option)
    failed = False
    for report, lexicon, written in _checked(args, project):
        failed |= not report.passed
        if not args.quiet or not report.passed:
            print(summary(report, lexicon))
            print(f"  reports: {', '.join(str(args.out / report.slug / w) for w in written)}")
    return 1 if failed else 0


def _checked(args: argparse.Namespace, project: Project) -> Iterator[tuple]:  # type: ignore[type-arg]
    """Each episode's check report, its lexicon and the report files written: here, or
    on a Dask cluster (--cluster, --workers)."""
    from .check.memo import checked
    from .script import load_script

    scripts = [load_script(EPISODE.path(args.scripts, f.slug)) for f in project.factsheets]
    lexicons = [project.lexicon.for_language(s.meta.language) for s in scripts]
    speech = not args.no_speech
    # What the recogniser heard is kept in the clip cache: a check after a change hears
    # only the stretches whose sound changed.
    cache = None if args.no_cache else ClipCache(args.cache)
    if args.cluster or args.workers:
        from .check.cluster import CheckJob, check_on_cluster

        jobs = [
            CheckJob(
                s,
                project.podcast,
                lex,
                project.podcast.check,
                speech,
                args.model,
                args.confirm,
                cache,
            )
            for s, lex in zip(scripts, lexicons, strict=True)
        ]
        results = check_on_cluster(jobs, args.out, args.cluster, args.workers)
        # The cluster's results first: zip then runs them to the end, which stops it.
        for (report, written), lexicon in zip(results, lexicons, strict=True):
            yield report, lexicon, written
        return
    with _progress(args.quiet) as progress_for:
        for script, lexicon in zip(scripts, lexicons, strict=True):
            report, written, kept = checked(
                script,
                project.podcast,
                lexicon,
                args.out,
                project.podcast.check,
                speech=speech,
                model=args.model,
                confirm=args.confirm,
                cache=cache,
                progress_for=_labelled(progress_for, script.slug),
            )
            if kept:
                log.info("%s: nothing changed since its last check; its report stands", script.slug)
            yield report, lexicon, written


def _labelled(progress_for: Callable[..., Any] | None, slug: str) -> Callable[..., Any] | None:
    """`progress_for` with each bar's label naming the factsheet."""
    if progress_for is None:
        return None
    return lambda label, total, unit="segments": progress_for(f"{slug}: {label}", total, unit)


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(sorted({f.strip().lower() for f in value.split(",") if f.strip()} - {"none"}))
    unknown = [f for f in chosen if f not in ("epub", "daisy")]
    if unknown:
        raise UsageError(
            f"--formats: '{unknown[0]}' is not a format I make.",
            fix="Use epub, daisy, 'epub,daisy' or none.",
        )
    return chosen


def cmd_hold(args: argparse.Namespace) -> int:
    project = load_project(args.content, args.slugs or None)
    if args.check:
        return _check_scripts(project, args, (HOLD,))
    for factsheet in project.factsheets:
        _, what = write_script(project, factsheet, args.scripts, args.force, HOLD)
        if not args.quiet:
            print(f"{HOLD.path(args.scripts, factsheet.slug)}: {what}")
    options = BuildOptions(
        content_dir=args.content,
        scripts_dir=args.scripts,
        out_dir=args.out,
        cache_dir=args.cache,
        use_cache=not args.no_cache,
    )
    with _progress(args.quiet) as progress_for:
        reports = build_hold_line(options, args.slugs or None, progress_for)
    if not args.quiet:
        for r in reports:
            print(r.describe(args.out))
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    if getattr(args, "voices_action", None) == "add":
        from .engines.hibari_voices import add_voice, voices_dir

        added = add_voice(args.file)
        if not args.quiet:
            print(
                f"Installed the hibari voice '{added.name}' ({added.language}, {added.accent} "
                f"{added.gender}) in {voices_dir()}. Use it with --engine hibari --voice "
                f"{added.name}, or under 'voice:' in content/podcast.yaml."
            )
        return 0
    piper_voices: dict[str, Path] = {}
    podcast_file = args.content / "podcast.yaml"
    podcast = None
    if podcast_file.is_file():
        from .content import load_podcast

        podcast = load_podcast(podcast_file)
        piper_voices = podcast.piper_voices
    wanted = (args.language or "").replace("_", "-").split("-")[0].lower()
    for name in ENGINES:  # the default (offline) engine first
        if args.engine and name != args.engine:
            continue
        engine = get_engine(name, piper_voices)
        status = engine.status()
        voices = [] if status.startswith("not installed") else engine.voices()
        languages = sorted({v.language.replace("_", "-").split("-")[0].lower() for v in voices})
        if wanted:
            voices = [
                v for v in voices if v.language.replace("_", "-").split("-")[0].lower() == wanted
            ]
        speaks = (
            ", ".join(languages)
            if len(languages) <= 6
            else f"{len(languages)} languages ({', '.join(languages[:8])}, ...)"
        )
        print(f"{name} ({engine.version}): {status}" + (f"; speaks {speaks}" if speaks else ""))
        for voice in voices:
            print(f"  {voice.id:<20} {voice.language:<8} {voice.description}")
        addable = getattr(engine, "addable", lambda: [])() if voices or not wanted else []
        for listed in addable:
            if wanted and listed.language.split("-")[0].lower() != wanted:
                continue
            print(
                f"  {listed.name:<20} {listed.language:<8} hibari, {listed.accent} "
                f"{listed.gender} (not installed: 'imnm-audio voices add {listed.file}')"
            )
        if wanted and not voices and not status.startswith("not installed"):
            print(f"  (no voice for '{args.language}')")
    if podcast is not None and podcast.voices:
        print("Voices set per language in podcast.yaml:")
        for tag, settings in podcast.voices.items():
            print(f"  {tag:<8} {settings.engine} {settings.voice}")
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    cache = ClipCache(args.cache)
    outputs, waiting = cache.waiting_outputs()
    left = (
        f"{outputs} files ({waiting / 1e6:.1f} MB) of finished outputs a lost cluster build "
        "left in outputs/"
    )
    if args.action == "clear":
        removed = cache.clear()
        also = f", and {left}." if outputs else "."
        print(f"Removed {removed} entries from {args.cache}{also}")
    else:
        entries, size = cache.info()
        print(f"{args.cache}: {entries} entries (clips and encoded audio), {size / 1e6:.1f} MB")
        if outputs:
            print(f"  and {left} (the next build, or 'cache clear', removes them)")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from .content.settings import load_podcast
    from .publish import publish, published

    podcast = load_podcast(args.content / "podcast.yaml")
    report = publish(
        args.out,
        podcast,
        args.target,
        dry_run=args.dry_run,
        verify=not args.no_verify,
        base_url=args.base_url,
        force=args.force,
    )
    if not args.quiet or report.problems:
        print(report.describe())
    published(report)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import make_server

    server = make_server(args.out, args.bind, args.port)
    host, port = server.server_address[:2]
    print(f"Serving {args.out} at http://{host}:{port}/ (Ctrl-C to stop)")
    for review in sorted(args.out.glob("*/review.html")):
        print(f"  proof-listening review: http://{host}:{port}/{review.parent.name}/review.html")
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def cmd_studio(args: argparse.Namespace) -> int:
    from .studio import run_studio

    run_studio(args.project.resolve(), args.host, args.port, allow_remote=args.allow_remote)
    return 0


@contextmanager
def _progress(
    quiet: bool,
) -> Iterator[Callable[..., Callable[[int, int, int], None]] | None]:
    if quiet:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as bar:

        def progress_for(
            label: str, total: int, unit: str = "segments"
        ) -> Callable[[int, int, int], None]:
            def what(hits: int) -> str:
                if unit == "segments":
                    return f"segments, {hits} from cache"
                return f"passages, {hits} heard before" if unit == "passages" else unit

            task = bar.add_task(label, total=total, unit=what(0))

            def update(done: int, total: int, hits: int) -> None:
                bar.update(task, completed=done, unit=what(hits))

            return update

        yield progress_for


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": cmd_import,
    "script": cmd_script,
    "build": cmd_build,
    "voices": cmd_voices,
    "cache": cmd_cache,
    "hold": cmd_hold,
    "check": cmd_check,
    "publish": cmd_publish,
    "serve": cmd_serve,
    "lexicon": cmd_lexicon,
    "studio": cmd_studio,
}


def _files_named_like_options(argv: list[str]) -> list[str]:
    """A document whose name starts with a dash ("-leaflet.docx") is the file to import,
    not an option the parser does not know: it is passed as ./-leaflet.docx."""
    if not argv or argv[0] != "import":
        return list(argv)
    out = [argv[0]]
    for token in argv[1:]:
        if token.startswith("-") and token != "-" and "=" not in token and Path(token).is_file():
            token = os.path.join(".", token)
        out.append(token)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(_files_named_like_options(sys.argv[1:] if argv is None else argv))
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    level = logging.WARNING
    if args.quiet:
        level = logging.ERROR
    elif args.verbose:
        level = logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
    try:
        return int(COMMANDS[args.command](args))
    except ImnmError as err:
        if args.verbose >= 2:
            traceback.print_exc()
            if getattr(err, "detail", None):  # a traceback from a child process
                print(err.detail, file=sys.stderr)
        print(f"error: {err.render()}", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:  # e.g. `imnm-audio voices | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(
            "interrupted: outputs already written are complete; nothing half-written was kept.",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
