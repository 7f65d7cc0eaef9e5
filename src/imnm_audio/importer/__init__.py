"""`imnm-audio import`: the stage before content/. A charity's PDF, Word document or
saved web page becomes content/<slug>/factsheet.md, ready for a person to read through
and for `imnm-audio script`.

    detect.py    what the file really is (by its bytes, not only its name)
    pdf_layout.py  a PDF's words as rows: running headers and footers, columns, bullets
    pdf.py       text PDFs (pdfplumber): rows into headings, lists, lead-ins, paragraphs
    word.py      .docx (mammoth, to HTML) and saved pages (trafilatura), to blocks
    document.py  the blocks every reader hands on; visual-only phrases marked
    write.py     blocks and what the document says -> front matter and Markdown
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..content.common import SLUG_RE
from ..content.markdown import parse_sections
from ..errors import ContentError, UsageError
from ..fsutil import atomic_write_text
from .detect import kind_of
from .document import Document
from .write import factsheet_text

__all__ = ["Imported", "import_document", "read_document"]


@dataclass(frozen=True)
class Imported:
    path: Path  # the factsheet written
    kind: str
    sections: int
    words: int
    placeholders: tuple[str, ...]
    notes: tuple[str, ...]


def read_document(source: Path) -> Document:
    """The document read into blocks; ContentError (exit 2) when it cannot be."""
    kind = kind_of(source)
    if kind == "pdf":
        from .pdf import read_pdf

        doc = read_pdf(source)
    elif kind == "docx":
        from .word import read_docx

        doc = read_docx(source)
    else:
        from .word import read_html

        doc = read_html(source)
    if not doc.text.strip():
        raise ContentError(
            f"this {doc.kind} has no text to import.",
            path=source,
            fix="Check it is the right file.",
        )
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
    slug = slug or written.slug
    target = content_dir / slug / "factsheet.md"
    if target.exists() and not force:
        raise ContentError(
            "a factsheet is already there; importing would overwrite it.",
            path=target,
            fix=f"Pass --slug NAME to import it as another factsheet, or --force to "
            f"replace {target}.",
        )
    # The text must read back as a factsheet (placeholders aside) before it is written.
    front, body = written.text.split("\n---\n", 1)
    sections = parse_sections(body, target, front.count("\n") + 2)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, written.text)
    return Imported(
        path=target,
        kind=doc.kind,
        sections=len(sections),
        words=len(doc.text.split()),
        placeholders=written.placeholders,
        notes=tuple(doc.notes),
    )
