"""What the studio shows of a factsheet: its state, its details as a form, and the
writing of those details back (the body kept byte for byte). Every rule is the command
line's own: the state comes from the same loaders, a saved form is validated by the
same `parse_meta` before anything is written."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..content import Project, load_project
from ..content.common import SLUG_RE, language_problem, resource_url_problem, url_problem
from ..content.factsheet import PLACEHOLDER, find_factsheets, parse_meta
from ..content.markdown import parse_sections
from ..errors import ImnmError
from ..fsutil import atomic_write_text
from ..pipeline import EPISODE, script_state
from ..yamlio import parse_yaml, read_text

SLUG = SLUG_RE


@dataclass(frozen=True)
class Paths:
    """The project's folders, as the command line's defaults name them."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def scripts(self) -> Path:
        return self.root / "scripts"

    @property
    def audio(self) -> Path:
        return self.root / "audio"

    def factsheet(self, slug: str) -> Path:
        """The factsheet file of a slug; anything that is not a plain slug is refused, so
        no path outside the project can be reached."""
        if not SLUG.match(slug):
            raise LookupError(slug)
        path = self.content / slug / "factsheet.md"
        if not path.is_file():
            raise LookupError(slug)
        return path


@dataclass
class SheetState:
    slug: str
    title: str
    problem: str = ""  # the first thing stopping a script (placeholders left, bad YAML...)
    placeholders: int = 0
    words_to_review: int = 0
    script: str = "missing"  # missing, fresh, stale
    built: bool = False
    checked: bool = False
    passed: bool | None = None
    steps: list[str] = field(default_factory=list)
    voice: str = ""  # the voice that will read it: "hibari heart (en-US)"
    voice_advice: str = ""  # a voice of another variety of its language, and the choices

    @property
    def summary(self) -> str:
        if self.placeholders:
            n = self.placeholders
            return f"{n} detail{'s' if n != 1 else ''} to fill in"
        if self.problem:
            return "needs a fix: " + self.problem
        if self.script != "fresh":
            return "script to make" if self.script == "missing" else "script out of date"
        if not self.built:
            return "ready to build"
        if not self.checked:
            return "built, not checked"
        return "checked: passed" if self.passed else "checked: did not pass"


def sheet_states(paths: Paths) -> list[SheetState]:
    states = []
    try:
        files = find_factsheets(paths.content)
    except ImnmError:
        return []
    for path in files:
        states.append(sheet_state(paths, path.parent.name))
    return states


def sheet_state(paths: Paths, slug: str) -> SheetState:
    path = paths.factsheet(slug)
    text = read_text(path)
    state = SheetState(slug=slug, title=_title(text) or slug)
    state.placeholders = sum(PLACEHOLDER in line for line in text.splitlines())
    try:
        project = load_project(paths.content, [slug])
        factsheet = project.factsheets[0]
        state.title = factsheet.meta.title
        state.voice, state.voice_advice = _voice_of(project, factsheet.meta.language)
        current = script_state(project, factsheet, paths.scripts, EPISODE)
        state.script = current.status
        if current.status != "missing":
            from ..script import load_script

            state.words_to_review = len(load_script(current.path).review)
    except ImnmError as err:
        state.problem = err.render()
        return state
    out = paths.audio / slug
    state.built = (out / f"{slug}.mp3").is_file()
    report = out / f"{slug}.check.json"
    if report.is_file():
        state.checked = True
        try:
            state.passed = bool(json.loads(report.read_text(encoding="utf-8"))["passed"])
        except (ValueError, KeyError, OSError):
            state.passed = None
    return state


def _voice_of(project: Project, language: str) -> tuple[str, str]:
    """The voice that will read a factsheet in `language`, and the build's advice when it
    speaks another variety of it (an en-GB sheet read by an American voice)."""
    from ..engines import get_engine
    from ..errors import EngineError, EngineUnavailable
    from ..pipeline.scripts import regional_voice_advice

    settings = project.podcast.voice_for(language)
    try:
        voice = get_engine(settings.engine, project.podcast.piper_voices).voice(settings.voice)
    except (EngineError, EngineUnavailable) as err:
        return f"{settings.engine} {settings.voice}", err.message
    advice = regional_voice_advice(language, voice, project.podcast.piper_voices) or ""
    return f"{voice.engine} {voice.id} ({voice.language})", advice


def _title(text: str) -> str:
    match = re.search(r"^title:\s*(.+)$", text, re.M)
    return match.group(1).strip("'\" ") if match else ""


# ------------------------------------------------------------- the details form


@dataclass(frozen=True)
class Detail:
    name: str
    label: str
    rule: str
    long: bool = False


DETAILS = (
    Detail("title", "Title", "The factsheet's full title, as the charity prints it."),
    Detail("short_title", "Short title", "A few words: the chapter list and the hold line use it."),
    Detail("organisation", "Organisation", "Who wrote the factsheet; the introduction names it."),
    Detail(
        "language",
        "Language",
        "A language tag such as en-GB or es-ES; it chooses the narration's rules and voice.",
    ),
    Detail("published", "Date published", "The factsheet's date, like 2026-11-24."),
    Detail(
        "source_url",
        "Address of the original",
        "Where the factsheet is published (https://...); the closing reads it out.",
    ),
    Detail("summary", "Summary", "One or two sentences for podcast apps and the page.", True),
)


def split_front(text: str) -> tuple[str, str]:
    """The front matter's YAML and everything after its closing '---' line, untouched."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ValueError("no front matter")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index:])
    raise ValueError("front matter not closed")


def details_of(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's values, and the importer's hint for each field still a placeholder."""
    front_text, _ = split_front(read_text(path))
    front = parse_yaml(front_text, path, line_offset=1) or {}
    values: dict[str, Any] = {}
    hints: dict[str, str] = {}
    for detail in DETAILS:
        value = front.get(detail.name, "")
        text = "" if value is None else str(value)
        if PLACEHOLDER in text:
            hints[detail.name] = text.split(PLACEHOLDER, 1)[1].lstrip(": ").strip()
            text = ""
        values[detail.name] = text
    values["resources"] = front.get("resources") or []
    return values, hints


def save_details(path: Path, form: dict[str, str]) -> dict[str, str]:
    """Write the form into the factsheet's front matter, keeping every other key and the
    body byte for byte. Returns the errors by field (nothing is written if any)."""
    text = read_text(path)
    front_text, rest = split_front(text)
    front = _plain(parse_yaml(front_text, path, line_offset=1) or {})
    for detail in DETAILS:
        value = " ".join(form.get(detail.name, "").split())
        if value:
            front[detail.name] = value
        else:
            front.pop(detail.name, None)
    resources = front.get("resources")
    if isinstance(resources, list):
        kept = []
        for i, entry in enumerate(resources):
            title = " ".join(form.get(f"resource-{i}-title", "").split())
            url = form.get(f"resource-{i}-url", "").strip()
            if f"resource-{i}-title" in form or f"resource-{i}-url" in form:
                if title or url:
                    kept.append({"title": title, "url": url})
            else:
                kept.append(entry)
        front["resources"] = kept
    new_title = " ".join(form.get("new-resource-title", "").split())
    new_url = form.get("new-resource-url", "").strip()
    if new_title or new_url:
        front.setdefault("resources", [])
        front["resources"] = [*front["resources"], {"title": new_title, "url": new_url}]
    yaml_text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=88)
    errors = _field_errors(front, yaml_text, path)
    if errors:
        return errors
    atomic_write_text(path, "---\n" + yaml_text + rest)
    _title_checked(path)
    return {}


def _title_checked(path: Path) -> None:
    """The details saved by a person, who had the title before them: the import's doubt
    about where the title came from is answered (its report says so)."""
    from ..importer import REPORT

    report = path.parent / REPORT
    try:
        imported = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(imported, dict) and imported.get("title_from") != "person":
        imported["title_from"] = "person"
        atomic_write_text(report, json.dumps(imported, ensure_ascii=False, indent=2) + "\n")


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the loader's line-numbered mappings cannot be dumped)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _field_errors(front: dict[str, Any], yaml_text: str, path: Path) -> dict[str, str]:
    """Every problem of the form at once, each in plain words on its field (no file, line
    or YAML words: the person sees a form); then the command line's own validation
    (`parse_meta`) for anything the plain rules do not cover, so the studio never saves
    what `imnm-audio script` refuses."""
    errors: dict[str, str] = {}
    for detail in DETAILS:
        value = front.get(detail.name)
        text = value.strip() if isinstance(value, str) else ""
        if isinstance(value, str) and PLACEHOLDER in value:
            errors[detail.name] = "This is still the importer's placeholder: write the real one."
        elif not text and not isinstance(value, dt.date):
            errors[detail.name] = f"Fill this in: {detail.rule[0].lower()}{detail.rule[1:]}"
        elif detail.name == "language" and language_problem(text):
            errors[detail.name] = (
                f"'{text}' is not a language tag. Write one like en-GB, en-US or es."
            )
        elif detail.name == "source_url" and url_problem(text):
            errors[detail.name] = (
                f"'{text}' is not a web address. Write the whole address, starting https://."
            )
        elif detail.name == "published" and not isinstance(value, dt.date):
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                errors[detail.name] = (
                    f"'{text}' is not a date the studio can read. Write it like 2026-11-24 "
                    "(year, month, day)."
                )
    problems = []
    for n, entry in enumerate(front.get("resources") or [], 1):
        title = str(entry.get("title") or "").strip() if isinstance(entry, dict) else ""
        url = str(entry.get("url") or "").strip() if isinstance(entry, dict) else ""
        if not title:
            problems.append(f"resource {n} has no title: write what the link is")
        if resource_url_problem(url):
            problems.append(
                f"resource {n}'s address '{url}' is not a web address (https://...) or a "
                "phone number (tel:+44...)"
            )
    if problems:
        errors["resources"] = "Check the resources: " + "; ".join(problems) + "."
    if errors:
        return errors
    try:
        parse_meta(parse_yaml(yaml_text, path, line_offset=1), path, "the front matter")
    except ImnmError as err:
        message = err.message + (f" {err.fix}" if err.fix else "")
        for detail in DETAILS:
            if f"'{detail.name}'" in message:
                return {detail.name: message.replace(f"'{detail.name}'", detail.label)}
        return {"": message}
    return {}


# ------------------------------------------------------------- the text


@dataclass(frozen=True)
class Findings:
    """What the import found, as the factsheet stands now: its sections (the chapters a
    listener moves by) and what a person must check (one long section; a title taken
    from the document's properties or its file name and not changed since)."""

    sections: list[str]
    warnings: list[str]


def findings_of(path: Path) -> Findings:
    from ..importer import OPENING, REPORT, warnings_for

    text = read_text(path)
    front_text, rest = split_front(text)
    body = rest.split("\n", 1)[1] if "\n" in rest else ""
    try:
        sections = [s.title for s in parse_sections(body, path, front_text.count("\n") + 3)]
    except ImnmError:
        sections = [line[3:].strip() for line in body.splitlines() if line.startswith("## ")]
    sections = [OPENING if PLACEHOLDER in title else title for title in sections]
    try:
        front = yaml.safe_load(front_text)
        title = str(front.get("title") or "") if isinstance(front, dict) else ""
    except yaml.YAMLError:
        title = ""
    title_from = "page"
    report = path.parent / REPORT
    if report.is_file():
        try:
            imported = json.loads(report.read_text(encoding="utf-8"))
            if imported.get("title") == title:  # a person has not changed it since
                title_from = str(imported.get("title_from", "page"))
        except (ValueError, OSError, AttributeError):
            pass
    words = sum(len(line.split()) for line in body.splitlines() if not line.startswith("#"))
    return Findings(sections, warnings_for(title, title_from, len(sections), words))


def text_of(path: Path) -> str:
    """The factsheet's body: everything after the front matter."""
    _, rest = split_front(read_text(path))
    return rest.split("\n", 1)[1] if "\n" in rest else ""


def save_text(path: Path, body: str) -> str:
    """Replace the factsheet's body, keeping its front matter byte for byte. The body is
    read as `script` reads it first; returns the problem (nothing written) or ''."""
    front, rest = split_front(read_text(path))
    body = body.replace("\r\n", "\n")
    if body and not body.endswith("\n"):
        body += "\n"
    head = rest.split("\n", 1)[0] + "\n"  # the closing '---' line
    first_line = front.count("\n") + 3
    try:
        parse_sections(body, path, first_line)
    except ImnmError as err:
        return err.render()
    atomic_write_text(path, "---\n" + front + head + body)
    return ""


def new_factsheet(paths: Paths, slug: str, title: str, language: str) -> str:
    """Start a factsheet to write in the studio: its details are then filled in the form.
    Returns the problem ('' when written)."""
    slug, title = slug.strip(), " ".join(title.split())
    if not SLUG.match(slug):
        return (
            "A factsheet's short name is lower-case letters, digits and hyphens, like "
            "'polymyositis' or 'ibm-diet'."
        )
    if (paths.content / slug).exists():
        return f"There is already a factsheet called '{slug}': choose another short name."
    if not title:
        return "Write the factsheet's title."
    front = yaml.safe_dump(
        {"title": title, "short_title": title, "language": language or "en-GB"},
        sort_keys=False,
        allow_unicode=True,
    )
    text = f"---\n{front}---\n\n# {title}\n\n## What is it?\n\nWrite the answer here.\n"
    (paths.content / slug).mkdir(parents=True)
    atomic_write_text(paths.content / slug / "factsheet.md", text)
    return ""
