"""A text PDF as blocks, with pdfplumber: each word's position, font and size are read,
and the page is put back together the way a reader reads it.

Rows, running headers and footers, and columns are found in pdf_layout.py; what the PDF
says of itself, its links and its refusals are in pdf_about.py. Here the
lines become blocks: a heading by its size (or bold type alone on its line), a list
item by its bullet or number (its depth by how far in it stands), a paragraph by the
gap before it. Lines are re-joined, and a word hyphenated at a line end is made whole
when the joined word is a word (wordfreq).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from statistics import median
from typing import Any

from ..errors import ContentError
from .document import (
    Block,
    Document,
    Run,
    table_items,
)
from .limits import MAX_PAGES, SPLIT, LimitExceeded
from .pdf_about import about, hidden_summary, links_of, refuse_mirrored, unreadable
from .pdf_headings import find_headings, title_of
from .pdf_layout import (
    BOLD_RE,
    BULLETS,
    CID_RE,
    TABLE_MARK,
    Line,
    Word,
    common_size,
    drop_furniture,
    logical_order,
    rows_of,
)
from .pdf_reading import panels_of, reading_order
from .pdf_tags import outline_titles, roles_of
from .pdf_visible import OptionalContent, read_visible, shown_annotations, turned

_NUMBER_RE = re.compile(r"^(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]$")


def read_pdf(path: Path) -> Document:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as err:
        raise unreadable(path, err) from None
    hidden: dict[int, Counter[str]] = {}
    markers: list[int] = []
    sideways: list[int] = []
    with pdf:
        try:
            pages = pdf.pages
            if len(pages) > MAX_PAGES:
                raise LimitExceeded(
                    f"this PDF has {len(pages)} pages; imnm-audio imports at most "
                    f"{MAX_PAGES} (a factsheet has a few).",
                    SPLIT,
                )
            rows: list[list[Line]] = []
            panels: list[list[tuple[float, float, float, float]]] = []
            tables: dict[str, tuple[list[list[str]], bool]] = {}
            heights, widths, pictures, scanned = [], [], False, []
            links: list[tuple[str, str]] = []
            layers = OptionalContent(getattr(pdf.doc, "catalog", None))
            for number in range(len(pages)):
                page = pages[number]
                hidden[number + 1], glyphs = read_visible(page, layers)
                again = turned(page, hidden[number + 1], glyphs, layers)
                if again is not None:
                    page = again
                    hidden[number + 1], _ = read_visible(page, layers)
                    sideways.append(number + 1)
                boxes = []
                for index, (box, cells, header) in enumerate(_tables(page)):
                    key = f"{TABLE_MARK}{number}:{index}"
                    tables[key] = (cells, header)
                    boxes.append((box, key))
                page_rows = rows_of(
                    page, number, markers, boxes, shown_annotations(page), roles_of(pdf, page)
                )
                rows.append(page_rows)
                panels.append(panels_of(page))
                heights.append(float(page.height))
                widths.append(float(page.width))
                pictures = pictures or bool(page.images)
                if page.images and sum(len(r.words) for r in page_rows) < 10:
                    scanned.append(number + 1)
                links += links_of([page])
                page.close()  # its layout is not needed again: memory stays flat
            meta = dict(pdf.metadata or {})
            lang = pdf.doc.catalog.get("Lang") if hasattr(pdf.doc, "catalog") else None
            outline = outline_titles(pdf)
        except PdfminerException as err:
            raise unreadable(path, err) from None
    refuse_mirrored(path, hidden, rows)
    if not any(rows):
        if pictures:
            raise ContentError(
                "this PDF has no text in it, only pictures of pages (a scan).",
                path=path,
                fix="Run it through OCR first (for example `ocrmypdf in.pdf out.pdf`), check "
                "the recognised text, then import the new PDF; or import the Word file or "
                "web page it was made from.",
            )
        if any(hidden.values()):
            raise ContentError(
                "this PDF shows no text: all of its text is hidden ("
                + hidden_summary(hidden)
                + ").",
                path=path,
                fix="Check it is the right file; a reader would see nothing to import.",
            )
        raise ContentError(
            "this PDF is empty: it has no text to import.",
            path=path,
            fix="Check it is the right file.",
        )
    # The title is read from the first page as printed: a banner repeated on every page
    # is furniture on the others, but on the first it may be the title.
    first = next(n for n, page_rows in enumerate(rows) if page_rows)
    body = common_size([w for page_rows in rows for row in page_rows for w in row.words])
    title = title_of(
        reading_order([w for row in rows[first] for w in row.words], panels[first], first),
        heights[first],
        body,
    )
    furniture: list[str] = []  # what the running headers and footers said
    rows = drop_furniture(rows, heights, furniture)
    lines: list[Line] = []
    for number, (page_rows, boxes) in enumerate(zip(rows, panels, strict=True)):
        words = [w for row in page_rows for w in row.words]
        lines += reading_order(words, boxes, number)
    lines, contents = _without_contents(lines)
    doc = Document("PDF", _blocks(lines, tables), links=links)
    if title:
        doc.title, doc.title_from = title[0], "page"
        _before_title(doc)
    doc.outline = outline
    if scanned:
        pages_named = ", ".join(map(str, scanned))
        doc.notes.append(
            f"page {pages_named} {'is a picture' if len(scanned) == 1 else 'are pictures'} "
            "with no text (scanned?): what they say is not in the factsheet. OCR the PDF "
            "(e.g. ocrmypdf) and import it again, or add that text by hand."
        )
    if any(hidden.values()):
        doc.notes.append(
            "text a reader cannot see was left out: " + hidden_summary(hidden) + ". Look at "
            "those pages if you expected it."
        )
    if markers:
        doc.notes.append(f"{len(markers)} footnote marks were taken out of the text.")
    if contents:
        doc.notes.append(
            f"the table of contents (page {', '.join(map(str, contents))}) was left out: the "
            "chapters take its place."
        )
    if sideways:
        doc.notes.append(
            f"page {', '.join(map(str, sideways))} is set sideways; its text was read turned "
            "the right way up."
        )
    about(doc, meta, lang, furniture)
    return doc


_CONTENTS_RE = re.compile(
    r"^(?:table of contents|contents|contents page|índice|indice|sumário|sumario|conteúdo"
    r"|sommaire|inhalt|índice general)$",
    re.I,
)
_ENTRY_RE = re.compile(r"(?:\.{3,}|…{2,}|\s)\s*[ivxlcdm\d]{1,4}$", re.I)
_LEADER_RE = re.compile(r"(?:\.\s?){4,}\s*[ivxlcdm\d]{1,4}$", re.I)
_PAGE_NUMBERS_RE = re.compile(r"^(?:[ivxlcdm\d]{1,4}\s*)+$", re.I)


def _without_contents(lines: list[Line]) -> tuple[list[Line], list[int]]:
    """A table of contents is left out: it is a list of page numbers to the eye, and a
    listener has the chapters. Found by its heading ("Contents") with three or more
    entries ending in page numbers (or a column of page numbers) after it on its page,
    and by dot leaders ("Overview ....... 7") anywhere. The pages it was on are given."""
    doomed: set[int] = set()
    for at, line in enumerate(lines):
        if _LEADER_RE.search(line.text):
            doomed.add(at)
        if not _CONTENTS_RE.match(" ".join(line.text.split()).rstrip(":")):
            continue
        after = [i for i in range(at + 1, len(lines)) if lines[i].page == line.page]
        entries = [i for i in after if _ENTRY_RE.search(lines[i].text)]
        numbers = [i for i in after if _PAGE_NUMBERS_RE.match(lines[i].text.strip())]
        if len(numbers) >= 3:
            doomed.update([at, *after])  # entries and their page numbers in columns
        elif len(entries) >= 3:
            doomed.update([at, *entries])
    pages = sorted({lines[i].page + 1 for i in doomed})
    return [ln for i, ln in enumerate(lines) if i not in doomed], pages


def _before_title(doc: Document) -> None:
    """What the first page prints above its title (a logo's letters, the trust's name,
    "Patient information", the department) is the cover, not the text: short blocks go
    to the front matter's comment, a stray glyph goes, and the title comes first. Pieces
    of the title set apart ("DA CÓLERA" under "BOLETIM INFORMATIVO"), and the title
    printed again on a second cover, are the title, not sections."""
    key = " ".join((doc.title or "").lower().split())
    first_page = min((b.page for b in doc.blocks), default=0)
    doc.blocks = [
        b
        for b in doc.blocks
        if not (
            b.kind == "heading"
            and b.page <= first_page + 1
            and " ".join(b.text.lower().split()) != key
            and len(re.findall(r"[^\W\d_]", b.text)) >= 3
            and f" {' '.join(b.text.lower().split())} " in f" {key} "
        )
    ]
    seen = False
    kept_blocks = []
    for block in doc.blocks:  # the title's own heading once: a second cover repeats it
        same = block.kind == "heading" and " ".join(block.text.lower().split()) == key
        if same and seen and block.page <= first_page + 2:
            continue
        seen = seen or same
        kept_blocks.append(block)
    doc.blocks = kept_blocks
    at = next(
        (
            i
            for i, b in enumerate(doc.blocks)
            if b.kind == "heading" and " ".join(b.text.lower().split()) == key
        ),
        None,
    )
    if not at:
        return
    kept = []
    title = doc.blocks[at]
    for block in doc.blocks[:at]:
        text = block.text
        above = block.page == title.page and block.top < title.top
        if not above or block.column != title.column or len(text.split()) > 12:
            kept.append(block)
        elif len(re.findall(r"[^\W\d_]", text)) >= 3:
            doc.cover.append(text)
    doc.blocks = [doc.blocks[at], *kept, *doc.blocks[at + 1 :]]


# ----------------------------------------------------------------------- lines to blocks


def _tables(page: Any) -> list[tuple[tuple[float, float, float, float], list[list[str]], bool]]:
    """The page's ruled tables (pdfplumber's table finder, on pages with lines enough to
    draw one): each one's box, its rows of cell text, and whether its first row is a
    header (set in bold)."""
    edges = page.edges
    across = sum(1 for e in edges if e.get("orientation") == "h")
    down = sum(1 for e in edges if e.get("orientation") == "v")
    if across < 3 or down < 3:
        return []
    out = []
    for table in page.find_tables():
        cells = [
            [logical_order(" ".join((c or "").split())) for c in row]
            for row in table.extract(x_tolerance_ratio=0.15, y_tolerance=2)
        ]
        cells = [row for row in cells if any(row)]
        if len(cells) < 2 or max(len(r) for r in cells) < 2:
            continue
        first = table.rows[0].bbox if table.rows else None
        header = False
        if first is not None:
            chars = [c for c in page.crop(first, strict=False).chars if c.get("text", "").strip()]
            header = bool(chars) and sum(
                1 for c in chars if BOLD_RE.search(c.get("fontname") or "")
            ) * 2 > len(chars)
        out.append((tuple(float(v) for v in table.bbox), cells, header))
    return out


def _blocks(
    lines: list[Line], tables: dict[str, tuple[list[list[str]], bool]] | None = None
) -> list[Block]:
    if not lines:
        return []
    tables = tables or {}
    body = common_size([w for line in lines for w in line.words])
    headings = find_headings(lines)
    gaps = [
        b.top - a.bottom
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page
        and a.column == b.column
        and b.top > a.bottom
        and abs(a.size - body) < 0.5
        and abs(b.size - body) < 0.5
    ]
    line_gap = median(gaps) if gaps else body * 0.3
    bullet_xs: dict[int, list[int]] = {}  # per column: where its bullets stand
    for line in lines:
        if _bullet(line):
            bullet_xs.setdefault(line.column, []).append(round(line.x0))

    right_edge: dict[tuple[int, int], float] = {}
    left_edge: dict[tuple[int, int], float] = {}
    for line in lines:
        key = (line.page, line.column)
        right_edge[key] = max(right_edge.get(key, 0.0), line.x1)
        left_edge[key] = min(left_edge.get(key, line.x0), line.x0)

    def indent(line: Line, x: float) -> float:  # how far in from its column's edge
        return x - left_edge[(line.page, line.column)]

    def continues_item(line: Line) -> bool:
        """Is the line more of the list item before (standing in past the bullets of
        its column), rather than a paragraph after the list?"""
        bullets = bullet_xs.get(line.column)
        if bullets:
            return line.x0 > min(bullets) + 3
        return indent(line, line.x0) >= item_x - 3

    blocks: list[Block] = []
    prev: Line | None = None
    heading_run = -1  # the run of lines the last heading block came from
    item_x = 0.0  # how far in the text of the current list item starts
    for index, line in enumerate(lines):
        if line.words[0].text.startswith(TABLE_MARK):
            cells, header = tables.get(line.words[0].text, ([], False))
            for block in table_items(cells, header):
                block.page = line.page + 1
                blocks.append(block)
            prev = None
            continue
        found = None if line.row else headings.levels.get(index)  # a row's label is no heading
        new_row = bool(line.row) and (prev is None or prev.row != line.row)
        if prev is not None and prev.row == line.row and prev.label and not line.label:
            _label_ends(blocks[-1])  # "Colette Smith: Clinical Nurse Specialist ..."
        if found is not None:
            kind, level, ordered, words = "heading", found[0], False, list(line.words)
        else:
            kind, level, ordered, words = _kind(line, sorted(set(bullet_xs.get(line.column, []))))
        # A glyph with no Unicode anywhere but a list's start says nothing: left out.
        runs = [Run(w.text + " ", w.bold) for w in words if not CID_RE.fullmatch(w.text)]
        if kind == "heading" and found is not None:
            if blocks and blocks[-1].kind == "heading" and heading_run == found[1]:
                _join(blocks[-1], runs)  # a heading over two lines
            else:
                blocks.append(
                    Block(
                        "heading",
                        runs,
                        level=level,
                        page=line.page + 1,
                        top=line.top,
                        column=line.column,
                    )  # fmt: skip
                )
            heading_run = found[1]
        elif kind == "li":
            number = line.words[0].text if ordered else ""
            blocks.append(
                Block(
                    "li", runs, level=level, ordered=ordered, number=number,
                    page=line.page + 1, top=line.top, size=line.size,
                )
            )  # fmt: skip
            # A bullet alone on its line (its text set on the next): the text stands past it.
            item_x = indent(line, words[0].x0 if words else line.x1 + 2)
        elif (
            prev is None
            or new_row
            or not blocks
            or blocks[-1].kind == "heading"
            or _gap(prev, line) > max(line_gap * 2.2, body * 0.5)
            or abs(line.size - prev.size) > 0.5
            and not (line.row and prev.row == line.row)
            or blocks[-1].kind == "li"
            and not continues_item(line)
            or _ended(prev, line, right_edge)
        ):
            blocks.append(Block("p", runs, page=line.page + 1, top=line.top, size=line.size))
        else:
            _join(blocks[-1], runs)
        prev = line
    return [b for b in blocks if b.text]


def _label_ends(block: Block) -> None:
    """A table row's label, before its value: ended by a colon unless it ends already."""
    last = block.runs[-1] if block.runs else None
    if last is not None and not last.text.rstrip().endswith((":", ".", "?", "!", ";", ",")):
        block.runs[-1] = Run(last.text.rstrip() + ": ", last.bold, last.href)


def _ended(prev: Line, line: Line, right_edge: dict[tuple[int, int], float]) -> bool:
    """At a turn to the next column or page: did the paragraph end there (a short line
    ending a sentence)?"""
    if (prev.page, prev.column) == (line.page, line.column):
        return False
    edge = right_edge.get((prev.page, prev.column), prev.x1)
    return prev.text.rstrip().endswith((".", "!", "?", ":")) and prev.x1 < edge - 40


def _gap(a: Line, b: Line) -> float:
    if a.page != b.page or a.column != b.column and b.top < a.top:
        return 0.0  # the text runs on to the next column or page
    return b.top - a.bottom


def _is_bullet(text: str) -> bool:
    return text in BULLETS or bool(CID_RE.fullmatch(text))


def _bullet(line: Line) -> bool:
    first = line.words[0].text
    return (
        _is_bullet(first)
        or bool(_NUMBER_RE.match(first))
        or (first[0] in BULLETS - {"-", "*"} and len(first) > 1)
    )


def _kind(line: Line, bullet_xs: list[int]) -> tuple[str, int, bool, list[Word]]:
    """What a line that is not a heading starts: a list item (its depth, numbered or
    not), or more of the text before ("cont")."""
    words = list(line.words)
    if _bullet(line):
        first = words[0]
        ordered = bool(_NUMBER_RE.match(first.text))
        if _is_bullet(first.text) or ordered:
            words = words[1:]
        else:
            words[0] = Word(
                first.text[1:], first.x0, first.x1, first.top, first.bottom, first.size, first.bold
            )
        # Deeper by each bullet position to its left (4 pt apart or more).
        stops: list[int] = []
        for x in bullet_xs:
            if not stops or x - stops[-1] > 4:
                stops.append(x)
        level = 1 + sum(1 for x in stops if x < round(line.x0) - 4)
        if words or _is_bullet(first.text):
            return "li", min(level, 3), ordered, words
    return "cont", 0, False, words


def _join(block: Block, runs: list[Run]) -> None:
    """The next line's words onto the block, a hyphenated line end made whole."""
    last = block.runs[-1] if block.runs else None
    if last and runs:
        text = last.text.rstrip()
        first = runs[0].text
        if text.endswith("-") and not text.endswith("--") and first[:1].islower():
            head = re.search(r"([A-Za-z]+)-$", text)
            tail = re.match(r"[a-z]+", first)
            if head and tail and _hyphenated(head.group(1), tail.group(0)):
                block.runs[-1] = Run(text[:-1], last.bold, last.href)
            else:
                block.runs[-1] = Run(text, last.bold, last.href)
    block.runs += runs


def _hyphenated(head: str, tail: str) -> bool:
    """Was "head-" + "tail" one word broken at the line end ("treat-ment"), not a
    compound ("cholesterol-lowering", "anti-rheumatic", "long-term")? The joined word
    must be a word, and no rarer than the tail is on its own."""
    from wordfreq import zipf_frequency

    joined = zipf_frequency(head + tail, "en")
    return joined > 1.0 and joined >= zipf_frequency(tail, "en")
