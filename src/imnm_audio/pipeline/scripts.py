"""The scripts a build reads: fresh, stale or missing; never written over hand edits."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..content import (
    Factsheet,
    Project,
    VoiceSettings,
)
from ..content.settings import default_voice
from ..engines import Voice, get_engine, voices_speaking
from ..errors import EngineError, EngineUnavailable, ImnmError, TooShortForHold
from ..narrate import narrate, narrate_hold, narration_hash
from ..narrate.locales import locale_for
from ..script import Script, load_script, save_script
from .options import BuildOptions

log = logging.getLogger(__name__)


class StaleScript(ImnmError):
    """Raised when a script no longer matches its content and cannot be regenerated safely."""

    exit_code = 1


# ---------------------------------------------------------------- scripts


@dataclass(frozen=True)
class ScriptState:
    slug: str
    path: Path
    status: str  # "missing", "fresh", "stale"
    edited_by_hand: bool = False


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class ScriptKind:
    """A kind of script made from a factsheet: the podcast narration or the hold line."""

    name: str
    suffix: str  # file name after the slug
    command: str  # the command that regenerates it

    def path(self, scripts_dir: Path, slug: str) -> Path:
        return scripts_dir / f"{slug}{self.suffix}"

    def voice(self, project: Project, factsheet: Factsheet) -> VoiceSettings:
        """The voice for the factsheet's language (podcast.yaml 'voices:', else 'voice:');
        the hold line at its own rate."""
        voice = project.podcast.voice_for(factsheet.meta.language)
        if self is HOLD:
            return replace(voice, rate=project.podcast.hold.rate)
        return voice

    def source_hash(self, project: Project, factsheet: Factsheet) -> str:
        lexicon = project.lexicon.for_language(factsheet.meta.language)
        digest = narration_hash(factsheet, lexicon, self.voice(project, factsheet))
        if self is HOLD:
            settings = json.dumps(asdict(project.podcast.hold), sort_keys=True)
            digest = hashlib.sha256(f"hold:{digest}:{settings}".encode()).hexdigest()
        return digest

    def narrate(self, project: Project, factsheet: Factsheet) -> Script:
        source, digest = _relative(factsheet.path), self.source_hash(project, factsheet)
        lexicon = project.lexicon.for_language(factsheet.meta.language)
        if self is HOLD:
            return narrate_hold(
                factsheet,
                lexicon,
                self.voice(project, factsheet),
                project.podcast.hold.message_words,
                source,
                digest,
            )
        return narrate(factsheet, lexicon, self.voice(project, factsheet), source, digest)


EPISODE = ScriptKind("narration", ".yaml", "imnm-audio script")
HOLD = ScriptKind("hold-line", ".hold.yaml", "imnm-audio hold")


def script_source_hash(project: Project, factsheet: Factsheet) -> str:
    return EPISODE.source_hash(project, factsheet)


def script_state(
    project: Project, factsheet: Factsheet, scripts_dir: Path, kind: ScriptKind = EPISODE
) -> ScriptState:
    path = kind.path(scripts_dir, factsheet.slug)
    if not path.exists():
        return ScriptState(factsheet.slug, path, "missing")
    script = load_script(path)
    fresh = script.source_hash == kind.source_hash(project, factsheet)
    return ScriptState(factsheet.slug, path, "fresh" if fresh else "stale", script.edited_by_hand)


def write_script(
    project: Project,
    factsheet: Factsheet,
    scripts_dir: Path,
    force: bool = False,
    kind: ScriptKind = EPISODE,
) -> tuple[Script, str]:
    """Generate and save a factsheet's script; return it and what happened.

    Never overwrites a script edited by hand unless forced; forced, it replaces even a
    script it cannot read (an older format, a broken file).
    """
    script, what, path = plan_script(project, factsheet, scripts_dir, force, kind)
    if what != "up to date":
        save_script(script, path)
    return script, what


def write_scripts(
    project: Project, factsheet: Factsheet, scripts_dir: Path, force: bool = False
) -> list[tuple[ScriptKind, Script, str]]:
    """The narration and the hold-line script together (one lexicon change makes both
    stale): each kind, its script and what happened. A factsheet too short for a hold
    line gets a warning and no hold-line script."""
    written = []
    for kind in (EPISODE, HOLD):
        try:
            script, what = write_script(project, factsheet, scripts_dir, force, kind)
        except TooShortForHold as err:
            log.warning("%s: no hold-line script: %s", factsheet.slug, err.message)
            continue
        written.append((kind, script, what))
    return written


def plan_script(
    project: Project,
    factsheet: Factsheet,
    scripts_dir: Path,
    force: bool = False,
    kind: ScriptKind = EPISODE,
) -> tuple[Script, str, Path]:
    """The script write_script would save, what it would do, and where; nothing written."""
    check_language(project, factsheet, kind.voice(project, factsheet))
    path = kind.path(scripts_dir, factsheet.slug)
    if force and path.exists():
        return kind.narrate(project, factsheet), "regenerated", path
    state = script_state(project, factsheet, scripts_dir, kind)
    if state.status == "fresh" and not force:
        return load_script(state.path), "up to date", path
    if state.edited_by_hand and not force:
        raise StaleScript(
            f"this {kind.name} script was edited by hand and its content has changed since; "
            "regenerating it would lose the edits.",
            path=state.path,
            fix="Move the edits into the factsheet or content/lexicon.yaml, then run "
            f"'{kind.command} --force' to regenerate it (or keep it and re-apply them).",
        )
    script = kind.narrate(project, factsheet)
    return script, "written" if state.status == "missing" else "regenerated", path


def script_for_build(
    project: Project, factsheet: Factsheet, options: BuildOptions, kind: ScriptKind
) -> tuple[Script, Callable[[], None] | None]:
    """The script to build from (with --engine/--voice applied), and, for a script that is
    new or regenerated, how to save it: the build saves it once synthesis has worked, so
    a build that fails (an engine out of reach) writes nothing."""
    state = script_state(project, factsheet, options.scripts_dir, kind)
    save = None
    if state.status == "missing" or (state.status == "stale" and options.regenerate):
        script, what, path = plan_script(
            project, factsheet, options.scripts_dir, options.force, kind
        )

        def save() -> None:
            save_script(script, path)
            log.info("%s: %s script %s (%s)", factsheet.slug, kind.name, what, path)

    elif state.status == "stale":
        raise StaleScript(
            f"the {kind.name} script is older than its content (the factsheet, lexicon or "
            "voice settings changed).",
            path=state.path,
            fix=f"Review the change with '{kind.command}', or build with --regenerate.",
        )
    else:
        script = load_script(state.path)
    if options.engine or options.voice:
        voice = VoiceSettings(
            engine=options.engine or script.voice.engine,
            voice=options.voice
            or (
                script.voice.voice
                if not options.engine or options.engine == script.voice.engine
                else default_voice(options.engine, script.meta.language)
            ),
            rate=script.voice.rate,
        )
        script = replace(script, voice=voice)
    check_language(project, factsheet, script.voice)
    return script, save


_ADVISED: set[tuple[str, str]] = set()


def regional_voice_advice(language: str, voice: Voice, piper_voices: dict[str, Path]) -> str | None:
    """For a factsheet in one variety of a language (en-GB) read by a voice of another
    (en-US): the installed voices of that variety, or the hibari voices of it that can be
    added. None when the voice is of that variety, or no region is given."""
    want = language.replace("_", "-").lower()
    have = voice.language.replace("_", "-").lower()
    if "-" not in want or want == have:
        return None
    # Suggested: the same engine's voices of that variety, else the neural offline
    # engines' (never a robotic espeak-ng voice in place of a natural one).
    regional = [
        v
        for v in voices_speaking(language, piper_voices)
        if v.language.replace("_", "-").lower() == want
        and (v.engine == voice.engine or v.engine in ("hibari", "piper"))
    ]
    if regional:
        names = ", ".join(f"{v.engine} {v.id}" for v in regional[:4])
        return (
            f"the factsheet is in {language}, read by {voice.engine} {voice.id} "
            f"({voice.language}); "
            f"installed voices of {language}: {names} (set one under 'voice:' or 'voices:' in "
            "content/podcast.yaml)."
        )
    from ..engines.hibari import HibariEngine

    addable = [v for v in HibariEngine().addable() if v.language.lower() == want]
    if addable:
        files = " or ".join(f"{v.name} ({v.file})" for v in addable)
        return (
            f"the factsheet is in {language}, read by {voice.engine} {voice.id} "
            f"({voice.language}). "
            f"hibari has voices of {language}, not installed: {files}. Get one from the model's "
            "author (huggingface.co/maureesewilliams/hibari, folder voices/) and run "
            f"'imnm-audio voices add {addable[0].file}'."
        )
    return None


def check_language(project: Project, factsheet: Factsheet, settings: VoiceSettings) -> None:
    """A factsheet is narrated wholly in its language, by a voice that speaks it: the
    narration must have words for the language (narrate/locales/), and the voice must
    speak it; otherwise EngineError (exit 2) naming the language and the voices that do.
    A voice that cannot be looked up here (espeak-ng not installed) is left to the build."""
    language = factsheet.meta.language
    locale = locale_for(language, factsheet.path)
    try:
        engine = get_engine(settings.engine, project.podcast.piper_voices)
        voice = engine.voice(settings.voice)
    except (EngineError, EngineUnavailable):
        return
    code = language.replace("_", "-").split("-")[0].lower()
    if voice.language.replace("_", "-").split("-")[0].lower() == code:
        advice = regional_voice_advice(language, voice, project.podcast.piper_voices)
        if advice and (factsheet.slug, voice.id) not in _ADVISED:
            _ADVISED.add((factsheet.slug, voice.id))
            log.warning("%s: %s", factsheet.slug, advice)
        return
    speakers = voices_speaking(language, project.podcast.piper_voices)
    offline = [v for v in speakers if v.engine != "gtts"]
    online = [v for v in speakers if v.engine == "gtts"]
    listed = (
        "; ".join(
            part
            for part in (
                ", ".join(f"{v.engine} {v.id}" for v in offline[:6]) + " (offline)"
                if offline
                else "",
                f"gtts {online[0].id} (online, Google)" if online else "",
            )
            if part
        )
        or "none installed here (espeak-ng speaks it once installed: apt-get install espeak-ng)"
    )
    example = offline[0] if offline else (online[0] if online else None)
    suggestion = (
        f"'{code}: {{engine: {example.engine}, voice: {example.id}}}'"
        if example
        else f"'{code}: {{engine: espeak, voice: {code}}}'"
    )
    raise EngineError(
        f"the factsheet is in {locale.name} ({language}), but its voice, {settings.engine} "
        f"{voice.id}, speaks {voice.language}. Voices that speak {locale.name}: {listed}.",
        path=factsheet.path,
        fix=f"Give {locale.name} factsheets a voice under 'voices:' in "
        f"{project.podcast.path} (for example {suggestion}), or build with --engine and "
        "--voice.",
    )
