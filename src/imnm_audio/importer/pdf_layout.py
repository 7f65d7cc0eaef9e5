"""Where a PDF's words stand: rows, running headers and footers, and columns.

1. Words become rows (the same baseline), page by page.
2. Running headers and footers go: rows near the top or bottom edge that repeat on
   other pages (numbers aside), page numbers, and small print in the margins. What
   they said is kept (the copyright line and web address say who wrote the document).
3. A page whose rows leave a clear gutter down the middle is read as two columns, left
   then right, band by band between full-width rows (a title across both).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

BULLETS = set("•●▪■◦‣–—-*·○►✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc")
CID_RE = re.compile(r"\(cid:\d+\)")  # a glyph with no Unicode: in a list, its bullet
_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$|^[-–]\s*\d{1,3}\s*[-–]$", re.I
)
BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi", re.I)
EDGE = 0.08  # the top and bottom 8% of a page hold its running header and footer


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


def common_size(words: list[Word]) -> float:
    """The type size most of the text is set in (by characters): a line's, or the
    body text's."""
    sizes: Counter[float] = Counter()
    for word in words:
        sizes[round(word.size, 1)] += len(word.text)
    return sizes.most_common(1)[0][0]


@dataclass
class Line:
    words: list[Word]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    column: int = 0  # 0 full width or one column; 1 left, 2 right

    def __post_init__(self) -> None:
        # Right to left (Arabic, Hebrew) when most of the line's letters are.
        self.words.sort(key=lambda w: -w.x0 if _right_to_left(self.words) else w.x0)
        self.top = min(w.top for w in self.words)
        self.bottom = max(w.bottom for w in self.words)
        self.x0 = min(w.x0 for w in self.words)
        self.x1 = max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def size(self) -> float:
        return common_size(self.words)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words if w.text not in BULLETS)

    def __repr__(self) -> str:
        return f"Line({self.page}:{self.column} {self.top:.0f} {self.text[:40]!r})"


TABLE_MARK = "\x00table:"  # a table's place among the rows: "\x00table:<page>:<n>"


def _rtl_letters(text: str) -> int:
    return sum(1 for c in text if unicodedata.bidirectional(c) in ("R", "AL"))


def _right_to_left(words: list[Word]) -> bool:
    rtl = sum(_rtl_letters(w.text) for w in words)
    return rtl * 2 > sum(1 for w in words for c in w.text if c.isalpha())


def logical_order(text: str) -> str:
    """A run of text placed left to right on the page, in reading order: a line of
    Arabic or Hebrew has its words, and the letters of each, turned around."""
    words = text.split()
    if _rtl_letters(text) * 2 <= sum(1 for c in text if c.isalpha()):
        return text
    return " ".join(w[::-1] if _rtl_letters(w) * 2 > len(w) else w for w in reversed(words))


def rows_of(
    page: Any,
    number: int,
    markers: list[int] | None = None,
    tables: list[tuple[tuple[float, float, float, float], str]] | None = None,
) -> list[Line]:
    """The page's words as rows (one baseline each). A word is not split where its type
    size changes, so small capitals ("T" + "HE") stay one word; a raised footnote
    marker after a word ("treatment²") is dropped and counted in `markers`. The words
    inside each of `tables` (its box and its key) give way to one word, the key, where
    the table stands."""
    words = page.extract_words(x_tolerance_ratio=0.15, y_tolerance=2, return_chars=True)
    found = []
    for box, key in tables or []:
        x0, top, x1, bottom = box
        words = [
            w
            for w in words
            if not (
                x0 <= (w["x0"] + w["x1"]) / 2 <= x1
                and top <= (w["top"] + w["bottom"]) / 2 <= bottom
            )
        ]
        found.append(Word(key, x0, x1, top, top + 1, 0.0, False))
    for w in words:
        text = w["text"]
        if not text.strip() or not (CID_RE.fullmatch(text) or CID_RE.sub("", text)):
            continue
        chars = [c for c in w.get("chars", []) if c.get("text", "").strip()]
        word = _word(
            text,
            chars,
            float(w["x0"]),
            float(w["x1"]),
            float(w["top"]),
            float(w["bottom"]),
            markers,
        )
        if word is not None:
            found.append(word)
    for word in found:  # unknown glyphs inside words are dropped
        if not CID_RE.fullmatch(word.text):
            word.text = CID_RE.sub("", word.text)
    found = [w for w in found if w.text]
    found.sort(key=lambda w: (w.bottom, w.x0))
    rows: list[list[Word]] = []
    for word in found:
        table = word.text.startswith(TABLE_MARK) or (
            rows and rows[-1][-1].text.startswith(TABLE_MARK)
        )
        if (
            rows
            and not table
            and abs(rows[-1][-1].bottom - word.bottom) <= max(2.0, word.size * 0.25)
        ):
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = [Line(r, number) for r in rows]
    _drawn_bullets(page, lines)
    return lines


_MARKER_CHARS = set("0123456789*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰")


def _word(
    text: str,
    chars: list[dict[str, Any]],
    x0: float,
    x1: float,
    top: float,
    bottom: float,
    markers: list[int] | None,
) -> Word | None:
    """A word from its glyphs: its size is the body of its letters (the larger size of
    small capitals, whose smaller letters are all capitals), bold when most of its
    letters are; a footnote marker raised after its letters is cut off."""
    if not chars:
        return Word(_plain(text), x0, x1, top, bottom, 0.0, False)
    sizes: Counter[float] = Counter(round(float(c["size"]), 1) for c in chars)
    size = sizes.most_common(1)[0][0]
    largest = max(sizes)
    if largest > size and all(
        not c["text"].isalpha() or c["text"].isupper() or round(float(c["size"]), 1) == largest
        for c in chars
    ):
        size = largest  # small capitals: the full capitals are the type size
    # A raised, smaller run of digits or reference marks at the end of a word of three
    # or more letters (not "m2" or "10 9"): a footnote marker.
    full = [c for c in chars if float(c["size"]) >= size - 0.05] or chars
    base = max(float(c["bottom"]) for c in full)
    cut = len(chars)
    while cut > 0:
        c = chars[cut - 1]
        raised = float(c["size"]) < size * 0.85 and float(c["bottom"]) < base - size * 0.15
        if c["text"] in _MARKER_CHARS and raised:
            cut -= 1
        else:
            break
    if 0 < cut < len(chars):
        head = "".join(c["text"] for c in chars[:cut])
        if re.search(r"[^\W\d_]{3,}[.,;:!?)\]\"'’”]*$", head):
            if markers is not None:
                markers.append(len(chars) - cut)
            chars = chars[:cut]
            text = head
            x1 = max(float(c["x1"]) for c in chars)
    bold = sum(1 for c in chars if BOLD_RE.search(c.get("fontname") or "")) * 2 > len(chars)
    if _rtl_letters(text) * 2 > len(text):  # glyphs are placed left to right: read back
        text = text[::-1]
    if CID_RE.fullmatch(text):
        return Word(text, x0, x1, top, bottom, size, bold)
    return Word(_plain(text), x0, x1, top, bottom, size, bold)


_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\xad": "-",
    }
)


def _plain(text: str) -> str:
    """Typesetting undone: ligatures ("ﬁ") as letters, a soft hyphen as a hyphen."""
    return text.translate(_LIGATURES)


def _drawn_bullets(page: Any, lines: list[Line]) -> None:
    """A bullet drawn as a shape (a browser prints list discs as curves): a small,
    roughly square shape just left of a line's first word becomes its bullet."""
    shapes = [
        s
        for s in list(page.curves) + list(page.rects)
        if 1 < float(s["width"]) <= 8
        and 1 < float(s["height"]) <= 8
        and 0.6 < float(s["width"]) / float(s["height"]) < 1.6
    ]
    for shape in shapes:
        x0, x1 = float(shape["x0"]), float(shape["x1"])
        top, bottom = float(shape["top"]), float(shape["bottom"])
        for line in lines:
            if not (line.top - 2 <= top and bottom <= line.bottom + 2):
                continue
            after = [w for w in line.words if w.x0 >= x1 and w.x0 - x1 < 25]
            before = [w for w in line.words if w.x1 <= x0 and x0 - w.x1 < 25]
            if after and not (before and before[-1].text in BULLETS):
                line.words.append(Word("•", x0, x1, top, bottom, after[0].size, False))
                line.words.sort(key=lambda w: w.x0)
                line.x0 = min(line.x0, x0)
                break


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def drop_furniture(
    rows: list[list[Line]], heights: list[float], said: list[str]
) -> list[list[Line]]:
    """The rows without running headers, footers and page numbers; what those said is
    appended to `said` (its © line and web address name the document's owner)."""
    body = common_size([w for page in rows for line in page for w in line.words])
    edge_counts: Counter[str] = Counter()
    for page, height in zip(rows, heights, strict=True):
        for key in {_key(line.text) for line in page if _at_edge(line, height)}:
            edge_counts[key] += 1
    pages = len(rows)
    out = []
    for page, height in zip(rows, heights, strict=True):
        kept = []
        for line in page:
            if line.words[0].text.startswith(TABLE_MARK):  # a table is never furniture
                kept.append(line)
                continue
            at_edge = _at_edge(line, height)
            repeated = pages > 1 and edge_counts[_key(line.text)] >= max(2, pages // 2)
            small = line.size < body * 0.9
            if at_edge and (repeated or small or _PAGE_NUMBER_RE.match(line.text.strip())):
                said.append(line.text)
            else:
                kept.append(line)
        out.append(kept)
    return out


def _at_edge(line: Line, height: float) -> bool:
    return line.bottom < height * EDGE or line.top > height * (1 - EDGE)


def in_reading_order(rows: list[Line], width: float) -> list[Line]:
    """The page's lines in reading order: two columns are read left, then right, in
    bands between the rows that run across both."""
    gutter = _gutter(rows, width)
    if gutter is None:
        return rows
    out: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for row in rows:
        if any(w.x0 < gutter < w.x1 for w in row.words):
            out += left + right
            left, right = [], []
            out.append(row)
            continue
        lw = [w for w in row.words if w.x1 <= gutter]
        rw = [w for w in row.words if w.x0 >= gutter]
        if lw:
            left.append(Line(lw, row.page, column=1))
        if rw:
            right.append(Line(rw, row.page, column=2))
    return out + left + right


def _gutter(rows: list[Line], width: float) -> float | None:
    """The x of a clear gap between two columns, or None for a one-column page.

    The gap is where the fewest rows have a word across it; it makes two columns when
    at most a quarter of the rows cross it (titles, full-width boxes) and the rows on
    its right start at one left edge, as a column's lines do. The right column may be
    short (a last page), so its share of the rows is not asked for.
    """
    if len(rows) < 4:
        return None
    counts: list[tuple[float, int]] = []
    x = width * 0.3
    while x < width * 0.7:
        counts.append((x, sum(1 for r in rows if any(w.x0 - 2 < x < w.x1 + 2 for w in r.words))))
        x += 2.0
    fewest = min(c for _, c in counts)
    run: list[float] = []
    best: list[float] = []
    for x, c in counts:  # the middle of the widest stretch with the fewest crossings
        run = run + [x] if c == fewest else []
        best = run if len(run) > len(best) else best
    gutter = best[len(best) // 2]
    if fewest > len(rows) * 0.25:
        return None
    starts = [
        round(min(w.x0 for w in r.words if w.x0 >= gutter))
        for r in rows
        if any(w.x0 >= gutter for w in r.words)
    ]
    left = sum(1 for r in rows if any(w.x1 <= gutter for w in r.words))
    if len(starts) < 3 or left < 3:
        return None
    # The column's left edge, or the indent of its list items' text.
    aligned = max(
        sum(1 for x0 in starts if abs(x0 - edge) <= 3)
        for edge in (min(starts), Counter(starts).most_common(1)[0][0])
    )
    return gutter if aligned >= max(3, len(starts) * 0.25) else None
