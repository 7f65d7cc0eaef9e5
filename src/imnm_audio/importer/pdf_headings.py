"""Which lines of a PDF are its headings, learned from the document itself, and the
title printed on its first page.

Leaflets mark headings in many ways: a larger size, bold type, a colour at body size,
another font, capitals, or (nhs.uk's printed pages) nothing but space above a short
line. So no size is fixed in advance. Each line gets its style (size, weight, slant,
colour, font); the body style is the one most of the text is set in. A line, or a run
of up to three lines, "reads as a heading" when it is short, does not end like a
sentence, starts like a heading and is followed by more text. A style is a heading
style when it stands out from the body and most of what is set in it reads as a heading;
then everything in it that reads as a heading is one. Levels come from how prominent
each style is (size first, then colour, weight, capitals). A line a tagged PDF marks as
a heading is one when it also reads as one; a question standing alone on its line
("What is angina?") is one; and a document with no heading style at all has its short
stand-alone lines with space above them as headings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from .pdf_layout import BULLETS, CID_RE, TABLE_MARK, Line

Style = tuple[float, bool, bool, tuple[float, float, float] | None, str]

_NUMBER_ITEM_RE = re.compile(r"^(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]$")
_ONLY_ADDRESS_RE = re.compile(
    r"^(?:(?:https?://|www\.)\S+|\S+@\S+\.\S+|[+\d][\d ()-]{6,}|tel:?\s*[\d ()+-]+)$", re.I
)
_LETTER_RE = re.compile(r"[^\W\d_]")
# A line that carries on the one before ("FOR OUTPATIENT SETTINGS" under "APPENDIX A:
# INFECTION PREVENTION CHECKLIST"): it starts with a little word.
_GOES_ON_RE = re.compile(
    r"^(?:for|of|and|or|in|to|the|with|on|at|by|from|into|de|da|do|dos|das|e|ou|em|no|na|"
    r"nos|nas|y|del|la|el|en)\b",
    re.I,
)
# The first line of a question set over two lines ("What is" / "high blood pressure?").
_QUESTION_START_RE = re.compile(
    r"^(?:what|how|why|when|where|who|which|can|could|do|does|did|is|are|will|should|would|"
    r"have|has|may|o que|como|por que|quando|onde|qu[eé]|c[oó]mo|cu[aá]ndo|d[oó]nde)\b"
    r"[^.?!:]*$",
    re.I,
)
# A line that cannot end a heading: it stops at a comma, a hyphen or a little word.
_CONTINUES_RE = re.compile(
    r"(?:[,(/&–-]|\b(?:and|or|of|the|a|an|to|in|for|with|your|on|at|by|from|e|ou|de|da|do|"
    r"dos|das|com|para|y|del|la|el|los|las|en))$",
    re.I,
)
# Labels a leaflet prints above its title; a title is never only these words.
_GENERIC = {
    "patient", "patients", "information", "info", "leaflet", "leaflets", "factsheet",
    "fact", "sheet", "for", "and", "parents", "carers", "families", "relatives", "advice",
    "guide", "the", "a", "an", "of", "to", "your", "about", "public", "service", "user",
    "users", "booklet", "with", "you", "adults", "children", "young", "people",
}  # fmt: skip


def style_of(line: Line) -> Style:
    """A line's style: what most of its letters are set in."""
    styles: Counter[Style] = Counter()
    for word in line.words:
        if word.text in BULLETS or word.text.startswith(TABLE_MARK):
            continue
        colour = tuple(round(c, 1) for c in word.colour) if word.colour else None
        styles[
            (round(word.size * 2) / 2, word.bold, word.italic, colour, word.font)  # type: ignore[arg-type]
        ] += len(word.text)
    if not styles:
        return (0.0, False, False, None, "")
    return styles.most_common(1)[0][0]


@dataclass
class Group:
    """A run of lines set alike, with no more than line spacing between them."""

    lines: list[int]
    style: Style
    text: str = ""
    roles: Counter[str] = field(default_factory=Counter)

    @property
    def words(self) -> int:
        return len(self.text.split())


def _starts_item(line: Line) -> bool:
    first = line.words[0].text
    return (
        first in BULLETS
        or bool(CID_RE.fullmatch(first))
        or bool(_NUMBER_ITEM_RE.match(first))
        or (first[:1] in BULLETS - {"-", "*"} and len(first) > 1)
    )


def _canonical(styles: list[Style]) -> dict[Style, Style]:
    """Styles that differ only by a shade (a colour 0.7 in one place, 0.8 in another:
    rounding in the exporter) are one style, the commoner's."""
    counts = Counter(styles)
    out: dict[Style, Style] = {}
    chosen: list[Style] = []
    for style, _ in counts.most_common():
        match = next(
            (
                c
                for c in chosen
                if abs(c[0] - style[0]) <= 0.6
                and c[1:3] == style[1:3]
                and c[4] == style[4]
                and (c[3] == style[3] or (c[3] and style[3] and not _far(c[3], style[3], 0.15)))
            ),
            None,
        )
        if match is None:
            chosen.append(style)
            match = style
        out[style] = match
    return out


def _bulleted(line: Line) -> bool:
    first = line.words[0].text
    return (
        first in BULLETS
        or bool(CID_RE.fullmatch(first))
        or (first[:1] in BULLETS - {"-", "*"} and len(first) > 1)
    )


def _sentence_goes_on(lines: list[Line], group: Group) -> bool:
    """Does the sentence carry on after the group, on the next line in another type (a
    bold phrase in a sentence broken across lines)?"""
    last = group.lines[-1]
    if last + 1 >= len(lines):
        return False
    line, nxt = lines[last], lines[last + 1]
    close = nxt.page == line.page and 0 <= nxt.top - line.bottom <= max(line.size, 1.0) * 0.9
    return close and (nxt.text[:1].islower() or bool(_CONTINUES_RE.search(line.text)))


def _groups(lines: list[Line]) -> list[Group]:
    out: list[Group] = []
    styles = [style_of(line) for line in lines]
    canonical = _canonical(styles)
    body = canonical[Counter(styles).most_common(1)[0][0]] if styles else None
    body_size = body[0] if body else 10.0
    right: dict[tuple[int, int], float] = {}  # each column's right edge
    for line in lines:
        key = (line.page, line.column)
        right[key] = max(right.get(key, 0.0), line.x1)
    for index, line in enumerate(lines):
        if line.words[0].text.startswith(TABLE_MARK):
            out.append(Group([index], (0.0, False, False, None, ""), TABLE_MARK))
            continue
        style = canonical[styles[index]]
        prev = lines[index - 1] if index else None
        joined = (
            out
            and prev is not None
            and out[-1].style == style
            and out[-1].text != TABLE_MARK
            and prev.page == line.page
            and prev.column == line.column
            and -line.size * 0.35 <= line.top - prev.bottom <= max(line.size, 1.0) * 0.9
            and not _starts_item(line)
            and len(out[-1].lines) < 6
            and (
                # a line of a paragraph, a title set large across lines, or a heading
                # that wrapped: it goes on in lower case, or its first word would not
                # have fitted at the end of the line before
                style == body
                or line.size >= body_size * 1.8
                or line.text[:1].islower()
                or _CONTINUES_RE.search(prev.text)
                or _GOES_ON_RE.match(line.text)
                or (line.text.rstrip().endswith("?") and _QUESTION_START_RE.match(prev.text))
                or prev.x1 + (line.words[0].x1 - line.words[0].x0) + line.size * 0.25
                > right[(line.page, line.column)] + 1.0
            )
        )
        if joined:
            out[-1].lines.append(index)
            out[-1].text += " " + line.text
        else:
            out.append(Group([index], style, line.text))
        for word in line.words:
            if word.role:
                out[-1].roles[word.role] += len(word.text)
    return out


def reads_as_heading(text: str, lines: int, colon: bool = True) -> bool:
    """Short, not ending like a sentence, starting like a heading, with letters in it."""
    text = text.strip()
    words = text.split()
    if not words or lines > 4 or len(words) > 25 or len(text) > 180:
        return False
    if re.search(r"[.,;]$", text) and not text.endswith("..."):
        return False
    if text.endswith(":") and not colon:
        return False
    if len(_LETTER_RE.findall(text)) < 2 or _ONLY_ADDRESS_RE.match(text):
        return False
    if text.startswith("(") and text.endswith(")"):
        return False  # a caption or an aside in brackets
    first = next((c for c in text if c.isalnum()), "")
    return bool(first) and (first.isdigit() or first.isupper() or not first.isalpha())


def _capitals(text: str) -> bool:
    letters = _LETTER_RE.findall(text)
    return len(letters) >= 4 and all(c.isupper() for c in letters if c.lower() != c.upper())


@dataclass(frozen=True)
class Headings:
    """The headings found: line index -> (level, the run of lines it belongs to)."""

    levels: dict[int, tuple[int, int]]
    styles: int  # how many heading styles the document has


def find_headings(lines: list[Line], title_lines: set[int] | None = None) -> Headings:
    groups = _groups(lines)
    chars: Counter[Style] = Counter()
    for group in groups:
        if group.text != TABLE_MARK:
            chars[group.style] += len(group.text)
    if not chars:
        return Headings({}, 0)
    body = chars.most_common(1)[0][0]
    total = sum(chars.values())
    gaps = _paragraph_gap(lines)

    def followed(at: int) -> bool:
        """Is the group followed by more text (a heading never ends the document)?"""
        return at + 1 < len(groups)

    prominence: dict[Style, float] = {}
    for style in chars:
        if style == body:
            continue
        size, bold, italic, colour, font = style
        differs = 0.0
        if size >= body[0] + 0.8:
            differs += 2 + (size - body[0]) / 2
        if bold and not body[1]:
            differs += 1
        if colour is not None and body[3] is not None and _far(colour, body[3]):
            differs += 1
        if font and body[4] and font != body[4] and size >= body[0] - 0.2:
            differs += 0.5
        if size < body[0] - 1.0:
            differs = 0.0  # small print is never a heading
        if differs:
            prominence[style] = differs

    # A style is a heading style when most of what is set in it reads as a heading.
    votes: dict[Style, list[bool]] = {}
    for at, group in enumerate(groups):
        if group.style in prominence and not _bulleted(lines[group.lines[0]]):
            capitals = _capitals(group.text)
            like = reads_as_heading(group.text, len(group.lines)) and followed(at)
            votes.setdefault(group.style, []).append(like)
            if capitals and like:
                prominence[group.style] = max(prominence[group.style], 1.0)
    heading_styles = [
        s for s, v in votes.items() if any(v) and sum(v) * 2 >= len(v) and chars[s] < total * 0.35
    ]
    # Within a heading style, headings in capitals outrank those in mixed case ("4. O QUE
    # DEVO SABER" over "Advertências", both bold at body size).
    # In the order the document first uses them (a dict, not a set: the same document
    # must always give the same levels), so that of two equally prominent kinds the
    # first met ranks higher.
    kinds = {
        (g.style, _capitals(g.text)): None
        for g in groups
        if g.style in heading_styles and reads_as_heading(g.text, len(g.lines))
    }
    ranked = sorted(kinds, key=lambda k: (-k[0][0], -prominence[k[0]] - k[1]))
    rank = {kind: i + 1 for i, kind in enumerate(ranked)}

    levels: dict[int, tuple[int, int]] = {}
    plain = len(ranked) + 1
    for at, group in enumerate(groups):
        first = lines[group.lines[0]]
        if group.text == TABLE_MARK or not followed(at) or _bulleted(first):
            continue
        if _sentence_goes_on(lines, group):
            continue  # "For help preparing for your visit, arranging ..." / "the hospital"
        level = None
        kind = (group.style, _capitals(group.text))
        if kind in rank and reads_as_heading(group.text, len(group.lines)):
            level = rank[kind]
        elif _starts_item(first):
            continue  # a numbered list item; a numbered heading in body type is found later
        elif _tagged(group) and reads_as_heading(group.text, len(group.lines), colon=False):
            level = plain
        elif (
            group.style == body and len(group.lines) == 1 and _stands_alone(lines, groups, at, gaps)
        ):
            text = group.text.strip()
            question = text.endswith("?") and len(text.split()) <= 15
            if question or (
                not ranked and len(text.split()) <= 10 and reads_as_heading(text, 1, colon=False)
            ):
                level = plain
        if level is not None:
            for index in group.lines:
                levels[index] = (level, at)
    _unstack(lines, groups, levels)
    return Headings(_peers(levels), len(ranked))


def _unstack(lines: list[Line], groups: list[Group], levels: dict[int, tuple[int, int]]) -> None:
    """Lines set alike one under another with only line spacing between them (an
    address in bold, a list of names) are a block of text, not a run of headings."""
    found = [at for at, g in enumerate(groups) if g.lines[0] in levels]
    stacked: set[int] = set()
    for at, nxt in zip(found, found[1:], strict=False):
        if nxt != at + 1:
            continue
        a, b = groups[at], groups[nxt]
        if a.style != b.style or _capitals(a.text) != _capitals(b.text):
            continue
        last, first = lines[a.lines[-1]], lines[b.lines[0]]
        if first.top < last.bottom - last.size * 0.35:
            continue  # side by side (two headings over two charts), not one under another
        if first.page == last.page and first.top - last.bottom <= max(last.size * 0.6, 1.0):
            stacked.update((at, nxt))
    for at in stacked:
        for index in groups[at].lines:
            levels.pop(index, None)


def _peers(levels: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Two ranks of heading that never interleave are peers: when no heading of the
    higher rank comes after one of the lower (every 16-point heading on the first page,
    every 14-point one on the second), the lower is not a sub-heading of the higher, and
    takes its rank. Sub-headings sit between the headings above them."""
    order = [levels[i] for i in sorted(levels)]
    ranks = sorted({level for level, _ in order})
    merged = {rank: rank for rank in ranks}
    for higher, lower in zip(ranks, ranks[1:], strict=False):
        seen_lower = False
        interleaved = False
        for level, _ in order:
            effective = merged[level]
            if effective == merged[lower] and level == lower:
                seen_lower = True
            elif effective == merged[higher] and seen_lower:
                interleaved = True
                break
        if not interleaved:
            for rank, into in merged.items():
                if into == lower:
                    merged[rank] = merged[higher]
    return {index: (merged[level], run) for index, (level, run) in levels.items()}


def _tagged(group: Group) -> bool:
    total = sum(group.roles.values())
    heading = sum(n for role, n in group.roles.items() if re.fullmatch(r"H[1-6]?|Title", role))
    return total > 0 and heading * 2 > total


def _far(a: tuple[float, float, float], b: tuple[float, float, float], apart: float = 0.2) -> bool:
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) > apart


def _paragraph_gap(lines: list[Line]) -> float:
    """The usual space between two lines of a paragraph in the body."""
    gaps = [
        b.top - a.bottom
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and a.column == b.column and b.top > a.bottom
    ]
    return median(gaps) if gaps else 2.0


def _stands_alone(lines: list[Line], groups: list[Group], at: int, line_gap: float) -> bool:
    """A body-style line on its own: more space above it than between a paragraph's
    lines (or the top of a column), and text right after it (a paragraph or a list)."""
    index = groups[at].lines[0]
    line = lines[index]
    if _starts_item(line) or at + 1 >= len(groups) or groups[at + 1].text == TABLE_MARK:
        return False
    prev = lines[index - 1] if index else None
    above = (
        prev is None
        or prev.page != line.page
        or prev.column != line.column
        or line.top - prev.bottom > max(line_gap * 1.8, line.size * 0.4)
    )
    nxt = lines[groups[at + 1].lines[0]]
    below = nxt.page == line.page and nxt.top - line.bottom <= max(line.size * 1.6, 4.0)
    below = below or nxt.page != line.page
    return above and below


# ----------------------------------------------------------------------- the title


def title_of(
    lines: list[Line], page_height: float, body: float | None = None
) -> tuple[str, list[int]] | None:
    """The title printed on the first page: its most prominent text (the largest size,
    a run of up to four lines set alike, and the lines of the same size right under
    them, whatever their colour) in its top two thirds, larger than the document's body
    text (`body`; else the page's); never a generic label ("Patient information"), a
    stray glyph, an address or a date. None when the page has no such text."""
    if not lines:
        return None
    first = min(line.page for line in lines)
    if body is None:
        sizes: Counter[float] = Counter()
        for line in lines:
            for word in line.words:
                sizes[round(word.size, 1)] += len(word.text)
        body = sizes.most_common(1)[0][0]
    groups = [g for g in _groups([ln for ln in lines if ln.page == first]) if g.text != TABLE_MARK]
    page_lines = [ln for ln in lines if ln.page == first]
    best: tuple[float, int, Group] | None = None
    for order, group in enumerate(groups):
        top = page_lines[group.lines[0]].top
        text = group.text.strip()
        if top > page_height * 0.7 or group.style[0] < body + 1.0:
            continue
        if len(_LETTER_RE.findall(text)) < 3 or len(text.split()) > 25:
            continue
        if _ONLY_ADDRESS_RE.match(text) or _generic(text) or re.fullmatch(r"[\d\W]+", text):
            continue
        if _ORGANISATION_RE.search(page_lines[group.lines[0]].text):
            continue  # the maker's by-line ("Aché Laboratórios S.A. / Comprimidos / 10 mg")
        key = (group.style[0], -order)
        if best is None or key > (best[0], best[1]):
            best = (group.style[0], -order, group)
    if best is None:
        return None
    group = best[2]
    chosen = group.lines[:4]
    while len(chosen) > 1 and _generic(page_lines[chosen[0]].text):
        chosen = chosen[1:]  # "Patient information leaflet" over "CT scan"
    for at, index in enumerate(chosen[1:], 1):
        if _ORGANISATION_RE.search(page_lines[index].text):
            chosen = chosen[:at]  # "ácido acetilsalicílico" over "EMS S/A", "Comprimido"
            break
    size = group.style[0]
    while chosen[-1] + 1 < len(page_lines) and len(chosen) < 5:
        below, last = page_lines[chosen[-1] + 1], page_lines[chosen[-1]]
        if _ORGANISATION_RE.search(below.text):
            break
        gap = below.top - last.bottom
        if abs(below.size - size) > 1.0 or not -size * 0.35 <= gap <= size * 0.6:
            break
        if below.column != last.column and not (below.x0 < last.x1 and last.x0 < below.x1):
            break
        chosen.append(chosen[-1] + 1)  # "Country Cooperation Strategy" / "2024-2028" in blue
    text = " ".join(page_lines[i].text for i in chosen)
    series = _series(page_lines, chosen[0], size, body)
    if series is not None and len(text.split()) <= 4:
        # "TOOLKIT FOR ANALYSIS AND USE OF ROUTINE HEALTH FACILITY DATA" over a short
        # title set large ("General principles"): the title is read with its series.
        text = f"{page_lines[series].text.rstrip(':')}: {text}"
        chosen = [series, *chosen]
    where = {id(line): index for index, line in enumerate(lines)}
    indices = [where[id(page_lines[i])] for i in chosen]
    return " ".join(text.split()), indices


# A line naming a company or other body by its legal form: a by-line, never a title.
_ORGANISATION_RE = re.compile(
    r"\b(?:S\.?\s?A|S/A|Ltda|Ltd|Limited|plc|Inc|LLC|GmbH|AG|Cia|Corp|N\.V|B\.V|S\.p\.A"
    r"|S\.L|SAS|SARL|Pty)\.?\s*$",
    re.I,
)


def _series(page_lines: list[Line], at: int, size: float, body: float) -> int | None:
    """The line right above a short title, in capitals and larger than the body text,
    that names the series or the work it belongs to (not a label, not a maker)."""
    if at == 0:
        return None
    above, title = page_lines[at - 1], page_lines[at]
    gap = title.top - above.bottom
    text = above.text.strip()
    if not 0 <= gap <= size * 1.2 or above.size < body + 1.0 or above.size >= size:
        return None
    if not _capitals(text) or len(text.split()) < 3 or _generic(text):
        return None
    if _ORGANISATION_RE.search(text) or _ONLY_ADDRESS_RE.match(text):
        return None
    return at - 1


def _generic(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.lower())
    return bool(words) and all(w in _GENERIC for w in words)
