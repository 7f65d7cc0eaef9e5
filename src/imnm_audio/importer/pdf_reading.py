"""A PDF page's words in the order a reader reads them: columns one after the other,
each box or panel (a traffic light's red, amber and green boxes, a "call 999" callout)
read whole, with its own heading and items, in its place on the page.

The page is cut the way a reader's eye divides it (recursive X-Y cut): where a clear
vertical gutter runs the whole height of a part, it is read left then right; otherwise
it is read band by band, top to bottom. Drawn boxes (filled or outlined rectangles and
shapes that hold text) are never cut through: a box is one piece of its part, and its
inside is read the same way. Bands of running text that share a gutter are one pair of
columns, so a two-column page is read down the left column first, not band by band. Rows
whose left cells are short labels level with the right cells ("Telephone: 0161 ...") are
a table, not two columns, and stay rows; a list set in two columns is two lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from .pdf_layout import BULLETS, CID_RE, Line, Word, group_rows

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (top-down page coordinates)
MIN_GUTTER = 7.0  # points of clear space between two columns or boxes
MIN_BAND_GAP = 3.5  # points of clear space between two bands


@dataclass
class Panel:
    box: Box
    children: list[Panel] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)


def panels_of(page: Any) -> list[Box]:
    """The page's drawn boxes that can hold text: filled or outlined rectangles and
    closed shapes, and pictures (a bar drawn as an image, text set over it), at least
    20 x 10 points, short of the whole page."""
    width, height = float(page.width), float(page.height)
    boxes: list[Box] = []
    for shape in list(page.rects) + list(page.curves) + list(page.images):
        if shape.get("object_type") != "image" and not (shape.get("fill") or shape.get("stroke")):
            continue
        x0, top = float(shape["x0"]), float(shape["top"])
        x1, bottom = float(shape["x1"]), float(shape["bottom"])
        if x1 - x0 < 20 or bottom - top < 10:
            continue
        if x1 - x0 > width * 0.9 and bottom - top > height * 0.85:
            continue  # a page frame or background
        box = (max(x0, 0.0), max(top, 0.0), min(x1, width), min(bottom, height))
        if not any(_same_box(box, other) for other in boxes):
            boxes.append(box)
    return boxes


def _same_box(a: Box, b: Box) -> bool:
    return all(abs(p - q) <= 2.0 for p, q in zip(a, b, strict=True))


def _within(inner: Box, outer: Box, slack: float = 2.0) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _centre_in(word: Word, box: Box) -> bool:
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def reading_order(words: list[Word], boxes: list[Box], page: int) -> list[Line]:
    """The page's words as lines in reading order; each line's `column` names the part
    of the page it was read in (a column or a box), and `boxed` says it was in a box."""
    _hold_items(words)
    root = _nest(words, boxes)
    out: list[Line] = []
    counter = [0]
    _read(_items(root), page, out, counter, column=0, boxed=False)
    return out


def _nest(words: list[Word], boxes: list[Box]) -> Panel:
    """Boxes into a tree (a box inside a box), each word into the innermost box that
    holds it. Boxes that hold no word, or every word, are left out."""
    useful = [b for b in boxes if any(_centre_in(w, b) for w in words)]
    useful = [b for b in useful if not all(_centre_in(w, b) for w in words)]
    useful = [b for b in useful if not _cuts_lines(b, words, useful)]
    useful.sort(key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)
    root = Panel((-1e9, -1e9, 1e9, 1e9))
    for box in useful:
        parent = root
        while True:
            inner = next((c for c in parent.children if _within(box, c.box)), None)
            if inner is None:
                break
            parent = inner
        parent.children.append(Panel(box))
    for word in words:
        holder = root
        while True:
            inner = next((c for c in holder.children if _centre_in(word, c.box)), None)
            if inner is None:
                break
            holder = inner
        holder.words.append(word)
    _prune(root)
    return root


def _cuts_lines(box: Box, words: list[Word], boxes: list[Box]) -> bool:
    """Does the box's edge run through a line of text (a word inside it and the next
    word of its line outside)? Then it is a picture or shape beside or behind the text,
    not a box holding its own text. A word in a box of its own beside this one (boxes
    that touch, a traffic light's red, amber and green) is not the line going on."""
    inside = [w for w in words if _centre_in(w, box)]
    if not inside:
        return False
    # Only words level with one inside can carry its line on: those, by their bottoms.
    low = min(w.bottom - max(2.0, w.size * 0.3) for w in inside)
    high = max(w.bottom + max(2.0, w.size * 0.3) for w in inside)
    level = [w for w in words if low <= w.bottom <= high and not _centre_in(w, box)]
    if not level:
        return False
    beside = [b for b in boxes if b is not box and not _overlap(b, box)]
    outside = [w for w in level if not any(_centre_in(w, b) for b in beside)]
    for word in inside:
        for other in outside:
            if abs(other.bottom - word.bottom) > max(2.0, word.size * 0.3):
                continue
            gap = max(other.x0 - word.x1, word.x0 - other.x1)
            if gap < max(word.size, other.size) * 1.2:
                return True
    return False


def _overlap(a: Box, b: Box) -> bool:
    """Do the boxes share more than an edge?"""
    return min(a[2], b[2]) - max(a[0], b[0]) > 1.0 and min(a[3], b[3]) - max(a[1], b[1]) > 1.0


def _prune(panel: Panel) -> None:
    """A box with nothing inside goes; a box around one other box and nothing else is
    that box."""
    for child in panel.children:
        _prune(child)
    panel.children = [c for c in panel.children if c.words or c.children]
    flat = []
    for child in panel.children:
        if not child.words and len(child.children) == 1:
            flat.append(child.children[0])
        else:
            flat.append(child)
    panel.children = flat


Item = Word | Panel


def _box(item: Item) -> Box:
    if isinstance(item, Panel):
        return _content_box(item)
    return (item.x0, item.top, max(item.x1, item.reach), item.bottom)


_MARKER_RE = re.compile(r"^(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]$")


def _hold_items(words: list[Word]) -> None:
    """A bullet or item number and its text are one piece: the space after a bullet
    (a hanging indent) is not a gutter between columns."""
    for line in _group_lines(words):
        for word, after in zip(line, line[1:], strict=False):
            marker = (
                word.text in BULLETS or CID_RE.fullmatch(word.text) or _MARKER_RE.match(word.text)
            )
            if marker and after.x0 - word.x1 < max(word.size, after.size, 6.0) * 4:
                word.reach = after.x0


def _content_box(panel: Panel) -> Box:
    """Where a box's text is: its drawn box may be larger than its words."""
    boxes = [(w.x0, w.top, w.x1, w.bottom) for w in panel.words] + [
        _content_box(c) for c in panel.children
    ]
    if not boxes:
        return panel.box
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _items(panel: Panel) -> list[Item]:
    return [*panel.words, *panel.children]


def _gaps(spans: Iterable[tuple[float, float]], least: float) -> list[tuple[float, float]]:
    """The clear stretches (at least `least` wide) between the spans, in order."""
    ordered = sorted(spans)
    out = []
    reach = None
    for start, end in ordered:
        if reach is not None and start - reach >= least:
            out.append((reach, start))
        reach = end if reach is None else max(reach, end)
    return out


def _vertical_gutters(items: list[Item]) -> list[tuple[float, float]]:
    """Clear vertical stretches down the whole part: wider than a word space of its type
    (more than half its size), and, when the part has fewer than three lines, wider than
    its type is large."""
    boxes = [_box(i) for i in items]
    if len(boxes) < 2:
        return []
    sizes = [w.size for w in items if isinstance(w, Word) and w.size > 0] or [10.0]
    size = median(sizes)
    gutters = _gaps(((b[0], b[2]) for b in boxes), max(MIN_GUTTER, size * 0.6))
    if not gutters:
        return []
    panels = any(isinstance(i, Panel) for i in items)
    lines = len(_group_lines([i for i in items if isinstance(i, Word)]))
    if not panels:
        if lines < 2:
            return []  # one line of text: its wide spaces are not columns
        if lines < 3:
            gutters = [g for g in gutters if g[1] - g[0] >= size * 1.2]
    return [g for g in gutters if not _rows(items, g)]


def _label_gutter(items: list[Item]) -> tuple[float, float] | None:
    """The space between a table's labels and their values, when the part is such a
    table and has no columns (`_rows`)."""
    boxes = [_box(i) for i in items]
    if len(boxes) < 2 or any(isinstance(i, Panel) for i in items):
        return None
    sizes = [w.size for w in items if isinstance(w, Word) and w.size > 0] or [10.0]
    for gutter in _gaps(((b[0], b[2]) for b in boxes), max(MIN_GUTTER, median(sizes) * 0.6)):
        if _rows(items, gutter):
            return gutter
    return None


def _rows(items: list[Item], gutter: tuple[float, float]) -> bool:
    """Is this "gutter" the space in rows of a label and its value ("Telephone:  0161
    ...")? The left side is short lines level with lines on the right, none a list item;
    a column of text fills its width, and a list set in two columns starts with bullets."""
    left = [i for i in items if isinstance(i, Word) and i.x1 <= gutter[0] + 0.5]
    right = [i for i in items if isinstance(i, Word) and i.x0 >= gutter[1] - 0.5]
    if len(left) < 2 or len(right) < 2 or any(isinstance(i, Panel) for i in items):
        return False
    left_lines = _group_lines(left)
    right_bottoms = [w.bottom for w in right]
    level = sum(
        1
        for line in left_lines
        if any(abs(line[0].bottom - b) <= max(2.0, line[0].size * 0.25) for b in right_bottoms)
    )
    if level < max(2, len(left_lines) * 0.6):
        return False
    if any(
        line[0].text in BULLETS or line[0].text[:1] in BULLETS or CID_RE.fullmatch(line[0].text)
        for line in left_lines
    ):
        return False
    widths = sorted(max(w.x1 for w in line) - min(w.x0 for w in line) for line in left_lines)
    span = max(w.x1 for w in right) - min(w.x0 for w in left)
    return widths[len(widths) // 2] < span * 0.35


def _horizontal_bands(items: list[Item]) -> list[list[Item]]:
    boxes = [(_box(i), i) for i in items]
    gaps = _gaps(((b[1], b[3]) for b, _ in boxes), MIN_BAND_GAP)
    if not gaps:
        return [items]
    bands: list[list[Item]] = [[] for _ in range(len(gaps) + 1)]
    for box, item in boxes:
        centre = (box[1] + box[3]) / 2
        index = sum(1 for gap in gaps if centre > gap[1] - 0.01)
        bands[index].append(item)
    return [b for b in bands if b]


def _read(
    items: list[Item], page: int, out: list[Line], counter: list[int], column: int, boxed: bool
) -> None:
    if not items:
        return
    gutters = _vertical_gutters(items)
    if gutters:
        for part in _split_at(items, gutters):
            counter[0] += 1
            _read(part, page, out, counter, counter[0], boxed)
        return
    label = _label_gutter(items)
    if label is not None:
        _read_rows(items, label, page, out, counter, column, boxed)
        return
    bands = _horizontal_bands(items)
    if len(bands) > 1:
        joined = _columns_together(bands)
        if len(joined) == 1:
            joined = bands  # the joined columns would not cut after all: band by band
        for band in joined:
            _read(band, page, out, counter, column, boxed)
        return
    _leaf(items, page, out, counter, column, boxed)


def _read_rows(
    items: list[Item],
    gutter: tuple[float, float],
    page: int,
    out: list[Line],
    counter: list[int],
    column: int,
    boxed: bool,
) -> None:
    """A table of labels and their values ("Colette Smith | Clinical Nurse Specialist
    ... 024 7696 7419") read row by row: each row's label lines, then its value lines,
    marked with the row, so the row becomes a paragraph of its own that starts with its
    label ("Colette Smith: Clinical Nurse ...") and a phone number at a value's end is
    never run into the next row's name. A row is a band of the table with clear space
    above and below; a band of one-line labels level with one-line values, set close,
    is a row for each line ("Telephone: ..." then "Email: ..."). A band with no label,
    or whose label goes on in lower case or a bracket ("(S-CAT)"), is more of the row
    before."""
    rows: list[tuple[list[list[Word]], list[list[Word]]]] = []
    for band in _horizontal_bands(items):
        words = [i for i in band if isinstance(i, Word)]
        left = _group_lines([w for w in words if (w.x0 + w.x1) / 2 < gutter[1] - 0.01])
        right = _group_lines([w for w in words if (w.x0 + w.x1) / 2 >= gutter[1] - 0.01])
        if rows and (not left or left[0][0].text[:1].islower() or left[0][0].text[:1] == "("):
            rows[-1][0].extend(left)
            rows[-1][1].extend(right)
        elif (
            len(left) >= 2
            and len(left) == len(right)
            and all(_level(a[0], b[0]) for a, b in zip(left, right, strict=True))
            and not any(line[0].text[:1].islower() for line in left[1:])
        ):
            rows += [([a], [b]) for a, b in zip(left, right, strict=True)]
        else:
            rows.append((left, right))
    for labels, values in rows:
        counter[0] += 1
        for words_of_line, is_label in [(w, True) for w in labels] + [(w, False) for w in values]:
            line = Line(words_of_line, page, column=column, boxed=boxed)
            line.row, line.label = counter[0], is_label
            out.append(line)


def _level(a: Word, b: Word) -> bool:
    return abs(a.bottom - b.bottom) <= max(2.0, a.size * 0.25)


def _split_at(items: list[Item], gutters: list[tuple[float, float]]) -> list[list[Item]]:
    parts: list[list[Item]] = [[] for _ in range(len(gutters) + 1)]
    for item in items:
        box = _box(item)
        centre = (box[0] + box[2]) / 2
        parts[sum(1 for g in gutters if centre > g[1] - 0.01)].append(item)
    return [p for p in parts if p]


def _columns_together(bands: list[list[Item]]) -> list[list[Item]]:
    """Neighbouring bands of running text with a gutter in common are one stretch of
    columns: joined, so the left column is read down before the right. Bands with boxes
    are never joined (a traffic light's boxes are read box by box)."""
    out: list[list[Item]] = []
    shared: list[tuple[float, float]] = []
    for band in bands:
        gutters = [] if any(isinstance(i, Panel) for i in band) else _band_gutters(band)
        common = [
            (max(a[0], b[0]), min(a[1], b[1]))
            for a in shared
            for b in gutters
            if min(a[1], b[1]) - max(a[0], b[0]) >= 2.0
        ]
        if out and common:
            out[-1] = out[-1] + band
            shared = common
        else:
            out.append(list(band))
            shared = gutters
    return out


def _band_gutters(band: list[Item]) -> list[tuple[float, float]]:
    """The gutters a band could share with its neighbours: its own, or, for a band of
    one line, its gaps wider than three word spaces (two items side by side, a column's
    heading beside the next one's): a line alone is never cut by them, but a run of
    lines with the gap in one place is a stretch of columns."""
    gutters = _vertical_gutters(band)
    words = [i for i in band if isinstance(i, Word)]
    if gutters or len(_group_lines(words)) != 1:
        return gutters
    size = median([w.size for w in words if w.size > 0] or [10.0])
    return _gaps(((w.x0, w.x1) for w in words), max(MIN_GUTTER, size * 1.5))


def _side_by_side(row: list[Word]) -> list[list[Word]]:
    """Two headings set side by side on one line (over two charts, two boxes) are two
    lines: parts apart by more than two and a half times their size, each set alike,
    in bold or capitals, and reading as a heading. A label and its value ("Telephone:
    0161 ..."), or a table's cells in different styles, stay one line."""
    from .pdf_headings import reads_as_heading

    if len(row) < 2:
        return [row]
    ordered = sorted(row, key=lambda w: w.x0)
    parts: list[list[Word]] = [[ordered[0]]]
    for word in ordered[1:]:
        last = parts[-1][-1]
        if word.x0 - last.x1 >= max(MIN_GUTTER, 2.5 * max(word.size, last.size)):
            parts.append([word])
        else:
            parts[-1].append(word)
    if len(parts) == 1:
        return [row]
    first = parts[0][0]
    alike = all(
        abs(w.size - first.size) <= 0.5 and w.bold == first.bold and w.colour == first.colour
        for part in parts
        for w in part
    )
    texts = [" ".join(w.text for w in part) for part in parts]
    headings = all(
        reads_as_heading(text, 1, colon=False) and len(re.findall(r"[^\W\d_]", text)) >= 3
        for text in texts
    )
    # Set as headings are (bold or capitals), not a list of names in two columns.
    marked = first.bold or all(text.upper() == text for text in texts)
    return parts if alike and headings and marked else [row]


def _group_lines(words: list[Word]) -> list[list[Word]]:
    """Words on one baseline are a line; a table's place is a line of its own."""
    return group_rows(words)


def _leaf(
    items: list[Item], page: int, out: list[Line], counter: list[int], column: int, boxed: bool
) -> None:
    """A part with no cut left: its lines top to bottom; a box in it is read in its
    place (by its top)."""
    words = [i for i in items if isinstance(i, Word)]
    panels = sorted((i for i in items if isinstance(i, Panel)), key=lambda p: _box(p)[1])
    rows = [part for row in _group_lines(words) for part in _side_by_side(row)]
    lines = [Line(row, page, column=column) for row in rows]
    for line in lines:
        line.boxed = boxed
    for panel in panels:
        top = _box(panel)[1]
        before = [ln for ln in lines if ln.top < top]
        lines = [ln for ln in lines if ln.top >= top]
        out.extend(before)
        counter[0] += 1
        _read(_items(panel), page, out, counter, counter[0], True)
    out.extend(lines)
