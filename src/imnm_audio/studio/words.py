"""The studio's words, lexicon, check results and publishing summary: read from the
same files and by the same functions as the command line (`lexicon suggest`, `lexicon
try`, the check's report, the build's stamps)."""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..cache import DEFAULT_CACHE_DIR, ClipCache
from ..content import Factsheet, find_factsheets, load_project
from ..content.lexicon import Term, load_lexicon
from ..content.lexicon_edit import set_entry
from ..content.settings import load_podcast
from ..errors import ContentError, ImnmError
from ..pipeline import EPISODE
from ..pipeline.synthesis import engine_for_script
from ..trying import Tried, speak_once, try_text
from ..vocabulary import TODO, draft_entry
from ..yamlio import read_text
from .jobs import Jobs
from .sheets import Paths, SheetState, sheet_states

RESERVED = re.compile(r"(^|\.)example\.(org|com|net)$|^localhost$")


class Busy(Exception):
    """Speech is being made for a build or check: try again when it has finished."""


class Speech:
    """Speaking single sentences for the words page: one at a time, never beside a
    build or check (they share the voice)."""

    def __init__(self, root: Path, jobs: Jobs) -> None:
        self.root = root
        self.jobs = jobs
        self.lock = threading.Lock()

    def _voice(self, slug: str):  # type: ignore[no-untyped-def]
        project = load_project(self.root / "content", [slug])
        factsheet = project.factsheets[0]
        settings = EPISODE.voice(project, factsheet)
        engine = engine_for_script(settings.engine, project.podcast)
        return project, engine, engine.voice(settings.voice)

    def _free(self) -> None:
        job = self.jobs.current
        if job is not None and job.state == "running":
            raise Busy(
                f"The studio is making the {job.kind} of '{job.slug}' now; listening can "
                "start when it has finished."
            )

    def hear(self, slug: str, text: str) -> bytes:
        self._free()
        with self.lock:
            project, engine, voice = self._voice(slug)
            cache = ClipCache(self.root / DEFAULT_CACHE_DIR)
            return speak_once(project, engine, voice, text, cache)

    def try_respelling(self, slug: str, term: str, say: str, text: str) -> TriedView:
        """Speak the sentence three times with `term` said as `say` (not yet saved), and
        say what the recogniser heard in each take."""
        term, say = term.strip(), " ".join(say.split())
        if not term or not say or TODO in say:
            raise ContentError(
                f"there is no respelling to try for '{term}'.",
                fix="Write how the word sounds in the box (syllables, the stressed one in "
                "capitals: rih-TUK-sih-mab), then press Try.",
            )
        self._free()
        with self.lock:
            project, engine, voice = self._voice(slug)
            trial = Term(term=term, say=say, match_case=term != term.lower())
            kept = tuple(t for t in project.lexicon.terms if not _same_term(t, trial))
            lexicon = replace(project.lexicon, terms=(*kept, trial))
            tried = try_text(replace(project, lexicon=lexicon), engine, voice, text or term)
        return TriedView.of(tried)

    def try_entry(self, term: str, say: str, language: str) -> tuple[TriedView, str]:
        """A lexicon entry tried before it is saved, by the voice of a factsheet in its
        language, in a sentence of that factsheet's text that holds it (else a sentence
        of its own); returns what was heard and the sentence."""
        term = term.strip()
        if not term:
            raise ContentError(
                "there is no word to try.",
                fix="Write the word as the factsheets print it, and how it sounds, then "
                "press Hear it first.",
            )
        ours = [
            f
            for f in _readable_factsheets(self.root / "content")
            if f.meta.language.split("-")[0].lower() == language.split("-")[0].lower()
        ]
        if not ours:
            raise ContentError(
                f"no factsheet of this project is in the entry's language ({language}), so "
                "there is no voice to say it.",
                fix="Add a factsheet in that language first, or try the word from a "
                "factsheet's words page.",
            )
        found = [(f, _sentence(line, term)) for f in ours for line in _lines_with(f.path, term)]
        factsheet, text = found[0] if found else (ours[0], f"Your doctor may talk about {term}.")
        return self.try_respelling(factsheet.slug, term, say, text), text


def _readable_factsheets(content: Path) -> list[Factsheet]:
    """Every factsheet that loads (one left unfinished by an import is passed over)."""
    found: list[Factsheet] = []
    try:
        paths = find_factsheets(content)
    except ImnmError:
        return found  # none yet
    for path in paths:
        try:
            found += load_project(content, [path.parent.name]).factsheets
        except ImnmError:
            continue
    return found


def _lines_with(path: Path, term: str) -> list[str]:
    """The lines of a factsheet's text that hold `term` as a word."""
    pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
    return [line for line in read_text(path).splitlines() if pattern.search(line)]


def _same_term(a: Term, b: Term) -> bool:
    key = a.term if a.match_case else a.term.lower()
    return a.language == b.language and key == (b.term if b.match_case else b.term.lower())


@dataclass
class TriedView:
    given: str
    takes: list[dict[str, Any]]
    verdicts: list[dict[str, Any]]

    @classmethod
    def of(cls, tried: Tried) -> TriedView:
        takes = [
            {
                "audio": "data:audio/wav;base64," + base64.b64encode(t.wav).decode("ascii"),
                "heard": t.heard or "(nothing)",
                "marks": t.marks,
            }
            for t in tried.takes
        ]
        verdicts = [
            {"term": term, "heard": tried.heard_in(term), "of": len(tried.takes), "ok": ok}
            for term, ok in tried.verdicts().items()
        ]
        return cls(tried.given, takes, verdicts)


# ------------------------------------------------------------------ words


def words_to_review(paths: Paths, slug: str) -> list[dict[str, Any]]:
    """The script's words to review, each with its line, its sentence and a draft."""
    from ..script import load_script

    script_path = EPISODE.path(paths.scripts, slug)
    if not script_path.is_file():
        return []
    lines = read_text(paths.factsheet(slug)).splitlines()
    out = []
    for word in load_script(script_path).review:
        line = lines[word.line - 1] if word.line and word.line <= len(lines) else ""
        term, say, comment = draft_entry(word)
        out.append(
            {
                "word": word.word,
                "why": word.why,
                "line": word.line,
                "count": word.count,
                "sentence": _sentence(line, word.word) or word.word,
                "term": term,
                "say": "" if say == TODO else say,
                "comment": comment,
                "id": re.sub(r"[^a-z0-9]+", "-", word.word.lower()).strip("-") or "word",
            }
        )
    return out


def _sentence(line: str, word: str) -> str:
    """The sentence of a factsheet line that holds `word`, without Markdown marks."""
    text = re.sub(r"^\s*(#+|[-*+]|\d+[.)])\s+", "", line)
    text = re.sub(r"^(\s*-\s*)?[a-z_]+:\s+", "", text).strip("'\"")  # a front-matter line
    text = re.sub(r"\*\*|__|\*|`", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip()
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if word in sentence:
            return sentence
    return text


def save_to_lexicon(paths: Paths, form: dict[str, str]) -> str:
    term = form.get("term", "").strip()
    say = " ".join(form.get("say", "").split())
    if not term or not say:
        raise ContentError(
            "an entry needs the word and how it is said.",
            path=paths.content / "lexicon.yaml",
            fix="Write how the word sounds in the box, then save it.",
        )
    note = " ".join(form.get("note", "").split()) or None
    set_entry(paths.content / "lexicon.yaml", term, say, note, form.get("language") or "en")
    return term


def lexicon_entries(paths: Paths, query: str = "") -> list[dict[str, Any]]:
    lexicon = load_lexicon(paths.content / "lexicon.yaml")
    wanted = query.lower()
    out = []
    for t in lexicon.terms:
        if wanted and not any(wanted in (v or "").lower() for v in (t.term, t.say, t.note)):
            continue
        out.append(
            {
                "term": t.term,
                "say": t.say,
                "note": t.note or "",
                "engines": [name for name, _ in t.engines],
                "language": t.language,
                "id": re.sub(r"[^a-z0-9]+", "-", f"{t.language}-{t.term}".lower()).strip("-"),
            }
        )
    return out


# ------------------------------------------------------------------ check, publish


# What each of the check's findings means to someone who is not an audio engineer.
PLAIN_FINDINGS = {
    "word error rate": "The words were heard as the script says them",
    "key-term recall": "The medical terms and names were heard",
    "no term spoken wrong": "No word was said wrongly",
    "terms not confirmed by the recogniser": "Words the listening machine could not confirm",
    "not judged": "Parts the check could not judge",
    "loudness": "As loud as other podcasts, and even",
    "true peak": "No distortion at the loudest moments",
    "no clipping": "No crackle from sound cut off at the top",
    "no long silence": "No long silence",
    "duration": "The length matches the chapters",
    "chapter table of contents": "Podcast apps can list the chapters",
    "chapters match the script": "The chapters are the factsheet's sections",
    "chapters start on the first word": "Each chapter starts on its first word",
    "a file per chapter": "A file for each chapter",
    "tags complete": "Title, charity, links and transcript written into the file",
    "JSON chapters agree": "The chapter list for the web agrees",
    "hold-line files": "The phone hold-line files are there",
    "hold-line format": "The hold-line files are in the formats phone systems play",
    "hold-line level": "The hold line is at the level phone systems expect",
    "hold-line band": "The hold line fits a telephone's sound",
}


def check_results(paths: Paths, slug: str) -> dict[str, Any] | None:
    """The check's report for the studio: what did not pass first, each in plain words;
    what passed after, its technical figures kept for a disclosure."""
    report = paths.audio / slug / f"{slug}.check.json"
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    findings = [
        {**f, "plain": PLAIN_FINDINGS.get(f.get("name", ""), str(f.get("name", "")).capitalize())}
        for f in data.get("findings", [])
    ]
    return {
        "passed": data.get("passed"),
        "wer": data.get("wer", 0.0),
        "heard": data.get("key_terms_heard", 0),
        "total": data.get("key_terms_total", 0),
        "failed": [f for f in findings if not f.get("passed")],
        "passes": [f for f in findings if f.get("passed")],
        "findings": findings,
        "suspects": data.get("suspects", []),
        "unconfirmed": data.get("unconfirmed", []),
    }


def publish_summary(paths: Paths) -> dict[str, Any]:
    """What the feed will show, and the to-do list before it can be published: each
    item in plain words with the page where it is done."""
    # The show's settings alone: a factsheet left unfinished by an import is an item
    # of the list below, not an error in place of the page.
    podcast = load_podcast(paths.content / "podcast.yaml")
    todo: list[dict[str, str]] = []
    if RESERVED.search(urlparse(podcast.base_url).hostname or ""):
        todo.append(
            {
                "text": f"Where the audio will be published ({podcast.base_url}) is an "
                "example address: write where the audio folder will be on the charity's "
                "website.",
                "href": "/settings#base_url",
            }
        )
    if RESERVED.search(podcast.owner_email.rsplit("@", 1)[-1]):
        todo.append(
            {
                "text": f"The owner's email ({podcast.owner_email}) is an example address: "
                "podcast directories write to it, so use the charity's own.",
                "href": "/settings#owner.email",
            }
        )
    if not podcast.publish.target:
        todo.append(
            {
                "text": "Where Publish sends the audio is not set yet (a bucket, or a folder "
                "the charity's web server serves).",
                "href": "/settings#publish.target",
            }
        )
    states = sheet_states(paths)
    for s in states:
        item = _still_to_do(s)
        if item:
            todo.append({"text": f"{s.title}: {item}", "href": f"/sheet/{s.slug}"})
    built = [s for s in states if s.built]
    if not built:
        todo.append({"text": "No episode is built yet: build at least one factsheet.", "href": "/"})
    files = []
    if paths.audio.is_dir():
        for entry in sorted(paths.audio.iterdir()):
            if entry.name.startswith("."):
                continue
            files.append(entry.name + ("/" if entry.is_dir() else ""))
    return {
        "podcast": podcast,
        "built": built,
        "todo": todo,
        "files": files,
        "feed": (paths.audio / "feed.xml").is_file(),
    }


def _still_to_do(state: SheetState) -> str:
    """What a factsheet still needs before its episode can be published, or ''."""
    if state.placeholders or state.problem:
        return "its details need filling in or fixing."
    if state.script == "missing":
        return "its script is not made yet."
    if state.script == "stale":
        return "its script is out of date (the text or the lexicon changed): rebuild and check it."
    if not state.built:
        return "not built yet, so not in the feed."
    if not state.checked:
        return "built, not checked yet."
    if state.passed is False:
        return "the check did not pass: see what it heard."
    return ""
