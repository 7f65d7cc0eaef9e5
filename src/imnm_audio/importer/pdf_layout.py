"""Where a PDF's words stand: rows, running headers and footers, and columns.

1. Words become rows (the same baseline), page by page.
2. Running headers and footers go: rows near the top or bottom edge that repeat on
   other pages (numbers aside), page numbers, and small print in the margins. What
   they said is kept (the copyright line and web address say who wrote the document).
3. A page whose rows leave a clear gutter down the middle is read as two columns, left
   then right, band by band between full-width rows (a title across both).
"""

from __future__ import annotations

import functools
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
ITALIC_RE = re.compile(r"italic|oblique", re.I)
_PICTURE_FONT_RE = re.compile(r"dingbat|wingding|webding|fontawesome|icon", re.I)
EDGE = 0.08  # the top and bottom 8% of a page hold its running header and footer
BAND = 0.2  # a banner repeated on every page may reach down to a fifth of the page


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    colour: tuple[float, float, float] | None = None  # its fill colour, as RGB 0..1
    font: str = ""  # the font's family, without subset prefix or style
    italic: bool = False
    role: str = ""  # a tagged PDF's structure role for it ("H2", "P", "Artifact")
    reach: float = 0.0  # a bullet's: where the item's text it belongs to starts


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
    column: int = 0  # the part of the page it was read in (0: the page; a column; a box)
    boxed: bool = False  # read inside a drawn box
    row: int = 0  # the row of a table of labels and values it belongs to (0: none)
    label: bool = False  # a row's label (left), rather than its value

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
    shown: list[tuple[tuple[float, float, float, float], str, float]] | None = None,
    roles: dict[int, str] | None = None,
) -> list[Line]:
    """The page's words as rows (one baseline each). A word is not split where its type
    size changes, so small capitals ("T" + "HE") stay one word; a raised footnote
    marker after a word ("treatment²") is dropped and counted in `markers`. The words
    inside each of `tables` (its box and its key) give way to one word, the key, where
    the table stands. `shown` is text a reader sees that the page's content does not
    draw (a form field's value: its box, text and size); `roles` maps a tagged PDF's
    marked-content ids to their structure roles."""
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
    for box, text, size in shown or []:
        found += _spread(text, box, size)
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
            roles,
        )
        if word is not None:
            found.append(word)
    for word in found:  # unknown glyphs inside words are dropped
        if not CID_RE.fullmatch(word.text):
            word.text = CID_RE.sub("", word.text)
    found = [w for w in found if w.text]
    lines = [Line(r, number) for r in group_rows(found, markers)]
    _drawn_bullets(page, lines)
    return lines


_RAISED_RE = re.compile(r"^[\d*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:[,–-][\d*†‡§]+)*,?$")


def group_rows(words: list[Word], markers: list[int] | None = None) -> list[list[Word]]:
    """Words as rows: a word is on a row when it shares most of its height with the
    row's text (a dash or quote from another font sits a little higher or lower, and
    stays on its line); a table's place is a row of its own. A small number raised at
    the end of a word on the row (a citation mark, "stunting.12,13") is taken out and
    counted in `markers`; each row is in order left to right."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        table = word.text.startswith(TABLE_MARK)
        row = None
        if not table:
            for candidate in reversed(rows[-3:]):
                if candidate[0].text.startswith(TABLE_MARK):
                    continue
                if _same_row(candidate, word):
                    row = candidate
                    break
        if row is None:
            rows.append([word])
        else:
            row.append(word)
    out = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        main = max(row, key=lambda w: (w.size, len(w.text)))
        kept = []
        for word in row:
            raised = (
                word is not main
                and _RAISED_RE.match(word.text)
                and 0 < word.size < main.size * 0.8
                and word.bottom < main.bottom - main.size * 0.2
                and any(0 <= word.x0 - w.x1 < 2.5 for w in row if w is not word)
            )
            if raised:
                if markers is not None:
                    markers.append(len(word.text))
                continue
            kept.append(word)
        if kept:
            out.append(kept)
    return out


def _same_row(row: list[Word], word: Word) -> bool:
    main = max(row, key=lambda w: w.size)
    if abs(main.bottom - word.bottom) <= max(2.0, word.size * 0.25):
        return True
    overlap = min(main.bottom, word.bottom) - max(main.top, word.top)
    smaller = min(main.bottom - main.top, word.bottom - word.top)
    return smaller > 0 and overlap >= smaller * 0.6


_MARKER_CHARS = set("0123456789*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰")


def _spread(text: str, box: tuple[float, float, float, float], size: float) -> list[Word]:
    """Text placed in a box (a form field's value) as words across it, left to right."""
    parts = text.split()
    x0, top, x1, bottom = box
    baseline = min(bottom, top + size * 1.3)
    step = size * 0.5
    out = []
    x = x0 + 2
    for part in parts:
        width = len(part) * step
        out.append(Word(part, x, min(x + width, x1), baseline - size, baseline, size, False))
        x += width + step
    return out


def _style(chars: list[dict[str, Any]]) -> tuple[tuple[float, float, float] | None, str, bool]:
    """The colour, font family and slant most of a word's letters have."""

    colours: Counter[tuple[float, float, float] | None] = Counter()
    fonts: Counter[str] = Counter()
    italic = 0
    for c in chars:
        colours[_colour_of(c.get("non_stroking_color"), c.get("ncs"))] += 1
        name = (c.get("fontname") or "").split("+")[-1]
        fonts[_family(name)] += 1
        italic += _italic(name)
    colour = colours.most_common(1)[0][0] if colours else None
    return colour, fonts.most_common(1)[0][0] if fonts else "", italic * 2 > len(chars)


_STYLE_WORDS_RE = re.compile(
    r"(?:bold|italic|oblique|regular|roman|book|light|medium|semibold|demi|black|heavy|"
    r"condensed|narrow|cond|it|mt|psmt|ps|std|pro|lt)+$",
    re.I,
)


def _colour_of(value: Any, space: Any) -> tuple[float, float, float] | None:
    """A glyph's fill colour as RGB, rounded (a page has a handful: remembered, when
    the value can be; a pattern's or a list's is worked out each time)."""
    try:
        return _colour(value, space)
    except TypeError:  # unhashable
        return _colour.__wrapped__(value, space)


@functools.lru_cache(maxsize=4096)
def _colour(value: Any, space: Any) -> tuple[float, float, float] | None:
    from .pdf_visible import to_rgb

    colour = to_rgb(value, _Space(space))
    return tuple(round(v, 2) for v in colour) if colour else None  # type: ignore[return-value]


@functools.lru_cache(maxsize=1024)
def _italic(name: str) -> bool:
    return bool(ITALIC_RE.search(name))


@functools.lru_cache(maxsize=1024)
def _family(name: str) -> str:
    """A font's family: "Arial-BoldItalicMT" and "ArialMT" are both "arial"."""
    family = re.split(r"[-,]", name)[0]
    while True:
        shorter = _STYLE_WORDS_RE.sub("", family)
        if shorter == family or not shorter:
            return family.lower()
        family = shorter


class _Space:
    """A colour space's name, as pdfplumber gives it with each character."""

    def __init__(self, name: Any) -> None:
        self.name = str(name or "")
        if not self.name:
            self.name = ""


def _word(
    text: str,
    chars: list[dict[str, Any]],
    x0: float,
    x1: float,
    top: float,
    bottom: float,
    markers: list[int] | None,
    roles: dict[int, str] | None = None,
) -> Word | None:
    """A word from its glyphs: its size is the body of its letters (the larger size of
    small capitals, whose smaller letters are all capitals), bold when most of its
    letters are; its colour, font and slant those of most of its letters, its role the
    tagged structure's; a footnote marker raised after its letters is cut off."""
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
    colour, font, italic = _style(chars)
    role = _role(chars, roles)
    if _PICTURE_FONT_RE.search(font) and not re.search(r"[^\W\d_]{2,}", text):
        text = "•"  # a pictogram (a tick, a cross, a phone) from a symbol font
    elif not CID_RE.fullmatch(text):
        text = _plain(text)
    return Word(text, x0, x1, top, bottom, size, bold, colour, font, italic, role)


def _role(chars: list[dict[str, Any]], roles: dict[int, str] | None) -> str:
    """The structure role of most of the word's letters: "Artifact" for what the PDF
    marks as page furniture, else the role its marked-content id has in the tree."""
    found: Counter[str] = Counter()
    for c in chars:
        if c.get("tag") == "Artifact":
            found["Artifact"] += 1
        elif roles and c.get("mcid") is not None:
            found[roles.get(c["mcid"], "")] += 1
    return found.most_common(1)[0][0] if found else ""


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
                first = after[0]
                line.words.append(Word("•", x0, x1, first.top, first.bottom, first.size, False))
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
    rows = [_without_artifacts(page, said) for page in rows]
    body = common_size([w for page in rows for line in page for w in line.words] or [_NONE])
    edge_counts: Counter[str] = Counter()
    for page, height in zip(rows, heights, strict=True):
        for key in {_key(line.text) for line in page if _at_edge(line, height, BAND)}:
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
            if (at_edge and (repeated or small or _PAGE_NUMBER_RE.match(line.text.strip()))) or (
                repeated and _at_edge(line, height, BAND)
            ):
                said.append(line.text)
            else:
                kept.append(line)
        out.append(kept)
    return out


_NONE = Word("", 0, 0, 0, 0, 10.0, False)


def _without_artifacts(page: list[Line], said: list[str]) -> list[Line]:
    """A tagged PDF marks its running headers, footers and page numbers as artifacts:
    they go (what they said is kept). A page that marks nearly everything so is taken
    as mis-tagged, and kept."""
    marked = sum(len(w.text) for line in page for w in line.words if w.role == "Artifact")
    total = sum(len(w.text) for line in page for w in line.words)
    if not marked or marked > total * 0.8:
        return page
    out = []
    for line in page:
        gone = [w for w in line.words if w.role == "Artifact"]
        if gone:
            said.append(" ".join(w.text for w in gone))
        words = [w for w in line.words if w.role != "Artifact"]
        if words:
            out.append(Line(words, line.page) if gone else line)
    return out


def _at_edge(line: Line, height: float, edge: float = EDGE) -> bool:
    return line.bottom < height * edge or line.top > height * (1 - edge)
