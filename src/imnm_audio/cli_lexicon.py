"""`imnm-audio lexicon`: draft entries for the words to review, and try how words sound."""

from __future__ import annotations

import argparse

from .content import Project, load_project
from .errors import UsageError
from .pipeline import EPISODE
from .pipeline.synthesis import engine_for_script
from .vocabulary import ReviewWord, draft_entry


def cmd_lexicon(args: argparse.Namespace) -> int:
    if args.action == "suggest":
        return _suggest(args)
    return _try(args)


# ---------------------------------------------------------------- suggest


def _suggest(args: argparse.Namespace) -> int:
    """Print a lexicon entry, ready to paste, for every word to review."""
    project = load_project(args.content, args.slugs or None)
    for factsheet in project.factsheets:
        words = EPISODE.narrate(project, factsheet).review
        print(f"# {factsheet.slug} ({factsheet.path}): {len(words)} words to review.")
        if not words:
            continue
        print(
            "# Paste the entries you need under 'terms:' in "
            f"{project.lexicon.path}; write how each\n"
            "# sounds in 'say:' (a TODO is refused), listen with 'imnm-audio lexicon try "
            "WORD',\n# and say in 'note:' what you heard."
        )
        for word in words:
            print(suggest_entry(word, factsheet.slug))
    return 0


def suggest_entry(word: ReviewWord, slug: str) -> str:
    """One lexicon entry as YAML text, with a drafted `say:` where one can be drafted."""
    term, say, comment = draft_entry(word)
    where = f"{slug}, line {word.line}" if word.line else slug
    return (
        f"  - term: {_yaml_text(term)}\n"
        f"    say: {_yaml_text(say)}  # {comment}\n"
        f"    note: >-\n"
        f"      From {where} ({word.why}). Heard: (listen with 'imnm-audio lexicon try "
        f"{term}' and write what you heard)."
    )


def _yaml_text(text: str) -> str:
    return text if text.replace("-", "").replace(" ", "").isalnum() else f'"{text}"'


# ---------------------------------------------------------------- try


def _try(args: argparse.Namespace) -> int:
    """Speak each text several times and print what the recogniser heard: a word the
    lexicon or the factsheet spells right should be heard in most takes."""
    from .listen import check_model_folder
    from .trying import try_text

    if not args.texts:
        raise UsageError(
            "'lexicon try' needs a word or sentence to speak.",
            fix="For example: imnm-audio lexicon try azathioprine "
            "'Azathioprine calms the immune system.'",
        )
    project = load_project(args.content, None)
    if args.model is not None:
        check_model_folder(args.model)
    engine = engine_for_script(args.engine or project.podcast.voice.engine, project.podcast)
    voice = engine.voice(args.voice or _default_voice(project, engine.name))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    failed = False
    for number, text in enumerate(args.texts, 1):
        tried = try_text(project, engine, voice, text, args.times, args.model)
        print(f'"{text}"\n  {engine.name} is given: {tried.given}')
        for take, said in enumerate(tried.takes, 1):
            if args.save:
                (args.save / f"{number}-{take}.wav").write_bytes(said.wav)
            marks = [f"{t} {'heard' if ok else 'MISSED'}" for t, ok in said.marks.items()]
            print(
                f'  take {take}: heard "{said.heard}"'
                + (f"  [{', '.join(marks)}]" if marks else "")
            )
        for term, ok in tried.verdicts().items():
            failed |= not ok
            print(
                f"  {'ok' if ok else 'SUSPECT'}: {term} heard in {tried.heard_in(term)} of "
                f"{args.times} takes"
            )
    return 1 if failed else 0


def _default_voice(project: Project, engine: str) -> str:
    if engine == project.podcast.voice.engine:
        return project.podcast.voice.voice
    raise UsageError(
        f"--engine {engine} needs --voice: podcast.yaml names a {project.podcast.voice.engine} "
        "voice.",
        fix="Pick one from 'imnm-audio voices'.",
    )
