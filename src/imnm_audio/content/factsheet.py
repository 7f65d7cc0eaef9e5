"""A factsheet: content/<slug>/factsheet.md, YAML front matter then ## sections."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ContentError
from ..yamlio import Field, check_fields, line_of, parse_yaml, read_text
from .common import SLUG_RE, language_problem, positive, resource_url_problem, url_problem
from .markdown import Section, parse_sections


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class FactsheetMeta:
    title: str
    short_title: str
    organisation: str
    language: str
    source_url: str
    summary: str
    published: str  # ISO date, YYYY-MM-DD
    resources: tuple[Link, ...]
    episode: int | None = None
    author: str | None = None
    copyright: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Factsheet:
    slug: str
    path: Path
    meta: FactsheetMeta
    sections: tuple[Section, ...]
    source_hash: str


def find_factsheets(content_dir: Path, slugs: list[str] | None = None) -> list[Path]:
    """The factsheet files under content/, by slug (folder name), sorted."""
    if not content_dir.is_dir():
        raise ContentError(
            "the content folder does not exist.",
            path=content_dir,
            fix="Run the command from the project folder, or pass --content DIR.",
        )
    found = {p.parent.name: p for p in sorted(content_dir.glob("*/factsheet.md"))}
    if slugs:
        missing = [s for s in slugs if s not in found]
        if missing:
            known = ", ".join(found) or "none"
            raise ContentError(
                f"no factsheet called '{missing[0]}' (expected "
                f"{content_dir / missing[0] / 'factsheet.md'}).",
                path=content_dir,
                fix=f"Known factsheets: {known}.",
            )
        return [found[s] for s in slugs]
    if not found:
        raise ContentError(
            "there are no factsheets here.",
            path=content_dir,
            fix="Add one as <slug>/factsheet.md (see README: adding a factsheet).",
        )
    return list(found.values())


def load_factsheet(path: Path) -> Factsheet:
    slug = path.parent.name
    if not SLUG_RE.match(slug):
        raise ContentError(
            f"the folder name '{slug}' cannot be used as a factsheet slug.",
            path=path,
            fix="Use lower-case letters, digits and hyphens only (e.g. content/imnm/factsheet.md).",
        )
    text = read_text(path)
    refuse_placeholders(text, path)
    front, body, body_line = _split_front_matter(text, path)
    meta = parse_meta(front, path, "the front matter")
    sections = parse_sections(body, path, body_line)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Factsheet(slug=slug, path=path, meta=meta, sections=sections, source_hash=digest)


# Left by `imnm-audio import` where the document did not say (importer/write.py).
PLACEHOLDER = "TODO (import)"


def refuse_placeholders(text: str, path: Path) -> None:
    """A factsheet with an importer's placeholder left is not narrated: the first one is
    named by its line and field, with what it asks for."""
    field, in_front = "", False
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == "---":
            in_front = number == 1
            continue
        key = re.match(r"^(\s*)(?:-\s+)?([A-Za-z_]+):", line) if in_front else None
        if key:
            field = key.group(2) if not key.group(1) else f"{field.split(' ')[0]} {key.group(2)}"
        if PLACEHOLDER not in line or line.lstrip().startswith("#"):
            continue
        if not in_front:
            field = "section heading" if line.startswith("#") else "text"
        wanted = line.split(PLACEHOLDER, 1)[1].lstrip(": ").rstrip("'\" ")
        raise ContentError(
            f"'{field}' is still the placeholder imnm-audio import left ({wanted}).",
            path=path,
            line=number,
            fix="Write the real value there (and read the imported text through), then "
            "run the command again.",
        )


def _split_front_matter(text: str, path: Path) -> tuple[Any, str, int]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            "the factsheet does not start with YAML front matter.",
            path=path,
            line=1,
            fix="Start the file with a line '---', the metadata "
            "(title, organisation, ...), and another '---'.",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            front = parse_yaml("".join(lines[1:index]), path, line_offset=1)
            return front, "".join(lines[index + 1 :]), index + 1
    raise ContentError(
        "the front matter is not closed.",
        path=path,
        line=1,
        fix="Add a line '---' after the metadata.",
    )


def parse_meta(front: Any, path: Path, what: str) -> FactsheetMeta:
    """Episode metadata: a factsheet's front matter, or the 'episode' block of a script."""
    fields = [
        Field("title", "str", True),
        Field("short_title", "str", True),
        Field("organisation", "str", True),
        Field("language", "str", True, language_problem),
        Field("source_url", "str", True, url_problem),
        Field("summary", "str", True),
        Field("published", "any", True),
        Field("resources", "list", True),
        Field("episode", "int", False, positive),
        Field("author", "str"),
        Field("copyright", "str"),
        Field("keywords", "list"),
    ]
    top = check_fields(front, fields, path, what)
    published = top["published"]
    if isinstance(published, dt.datetime):
        published = published.date()
    if isinstance(published, str):
        try:
            published = dt.date.fromisoformat(published.strip())
        except ValueError:
            published = None
    if not isinstance(published, dt.date):
        raise ContentError(
            "'published' must be a date like 2026-11-24.",
            path=path,
            line=line_of(front, "published"),
        )
    resources = []
    for raw in top["resources"]:
        entry = check_fields(
            raw,
            [Field("title", "str", True), Field("url", "str", True, resource_url_problem)],
            path,
            "a resource",
        )
        resources.append(Link(entry["title"].strip(), entry["url"].strip()))
    keywords = top.get("keywords", [])
    if not all(isinstance(k, str) for k in keywords):
        raise ContentError(
            "'keywords' must be a list of words.", path=path, line=line_of(front, "keywords")
        )
    return FactsheetMeta(
        title=_clean(top["title"]),
        short_title=_clean(top["short_title"]),
        organisation=_clean(top["organisation"]),
        language=top["language"],
        source_url=top["source_url"].strip(),
        summary=_clean(top["summary"]),
        published=published.isoformat(),
        resources=tuple(resources),
        episode=top.get("episode"),
        author=top.get("author"),
        copyright=top.get("copyright"),
        keywords=tuple(keywords),
    )


def _clean(text: str) -> str:
    """Fold runs of white space (YAML folded text, stray newlines) into single spaces."""
    return " ".join(text.split())
