"""`imnm-audio import`: the stage before content/. A charity's PDF, Word document or
saved web page becomes content/<slug>/factsheet.md, ready for a person to read through
and for `imnm-audio script`.

    detect.py      what the file really is (by its bytes, not only its name)
    limits.py      what a file may cost; the reading runs in a child process held to it
    pdf_visible.py only what a reader sees on a PDF page (hidden text dropped, counted)
    pdf_layout.py  a PDF's words as rows: running headers and footers, columns, bullets
    pdf.py         text PDFs (pdfplumber): rows into headings, lists, lead-ins, paragraphs
    word.py        .docx: the package checked, hidden text dropped, mammoth's HTML
    web.py         saved pages: hidden elements dropped, trafilatura's main text
    web_visible.py what a page's style sheets hide (zero size, scale(0), its colour)
    word_extra.py  Word's altChunk parts and right-to-left runs
    pdf_tags.py    a tagged PDF's own roles (headings, artifacts) and its bookmarks
    pdf_reading.py reading order: boxes, panels and columns by recursive X-Y cut
    pdf_headings.py heading styles learned per document; the printed title
    walk.py        an HTML or XML tree into blocks: lists, tables as rows, footnotes
    structure.py   every format's blocks: numbered and capital headings, cover page,
                   the language, garbled text refused
    document.py    the blocks every reader hands on; safe links; visual-only phrases
    write.py       blocks and what the document says -> front matter and Markdown
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..content.common import SLUG_RE
from ..content.factsheet import PLACEHOLDER, load_factsheet
from ..errors import ContentError, UsageError
from ..fsutil import atomic_write_text
from .detect import kind_of
from .document import Document, clean_text, honest_links
from .limits import check_size, run_limited
from .structure import shape
from .write import factsheet_text

__all__ = ["OPENING", "REPORT", "Imported", "import_document", "read_document", "warnings_for"]


# A document longer than this that gives one section has lost its headings.
ONE_SECTION_WORDS = 400
REPORT = "import.json"  # beside factsheet.md: what the import found, for the studio


@dataclass(frozen=True)
class Imported:
    path: Path  # the factsheet written
    kind: str
    sections: tuple[str, ...]  # the sections' headings, as chapters
    words: int
    placeholders: tuple[str, ...]
    notes: tuple[str, ...]  # what was left out or changed, and why
    warnings: tuple[str, ...] = ()  # what a person must check (one section, the title)
    title: str = ""
    title_from: str = ""

    def report(self, source: str) -> dict[str, object]:
        return {
            "source": source,
            "kind": self.kind,
            "title": self.title,
            "title_from": self.title_from,
            "sections": list(self.sections),
            "words": self.words,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


_TITLE_FROM = {
    "metadata": "the document's properties (its metadata), not from its first page",
    "file name": "the file's name (nothing printed in the document reads as a title)",
}


def warnings_for(title: str, title_from: str, sections: int, words: int) -> list[str]:
    """What the import cannot be sure of and a person must look at (item 4 of issue 46):
    a long document that gave one section, a title that is not printed on the page."""
    out = []
    if words > ONE_SECTION_WORDS and sections <= 1:
        out.append(
            f"this document of {words} words gave one section, so a listener would get one "
            "long chapter: its headings were not recognised. Mark where each section starts "
            "with a '## ' heading line in factsheet.md (in the studio: Read or edit the text)."
        )
    if title and title_from in _TITLE_FROM:
        out.append(f"the title '{title}' came from {_TITLE_FROM[title_from]}: check it.")
    return out


def read_document(source: Path) -> Document:
    """The document read into blocks and shaped; ContentError (exit 2) when it cannot
    be. The limits that cost nothing to check are checked here, before any reading; the
    reading itself runs in a child process held to its time and memory (limits.py)."""
    if source.is_file():
        check_size(source)  # before a byte is read
    kind = kind_of(source)
    check_size(source, kind)
    if kind == "docx":
        from .word import check_package

        check_package(source)
    doc: Document = run_limited(source.resolve(), kind)
    honest_links(doc)
    if not doc.text.strip():
        raise ContentError(
            f"this {doc.kind} has no text to import.",
            path=source,
            fix="Check it is the right file.",
        )
    shape(doc, source)
    return doc


def import_document(
    source: Path, content_dir: Path, slug: str | None = None, force: bool = False
) -> Imported:
    """Read SOURCE and write content/<slug>/factsheet.md; nothing is written on error,
    and an existing factsheet only with `force`."""
    if slug is not None and not SLUG_RE.match(slug):
        raise UsageError(
            f"'{slug}' cannot be used as a slug.",
            fix="Use lower-case letters, digits and hyphens only, e.g. --slug imnm.",
        )
    doc = read_document(source)
    written = factsheet_text(doc, source.name, dt.date.today().isoformat())
    if not re.search(r"^(?!#|---)\S", written.text.split("\n---\n", 1)[1], re.M):
        raise ContentError(
            f"this {doc.kind} has a heading ('{doc.title or doc.text[:60]}') and no text under "
            "it to narrate.",
            path=source,
            fix="Check it is the right file.",
        )
    slug = slug or written.slug
    target = content_dir / slug / "factsheet.md"
    if target.exists() and not force:
        raise ContentError(
            "a factsheet is already there; importing would overwrite it.",
            path=target,
            fix=f"Pass --slug NAME to import it as another factsheet, or --force to "
            f"replace {target}.",
        )
    sections = _read_back(written.text, slug, source)
    words = len(doc.text.split())
    title = " ".join(clean_text(doc.title or "").split())  # as the front matter has it
    warnings = warnings_for(title, doc.title_from, len(sections), words)
    if warnings:
        written = factsheet_text(doc, source.name, dt.date.today().isoformat(), warnings)
    done = Imported(
        path=target,
        kind=doc.kind,
        sections=sections,
        words=words,
        placeholders=written.placeholders,
        notes=tuple(doc.notes),
        warnings=tuple(warnings),
        title=title,
        title_from=doc.title_from,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    report = json.dumps(done.report(source.name), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(target, written.text)
    atomic_write_text(target.parent / REPORT, report)
    return done


# The opening section's heading is a placeholder: the report names it so.
OPENING = "(the opening, its heading to write)"
# What a person writes over each placeholder, for reading the result back.
_FILLED = {
    "title": "Title",
    "short_title": "Title",
    "organisation": "Organisation",
    "language": "en",
    "source_url": "https://www.example.org/",
    "summary": "Summary.",
    "published": "2026-01-01",
}


def _read_back(text: str, slug: str, source: Path) -> tuple[str, ...]:
    """The factsheet must read back, once its placeholders are filled in, exactly as
    `imnm-audio script` will read it (front matter, fields, sections, lists): its
    sections' headings. If it does not, that is this importer's fault; nothing is
    written, and the message says so."""

    def filled(match: re.Match[str]) -> str:
        return f"{match.group(1)}: {_FILLED.get(match.group(1), 'Filled in')}"

    trial = re.sub(rf"^(\w+): '{re.escape(PLACEHOLDER)}[^\n]*$", filled, text, flags=re.M)
    trial = re.sub(rf"^## {re.escape(PLACEHOLDER)}[^\n]*$", f"## {OPENING}", trial, flags=re.M)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / slug / "factsheet.md"
        path.parent.mkdir()
        path.write_text(trial, encoding="utf-8")
        try:
            return tuple(section.title for section in load_factsheet(path).sections)
        except ContentError as err:
            raise ContentError(
                "imnm-audio could not write this document as a factsheet it reads back "
                f"({err.message}), so nothing was written.",
                path=source,
                fix="This is a fault in imnm-audio's importer: please report it with the "
                "document if you can. Meanwhile, copy the text into "
                "content/<slug>/factsheet.md by hand (see README: adding a factsheet).",
            ) from None
