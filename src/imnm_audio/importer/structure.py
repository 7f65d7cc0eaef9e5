"""A read document's shape, whatever format it came from: the passes every reader's
blocks go through before they are written.

- A numbered item that is a heading ("2. HOW DOES THIS MEDICINE WORK?", bold or in
  capitals) is a heading, not a list item renumbered "1.".
- A short paragraph in capitals or all in bold, with text after it, is a heading.
- A heading with nothing under it before the next heading is not a section: on a cover
  page before any text its words go to the front matter (the title, a date) or into
  the opening text; elsewhere it is kept as a paragraph of the section after it.
- The language is the one the document declares, else the one its text is in
  (py3langid, trafilatura's author's fork of langid.py).
- A text made of words in no language (a PDF whose fonts map glyphs to the wrong
  letters) is refused, naming where.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ..errors import ContentError
from .document import Block, Document, Run

_LETTERS_RE = re.compile(r"[^\W\d_]", re.UNICODE)
_LATIN_WORD_RE = re.compile(r"\b[A-Za-z\u00c0-\u024f]{3,}\b")
_DATE_RE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4})\b",
    re.I,
)


PROMOTED = -1  # the level of a heading found by these passes, until its rank is known


def shape(doc: Document, path: Path) -> None:
    _numbered_headings(doc)
    _emphasised_headings(doc)
    _cover(doc)
    _rank_promoted(doc)
    _language(doc)
    _refuse_garbled(doc, path)
    _settle_title(doc, path)


def _settle_title(doc: Document, path: Path) -> None:
    """The title a reader sees, else the document's first heading; the file's own name
    (humanised: "Acid_and_chemical_burns.pdf" -> "Acid and chemical burns") only as a
    last resort, and only when it reads as words. `Document.title_from` says which."""
    if doc.title:
        doc.title_from = doc.title_from or "page"
        return
    first = next((b for b in doc.blocks if b.kind == "heading" and b.text), None)
    if first is not None:
        doc.title, doc.title_from = first.text, "heading"
        return
    name = re.sub(r"[_+]|%20", " ", path.stem)
    if " " not in name.strip() and name.count("-") >= 2:  # acid-and-chemical-burns
        name = name.replace("-", " ")
    name = " ".join(name.strip(" -.").split())
    words = re.findall(r"[^\W\d_]{2,}", name)
    # "doc_003", "scan0001" or "8f3a2c91" say nothing: the title is left to a person.
    if len(words) >= 2 and not re.search(r"\d{3,}|[0-9a-f]{8,}", name, re.I):
        doc.title, doc.title_from = name[:1].upper() + name[1:], "file name"


def _capitals(text: str) -> bool:
    letters = _LETTERS_RE.findall(text)
    return len(letters) >= 4 and all(c.isupper() for c in letters if c.lower() != c.upper())


def _all_bold(block: Block) -> bool:
    runs = [r for r in block.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _heading_like(block: Block, words: int) -> bool:
    text = block.text
    return (
        0 < len(text.split()) <= words
        and not re.search(r"[.,;:]$", text)
        and bool(_LETTERS_RE.search(text))
        and (_capitals(text) or _all_bold(block))
    )


def _numbered_headings(doc: Document) -> None:
    """ "2. COMO ESTE MEDICAMENTO FUNCIONA?" in capitals or bold, with text after it,
    is the heading of a numbered section (real leaflets number their sections)."""
    blocks = doc.blocks
    for index, block in enumerate(blocks):
        if not (block.kind == "li" and block.ordered and block.level == 1):
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following is None or not _heading_like(block, 20):
            continue
        block.kind = "heading"
        block.level = PROMOTED
        block.ordered = True
        if block.number:
            block.runs = [Run(block.number + " ")] + block.runs


def _body_size(doc: Document) -> float:
    """The type size most of the text is set in, where the format says (0 if not)."""
    sizes: dict[float, int] = {}
    for block in doc.blocks:
        if block.size:
            sizes[round(block.size)] = sizes.get(round(block.size), 0) + len(block.text)
    return max(sizes, key=lambda k: sizes[k]) if sizes else 0.0


def _emphasised_headings(doc: Document) -> None:
    """A short paragraph in capitals or all in bold, with text after it ("WHAT IS
    POLYMYOSITIS?"), is a heading; "IMPORTANT: ..." and a sentence are not, and nor is
    small print (a catalogue note in bold)."""
    blocks = doc.blocks
    body = _body_size(doc)
    for index, block in enumerate(blocks):
        if block.kind != "p" or index + 1 >= len(blocks):
            continue
        if body and block.size and block.size < body - 1:
            continue
        if blocks[index + 1].kind not in ("p", "li") or not _heading_like(block, 12):
            continue
        block.kind = "heading"
        block.level = PROMOTED


def _rank_promoted(doc: Document) -> None:
    """The rank of the headings found above, once the cover is gone: the rank of the
    document's own section headings when it has one kind of them (numbered headings
    are their peers), one below its smallest when it has several, or the only rank
    when it has none."""
    promoted = [b for b in doc.blocks if b.kind == "heading" and b.level == PROMOTED]
    if not promoted:
        return
    own = [b for b in doc.blocks if b.kind == "heading" and b.level != PROMOTED]
    if own and doc.title and _same(own[0].text, doc.title):
        own = own[1:]
    levels = sorted({b.level for b in own})
    if not levels:
        level = 99
    elif len(levels) == 1 or len(own) <= 1:
        level = levels[0]
    else:
        level = levels[-1] + 1
    for block in promoted:
        block.level = level


def generic_label(text: str) -> bool:
    """Words a leaflet prints as a label ("Patient information", "Information for
    patients, parents and carers"), not a title or a section of its own."""
    from .pdf_headings import _generic

    return _generic(text)


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _cover(doc: Document) -> None:
    """Headings before any text are a cover page: the first gives the title when there
    is none, a date gives the document's date, and the rest are kept for the front
    matter's comment (`Document.cover`), shown to the reviewer, not narrated. When the
    title is known, what comes before it is the cover, and after it only labels
    ("Information for patients") and what fills a page of its own (a cover page's
    subtitle) are; the headings after it are the first sections."""
    first_text = next((i for i, b in enumerate(doc.blocks) if b.kind != "heading"), None)
    if first_text is None:
        return
    leading = doc.blocks[:first_text]
    if len(leading) < 2:
        return
    if doc.title:
        at = next((i for i, b in enumerate(leading) if _same(b.text, doc.title)), None)
        if at is None:
            return  # the title is known and not among them: they are the first sections
        text_page = doc.blocks[first_text].page
        cover, kept = leading[:at], [leading[at]]
        for block in leading[at + 1 :]:
            on_cover_page = bool(block.page) and block.page < text_page
            (cover if generic_label(block.text) or on_cover_page else kept).append(block)
        for block in cover:
            _to_cover(doc, block.text)
        doc.blocks = kept + doc.blocks[first_text:]
        return
    # The last of the leading headings is the first section's own heading.
    cover, kept = leading[:-1], leading[-1:]
    opening: list[Block] = []
    for block in cover:
        text = block.text
        if not doc.title and not _DATE_RE.search(text):
            doc.title, doc.title_from = text, "page"
            continue
        if doc.title and _same(text, doc.title):
            opening.append(block)  # the title itself stays where it is, for the writer
            continue
        _to_cover(doc, text)
    doc.blocks = opening + kept + doc.blocks[first_text:]


def _to_cover(doc: Document, text: str) -> None:
    date = _DATE_RE.search(text)
    if date and len(text.split()) <= 6:
        doc.date = date.group(0)  # the date printed on the cover, over the file's
    else:
        doc.cover.append(text)


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify_language(text: str) -> tuple[str | None, float]:
    """The language the text is written in, as a BCP 47 tag ("pt", "en"), and how sure
    py3langid is (0 to 1); (None, 0) when the text is too short to tell."""
    sample = " ".join(text.split())[:20_000]
    if len(sample.split()) < 8:
        return None, 0.0
    language, probability = _identifier().classify(sample)
    return (str(language), float(probability)) if language else (None, 0.0)


def _language(doc: Document) -> None:
    """The language the document declares, unless its text is plainly in another (Word
    and PDF exporters declare en-US for anything): then the text's, with a note."""
    found, sure = identify_language(doc.text)
    declared = doc.language
    if not declared:
        doc.language = found
        return
    enough = len(doc.text.split()) >= 50
    if found and enough and sure >= 0.95 and found != declared.split("-")[0].lower():
        doc.notes.append(
            f"the document says its language is {declared}, but its text is in '{found}': "
            f"written as language: {found}. Check it (and add the region, e.g. {found}-XX)."
        )
        doc.language = found


def _refuse_garbled(doc: Document, path: Path) -> None:
    """Words in no language at all are not a factsheet: a PDF whose fonts map glyphs to
    the wrong letters gives "Ifmmp xpsme". Judged by the words wordfreq knows in the
    document's language (or English), page by page where there are pages. Garbled pages
    holding a quarter of the words or more refuse the document, naming them; fewer are
    left out, with a note naming them."""
    from ..vocabulary import zipf

    language = (doc.language or "en").split("-")[0].lower()
    pages: dict[int, list[str]] = {}
    for block in doc.blocks:
        # Latin-script words only: the damage it looks for turns text into Latin junk,
        # and wordfreq cannot split Korean, Japanese or Chinese without more tools.
        words = [w for w in _LATIN_WORD_RE.findall(block.text) if not w.isupper()]
        pages.setdefault(block.page, []).extend(words)
    total = sum(len(w) for w in pages.values())
    garbled = []
    for page, words in pages.items():
        sample = words[:400]
        if len(sample) < 40:
            continue
        known = sum(1 for w in sample if zipf(w.lower(), language) > 0 or zipf(w.lower()) > 0)
        if known / len(sample) < 0.35:
            garbled.append(page)
    if not garbled:
        return
    lost = sum(len(pages[p]) for p in garbled)
    named = ", ".join(map(str, garbled)) if garbled != [0] else ""
    where = f" on page {named}" if named else ""
    if lost * 4 >= total:
        raise ContentError(
            f"the text{where} of this {doc.kind} is not in words (its fonts may map letters "
            "wrongly, so the text reads as garbage).",
            path=path,
            fix="Export it again from the program that made it, run it through OCR (for "
            "example `ocrmypdf --force-ocr in.pdf out.pdf`), or import the Word file or web "
            "page it came from.",
        )
    doc.blocks = [b for b in doc.blocks if b.page not in garbled]
    doc.notes.append(
        f"the text{where} is not in words (its fonts may map letters wrongly) and was left "
        "out: OCR those pages, or type their text in."
    )
