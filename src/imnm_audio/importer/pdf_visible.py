"""Only what a reader sees on a PDF page: glyphs nobody can see are dropped as the page
is read, before pdfplumber makes words of them.

A blind listener must not hear what a sighted reviewer never saw ("call 0900 123 456
for a cure now" in white on white). pdfminer reads every glyph in the content stream;
this device and interpreter (pdfplumber's own, extended) leave out a glyph that is

- drawn invisibly (text rendering mode 3 or 7), or in the colour of what is under it
  (white on the page, or on a box of its own colour; white on a dark box is kept);
- smaller than 2 points;
- outside the page's crop box, or outside the clipping rectangle in force;
- set at an angle (a margin stamp, a diagonal "DRAFT"), or mirrored.

Each dropped glyph is counted by reason and page for the import's note. The page's
glyphs and shapes are counted too, and reading stops at the limits (limits.py).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from typing import Any

from pdfminer.layout import LTChar, LTImage, LTPage
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_pt, apply_matrix_rect
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from .limits import (
    MAX_GLYPHS_PER_PAGE,
    MAX_SHAPES_PER_PAGE,
    MAX_STREAM_BYTES,
    SPLIT,
    LimitExceeded,
)

Box = tuple[float, float, float, float]
MIN_SIZE = 2.0  # points
MAX_ANGLE = 3.0  # degrees from level before a line of text counts as set at an angle
SAME_COLOUR = 0.12  # the largest channel difference that still reads as "the same"

HIDDEN_REASONS = {
    "invisible": "drawn invisibly",
    "colour": "in the colour of the background",
    "tiny": "smaller than 2 points",
    "off-page": "outside the page",
    "clipped": "clipped away",
    "angled": "set at an angle (a stamp or watermark)",
    "mirrored": "mirrored",
}


def to_rgb(colour: Any, space: Any) -> tuple[float, float, float] | None:
    """A PDF colour as RGB in 0..1, or None when it cannot be told (a pattern, a spot
    colour): then nothing is decided by it."""
    name = getattr(space, "name", "") or ""
    values = colour if isinstance(colour, (tuple, list)) else (colour,)
    try:
        parts = [float(v) for v in values]
    except (TypeError, ValueError):
        return None
    if name in ("DeviceGray", "CalGray") or (name == "ICCBased" and len(parts) == 1):
        if len(parts) != 1:
            return None
        return (parts[0],) * 3  # type: ignore[return-value]
    if name in ("DeviceRGB", "CalRGB") or (name == "ICCBased" and len(parts) == 3):
        return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None
    if name == "DeviceCMYK" or (name == "ICCBased" and len(parts) == 4):
        if len(parts) != 4:
            return None
        c, m, y, k = parts
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def _same(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= SAME_COLOUR


def _inside(x: float, y: float, box: Box) -> bool:
    return box[0] - 0.5 <= x <= box[2] + 0.5 and box[1] - 0.5 <= y <= box[3] + 0.5


def _intersect(a: Box | None, b: Box) -> Box:
    if a is None:
        return b
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


Colour = tuple[float, float, float] | None  # None: a picture, whose colours are unknown
_CELL = 48.0  # points: the grid that finds what lies under a glyph


class _Painted:
    """What has been painted on the page so far, in order, found by position through a
    coarse grid (a page may hold tens of thousands of shapes)."""

    def __init__(self) -> None:
        self.count = 0
        self.cells: dict[tuple[int, int], list[tuple[Box, Colour]]] = {}
        self.pictures: list[Box] = []

    def add(self, box: Box, colour: Colour) -> None:
        self.count += 1
        if colour is None:
            self.pictures.append(box)
        # A shape far off any page (1e9 points) covers no more of the grid than a page.
        x0, y0, x1, y1 = (min(max(v, -_CELL), 100 * _CELL) for v in box)
        for gx in range(int(x0 // _CELL), int(x1 // _CELL) + 1):
            for gy in range(int(y0 // _CELL), int(y1 // _CELL) + 1):
                self.cells.setdefault((gx, gy), []).append((box, colour))

    def under(self, x: float, y: float) -> tuple[bool, Colour]:
        """Whether anything painted lies under the point, and the colour of the last."""
        for box, colour in reversed(self.cells.get((int(x // _CELL), int(y // _CELL)), [])):
            if _inside(x, y, box):
                return True, colour
        return False, None


class VisibleTextDevice(PDFPageAggregatorWithMarkedContent):  # type: ignore[misc]
    """pdfplumber's layout device, keeping only the glyphs a reader can see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dropped: Counter[str] = Counter()
        self.glyphs = 0
        self.shapes = 0
        self.clip: Box | None = None
        self.page_box: Box = (-1e9, -1e9, 1e9, 1e9)
        self.painted = _Painted()
        self._render = 0
        self._invisible: list[tuple[LTChar, Any]] = []

    def end_page(self, page: Any) -> None:
        pictures = self.painted.pictures
        doomed: dict[int, set[int]] = {}
        containers: dict[int, Any] = {}
        for char, container in self._invisible:
            x, y = (char.x0 + char.x1) / 2, (char.y0 + char.y1) / 2
            if not any(_inside(x, y, box) for box in pictures):
                doomed.setdefault(id(container), set()).add(id(char))
                containers[id(container)] = container
                if char.get_text().strip():
                    self.dropped["invisible"] += 1
        for key, gone in doomed.items():
            container = containers[key]
            container._objs = [o for o in container._objs if id(o) not in gone]
        self._invisible = []
        super().end_page(page)

    def begin_page(self, page: Any, ctm: Any) -> None:
        super().begin_page(page, ctm)
        crop = apply_matrix_rect(ctm, page.cropbox)
        media = apply_matrix_rect(ctm, page.mediabox)
        self.page_box = _intersect(
            (
                min(crop[0], crop[2]),
                min(crop[1], crop[3]),
                max(crop[0], crop[2]),
                max(crop[1], crop[3]),
            ),
            (
                min(media[0], media[2]),
                min(media[1], media[3]),
                max(media[0], media[2]),
                max(media[1], media[3]),
            ),
        )

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        self._render = int(getattr(textstate, "render", 0) or 0)
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv: float = super().render_char(*args, **kwargs)
        self.glyphs += 1
        if self.glyphs > MAX_GLYPHS_PER_PAGE:
            raise LimitExceeded(
                f"page {self.pageno} has more than {MAX_GLYPHS_PER_PAGE:,} characters, more "
                "than any page of a factsheet.",
                SPLIT,
            )
        objs = self.cur_item._objs
        if objs and isinstance(objs[-1], LTChar):
            why = self._hidden(objs[-1])
            if why:
                char = objs.pop()
                if char.get_text().strip():  # a hidden space hides nothing
                    self.dropped[why] += 1
        return adv

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
        before = len(self.cur_item._objs)
        super().paint_path(gstate, stroke, fill, evenodd, path)
        self.shapes += 1
        if self.shapes > MAX_SHAPES_PER_PAGE:
            raise LimitExceeded(
                f"page {self.pageno} has more than {MAX_SHAPES_PER_PAGE:,} drawn shapes (a "
                "detailed chart or map), more than any page of a factsheet.",
                SPLIT,
            )
        if fill:
            colour = to_rgb(gstate.ncolor, gstate.ncs)
            for obj in self.cur_item._objs[before:]:
                if obj.width > 1 and obj.height > 1:
                    self.painted.add((obj.x0, obj.y0, obj.x1, obj.y1), colour)

    def render_image(self, name: str, stream: Any) -> None:
        super().render_image(name, stream)
        item = self.cur_item._objs[-1] if self.cur_item._objs else None
        if isinstance(item, LTImage):
            self.painted.add((item.x0, item.y0, item.x1, item.y1), None)

    def end_figure(self, name: str) -> None:
        # An image is drawn in a figure of its own: what it covers is the figure's box.
        figure = self.cur_item
        super().end_figure(name)
        if any(isinstance(o, LTImage) for o in figure):
            self.painted.add((figure.x0, figure.y0, figure.x1, figure.y1), None)

    def _hidden(self, char: LTChar) -> str | None:
        x, y = (char.x0 + char.x1) / 2, (char.y0 + char.y1) / 2
        if self._render in (3, 7):
            # Decided at the page's end: invisible text over a picture (drawn before or
            # after it) is an OCR layer, and the picture shows it.
            self._invisible.append((char, self.cur_item))
            return None
        a, b, c, d = char.matrix[:4]
        if a * d - b * c < 0:
            return "mirrored"
        angle = math.degrees(math.atan2(b, a)) if (a or b) else 90.0
        if abs(angle) > MAX_ANGLE:
            return "angled"
        if char.size < MIN_SIZE and char.get_text().strip():
            return "tiny"
        if not _inside(x, y, self.page_box):
            return "off-page"
        if self.clip is not None and not _inside(x, y, self.clip):
            return "clipped"
        state = char.graphicstate
        stroked = self._render in (1, 5)
        colour = to_rgb(
            state.scolor if stroked else state.ncolor, state.scs if stroked else state.ncs
        )
        if colour is None:
            return None
        found, background = self.painted.under(x, y)
        if not found:
            background = (1.0, 1.0, 1.0)  # the paper
        if background is not None and _same(colour, background):
            return "colour"
        return None


class ClippingInterpreter(PDFPageInterpreter):  # type: ignore[misc]
    """pdfminer's interpreter, keeping the clipping rectangle on the device: the box
    around each clipping path (W, W*), narrowed as clips are added, restored by Q."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clips: list[Box | None] = []

    def init_resources(self, resources: Any) -> None:
        """pdfminer's, but a broken colour space (an ICC profile without its /N, seen in
        a real file) is left out instead of stopping the page: colours only decide
        whether text is hidden, and an unknown colour hides nothing."""
        try:
            super().init_resources(resources)
        except Exception:
            from pdfminer.pdftypes import dict_value

            rest = {k: v for k, v in dict_value(resources).items() if k != "ColorSpace"}
            super().init_resources(rest)
            self.resources = resources

    def do_q(self) -> None:
        super().do_q()
        self._clips.append(self.device.clip)

    def do_Q(self) -> None:
        super().do_Q()
        if self._clips:
            self.device.clip = self._clips.pop()

    def do_W(self) -> None:
        self._clip_to_path()

    def do_W_a(self) -> None:
        self._clip_to_path()

    def _clip_to_path(self) -> None:
        points = [
            apply_matrix_pt(self.ctm, (float(seg[i]), float(seg[i + 1])))
            for seg in self.curpath
            for i in range(1, len(seg) - 1, 2)
            if isinstance(seg[i], (int, float)) and isinstance(seg[i + 1], (int, float))
        ]
        if not points:
            return
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.device.clip = _intersect(self.device.clip, (min(xs), min(ys), max(xs), max(ys)))

    def do_Do(self, xobjid: Any) -> None:
        saved = self.device.clip  # a form's own clips end with it
        super().do_Do(xobjid)
        self.device.clip = saved


def read_visible(page: Any) -> tuple[Counter[str], int]:
    """Read the page's content with the visible-text device and give it to pdfplumber
    as the page's layout, so its words and shapes are only what a reader sees. What
    was dropped is returned, by reason, with the number of glyphs read."""
    _check_streams(page)
    device = VisibleTextDevice(
        page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams
    )
    interpreter = ClippingInterpreter(page.pdf.rsrcmgr, device)
    interpreter.process_page(page.page_obj)
    layout: LTPage = device.get_result()
    page._layout = layout  # pdfplumber's own cache of the page's layout
    return device.dropped, device.glyphs


def turned(page: Any, dropped: Counter[str], glyphs: int) -> Any:
    """A page whose text nearly all runs at one angle is turned (a landscape table set
    sideways, a page rotated the wrong way), not stamped: the page read again turned by
    a quarter, half or three quarters, whichever makes its text level; None when none
    does."""
    from pdfplumber.page import Page

    if glyphs < 20 or dropped["angled"] < glyphs * 0.8:
        return None
    page_obj = page.page_obj
    original = page_obj.rotate
    for extra in (90, 270, 180):
        page_obj.rotate = (original + extra) % 360
        page_obj.attrs["Rotate"] = page_obj.rotate
        again = Page(page.pdf, page_obj, page_number=page.page_number, initial_doctop=0)
        found, count = read_visible(again)
        if found["angled"] < count * 0.2:
            return again
    page_obj.rotate = original
    page_obj.attrs["Rotate"] = original
    return None


def _check_streams(page: Any) -> None:
    """A page's drawing instructions may not inflate past MAX_STREAM_BYTES: measured by
    inflating at most that much, before pdfminer inflates them whole."""
    from pdfminer.pdftypes import resolve1

    total = 0
    for stream in page.page_obj.contents or []:
        stream = resolve1(stream)
        raw = getattr(stream, "rawdata", None)
        if raw is None:  # already decoded
            total += len(getattr(stream, "data", b"") or b"")
            continue
        filters = [getattr(f, "name", str(f)) for f, _ in stream.get_filters()[:1]]
        if filters and filters[0] in ("FlateDecode", "Fl"):
            try:
                total += len(zlib.decompressobj().decompress(raw, MAX_STREAM_BYTES + 1))
            except zlib.error:
                continue  # pdfminer reports or mends a broken stream itself
        else:
            total += len(raw)
        if total > MAX_STREAM_BYTES:
            raise LimitExceeded(
                f"page {page.page_number} has more than {MAX_STREAM_BYTES // (1024 * 1024)} MB "
                "of drawing instructions, more than any page of a factsheet.",
                SPLIT,
            )
