"""`imnm-audio lexicon`: draft entries for the words to review, and try how words sound."""

from __future__ import annotations

import argparse

from .build import EPISODE
from .build.synthesis import engine_for_script
from .cache import encode_wav
from .content import Project, load_project
from .errors import UsageError
from .narrate.rules import Context, speak
from .pronounce import heard_as, render
from .vocabulary import ReviewWord, dictionary_respelling

TODO = "TODO"


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
    term = word.word
    if term[:1].isupper() and term[1:].islower():
        term = term.lower()  # a capital at the start of a sentence: match any case
    if term.isupper():
        say, comment = " ".join(term), "spelled as letters; write it as a word if it is said as one"
    elif any(c.isdigit() for c in term):
        say, comment = TODO, "write how it is said, e.g. 'joe one' for Jo-1"
    else:
        drafted = dictionary_respelling(term)
        say, comment = (
            (drafted, "drafted from the CMU Pronouncing Dictionary: check it")
            if drafted
            else (TODO, "write it as syllables, the stressed one in capitals: rih-TUK-sih-mab")
        )
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
    from .check.terms import count, key_terms
    from .ffmpeg import decode_pcm
    from .listen import RATE, check_model_folder, compare, transcribe

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
        spoken = speak(text, Context(project.lexicon, project.podcast.language))
        given = render(spoken, project.lexicon, engine.name)
        terms = list(
            dict.fromkeys(key_terms(text, project.lexicon, spoken, project.podcast.language))
        )
        glossary = [t for t in terms if " " not in t]
        print(f'"{text}"\n  {engine.name} is given: {given}')
        heard_count = dict.fromkeys(terms, 0)
        for take in range(1, args.times + 1):
            if hasattr(engine, "seed"):  # hibari: take 1 is what a build makes, then others
                engine.seed = take - 1
            wav = encode_wav(engine.synthesize(given, voice, project.podcast.voice.rate))
            if args.save:
                (args.save / f"{number}-{take}.wav").write_bytes(wav)
            samples = decode_pcm(wav, RATE)
            heard = " ".join(w.text for w in transcribe(samples, glossary, model=args.model))
            _, hyp = compare(heard_as(spoken, project.lexicon), heard)
            marks = []
            for t in terms:
                ok = count(t, hyp) > 0
                heard_count[t] += ok
                marks.append(f"{t} {'heard' if ok else 'MISSED'}")
            print(
                f'  take {take}: heard "{heard.strip()}"'
                + (f"  [{', '.join(marks)}]" if marks else "")
            )
        for t, n in heard_count.items():
            verdict = "ok" if n * 2 > args.times else "SUSPECT"
            failed |= verdict != "ok"
            print(f"  {verdict}: {t} heard in {n} of {args.times} takes")
    return 1 if failed else 0


def _default_voice(project: Project, engine: str) -> str:
    if engine == project.podcast.voice.engine:
        return project.podcast.voice.voice
    raise UsageError(
        f"--engine {engine} needs --voice: podcast.yaml names a {project.podcast.voice.engine} "
        "voice.",
        fix="Pick one from 'imnm-audio voices'.",
    )
