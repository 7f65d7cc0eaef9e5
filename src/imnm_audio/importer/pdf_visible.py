"""Only what a reader sees on a PDF page: glyphs nobody can see are dropped as the page
is read, before pdfplumber makes words of them.

A blind listener must not hear what a sighted reviewer never saw ("call 0900 123 456
for a cure now" in white on white). pdfminer reads every glyph in the content stream;
this device and interpreter (pdfplumber's own, extended) leave out a glyph that is

- drawn invisibly (text rendering mode 3, or 7 with nothing painted through it), or
  in the colour of what is under it (white on the page, or on a box of its own colour;
  white on a dark box is kept);
- painting nothing: an empty Type 3 glyph, zero horizontal scaling, a Separation
  colour whose colorant is None;
- covered: an opaque box or picture painted over it later (a redaction bar, a white
  rectangle), or an annotation that shows a filled box over it;
- on an optional-content layer that is off (the document's default view, visibility
  expressions evaluated);
- smaller than 2 points;
- outside the page's crop box, or outside the clipping rectangle in force;
- set at an angle (a margin stamp, a diagonal "DRAFT"), or mirrored.

Each dropped glyph is counted by reason and page for the import's note. The page's
glyphs and shapes are counted too, and reading stops at the limits (limits.py).
Text a reader sees that is not in the page's content stream (a FreeText annotation, a
filled-in form field) is handed on as extra words (`shown_annotations`).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pdfminer.layout import LTChar, LTImage, LTPage, LTRect
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdffont import PDFType3Font
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral
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
    "nothing": "drawn with glyphs or a colour that paint nothing",
    "covered": "covered by a box, a picture or an annotation",
    "layer": "on a layer that is switched off",
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


def _covers(box: Box, char: Box) -> bool:
    """Does the box cover the glyph: its centre, and most of its height and width?"""
    x0, y0, x1, y1 = char
    if not _inside((x0 + x1) / 2, (y0 + y1) / 2, box):
        return False
    width = max(min(x1, box[2]) - max(x0, box[0]), 0.0)
    height = max(min(y1, box[3]) - max(y0, box[1]), 0.0)
    return width >= (x1 - x0) * 0.6 and height >= (y1 - y0) * 0.6


def _intersect(a: Box | None, b: Box) -> Box:
    if a is None:
        return b
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


Colour = tuple[float, float, float] | None  # None: a picture, whose colours are unknown
_CELL = 48.0  # points: the grid that finds what lies under a glyph


@dataclass
class _Paint:
    box: Box
    colour: Colour
    order: int  # when it was painted, among the page's glyphs and shapes
    opaque: bool  # hides what is under it (a solid fill or a picture without a mask)


class _Painted:
    """What has been painted on the page so far, in order, found by position through a
    coarse grid (a page may hold tens of thousands of shapes)."""

    def __init__(self) -> None:
        self.count = 0
        self.cells: dict[tuple[int, int], list[_Paint]] = {}
        self.pictures: list[Box] = []
        self.covering = False  # any opaque paint at all, for the check at the page's end

    def add(self, box: Box, colour: Colour, order: int = 0, opaque: bool = False) -> None:
        self.count += 1
        if colour is None:
            self.pictures.append(box)
        paint = _Paint(box, colour, order, opaque)
        self.covering |= opaque
        # A shape far off any page (1e9 points) covers no more of the grid than a page.
        x0, y0, x1, y1 = (min(max(v, -_CELL), 100 * _CELL) for v in box)
        for gx in range(int(x0 // _CELL), int(x1 // _CELL) + 1):
            for gy in range(int(y0 // _CELL), int(y1 // _CELL) + 1):
                self.cells.setdefault((gx, gy), []).append(paint)

    def _cell(self, x: float, y: float) -> list[_Paint]:
        return self.cells.get((int(x // _CELL), int(y // _CELL)), [])

    def under(self, x: float, y: float) -> tuple[bool, Colour]:
        """Whether anything painted lies under the point, and the colour of the last."""
        for paint in reversed(self._cell(x, y)):
            if _inside(x, y, paint.box):
                return True, paint.colour
        return False, None

    def over(self, char: Box, order: int) -> bool:
        """Is the glyph covered by an opaque paint laid down after it?"""
        x, y = (char[0] + char[2]) / 2, (char[1] + char[3]) / 2
        return any(
            paint.opaque and paint.order > order and _covers(paint.box, char)
            for paint in self._cell(x, y)
        )


# ------------------------------------------------------------------ optional content


class OptionalContent:
    """Which optional-content groups (layers) a reader sees: the document's default view
    (/OCProperties /D: BaseState, ON, OFF), membership dictionaries by their policy or
    visibility expression. Each group and dictionary is decided once."""

    def __init__(self, catalog: Any) -> None:
        self.known = False
        self.base_on = True
        self.on: set[int] = set()
        self.off: set[int] = set()
        self._cache: dict[int, bool] = {}
        try:
            props = resolve1(catalog.get("OCProperties")) if catalog else None
            if not isinstance(props, dict):
                return
            default = resolve1(props.get("D")) or {}
            self.base_on = (_name(resolve1(default.get("BaseState"))) or "ON") != "OFF"
            self.on = {_objid(g) for g in _list(default.get("ON"))}
            self.off = {_objid(g) for g in _list(default.get("OFF"))}
            self.known = True
        except Exception:  # damaged properties: every layer shows, as most readers do
            self.known = False

    def visible(self, ref: Any, depth: int = 0) -> bool:
        if not self.known or depth > 20:
            return True
        key = _objid(ref)
        if key and key in self._cache:
            return self._cache[key]
        obj = resolve1(ref)
        result = True
        if isinstance(obj, dict):
            kind = _name(resolve1(obj.get("Type")))
            if kind == "OCMD":
                result = self._membership(obj, depth)
            elif key:
                result = key not in self.off if self.base_on else key in self.on
        if key:
            self._cache[key] = result
        return result

    def _membership(self, obj: dict[str, Any], depth: int) -> bool:
        expression = resolve1(obj.get("VE"))
        if isinstance(expression, list) and expression:
            return self._expression(expression, depth)
        groups = obj.get("OCGs")
        members = _list(groups) if isinstance(resolve1(groups), list) else [groups]
        states = [self.visible(g, depth + 1) for g in members if g is not None]
        if not states:
            return True
        policy = _name(resolve1(obj.get("P"))) or "AnyOn"
        return {
            "AllOn": all(states),
            "AnyOff": not all(states),
            "AllOff": not any(states),
        }.get(policy, any(states))

    def _expression(self, expression: list[Any], depth: int) -> bool:
        if depth > 20 or not expression:
            return True
        op = _name(resolve1(expression[0]))
        values = []
        for item in expression[1:]:
            item_value = resolve1(item)
            if isinstance(item_value, list):
                values.append(self._expression(item_value, depth + 1))
            else:
                values.append(self.visible(item, depth + 1))
        if op == "Not":
            return not values[0] if values else True
        if op == "Or":
            return any(values)
        return all(values)  # And


def _list(value: Any) -> list[Any]:
    value = resolve1(value)
    return list(value) if isinstance(value, list) else []


def _objid(ref: Any) -> int:
    return int(ref.objid) if isinstance(ref, PDFObjRef) else 0


def _name(value: Any) -> str:
    if isinstance(value, PSLiteral):
        name = value.name
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)
    return ""


# ------------------------------------------------------------------ glyphs that paint


_PAINTING_RE = re.compile(rb"(?:^|\s)(?:f\*?|F|B\*?|b\*?|S|s|sh|Do|BI|Tj|TJ|'|\")(?=\s|$)")


class _Type3Glyphs:
    """Which glyphs of a Type 3 font paint something: a glyph procedure with no painting
    operator draws nothing, whatever character it maps to."""

    def __init__(self) -> None:
        self._fonts: dict[int, set[int]] = {}

    def empty(self, font: Any, cid: int) -> bool:
        key = id(font)
        if key not in self._fonts:
            self._fonts[key] = self._empty_codes(font)
        return cid in self._fonts[key]

    @staticmethod
    def _empty_codes(font: Any) -> set[int]:
        spec = getattr(font, "_imnm_spec", None)
        if not isinstance(spec, dict):
            return set()
        try:
            procs = resolve1(spec.get("CharProcs")) or {}
            encoding = resolve1(spec.get("Encoding"))
            names: dict[int, str] = {}
            if isinstance(encoding, dict):
                code = 0
                for item in _list(encoding.get("Differences")):
                    if isinstance(item, int):
                        code = item
                    elif isinstance(item, PSLiteral):
                        names[code] = _name(item)
                        code += 1
            empty = set()
            for code, name in names.items():
                proc = resolve1(procs.get(name))
                if proc is None:
                    continue
                data = proc.get_data() if hasattr(proc, "get_data") else b""
                if not _PAINTING_RE.search(data[:MAX_STREAM_BYTES]):
                    empty.add(code)
            return empty
        except Exception:  # a damaged font: decide nothing by it
            return set()


# ----------------------------------------------------------------------- the device


class VisibleTextDevice(PDFPageAggregatorWithMarkedContent):  # type: ignore[misc]
    """pdfplumber's layout device, keeping only the glyphs a reader can see."""

    def __init__(self, *args: Any, layers: OptionalContent | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.dropped: Counter[str] = Counter()
        self.glyphs = 0
        self.shapes = 0
        self.clip: Box | None = None
        self.page_box: Box = (-1e9, -1e9, 1e9, 1e9)
        self.painted = _Painted()
        self.layers = layers or OptionalContent(None)
        self.type3 = _Type3Glyphs()
        self.order = 0
        self.fill_opaque = True  # the graphics state's fill: alpha 1, normal blending
        self.depth = 0  # graphics-state depth (q), for clips made of text
        self._render = 0
        self._scaling = 100.0
        self._marks: list[tuple[str, int | None, bool]] = []  # (tag, mcid, shown)
        self._invisible: list[tuple[LTChar, Any]] = []
        self._clip_text: list[tuple[LTChar, Any, int]] = []  # mode 7, awaiting a fill
        self._revived: set[int] = set()
        self._shown: list[tuple[LTChar, Any, int]] = []  # every glyph kept, in order

    # marked content: nested properly, layers decided, artifacts known
    def begin_tag(self, tag: Any, props: Any = None) -> None:
        name = _name(tag)
        mcid = props.get("MCID") if isinstance(props, dict) else None
        shown = not self._marks or self._marks[-1][2]
        if name == "OC" and props is not None:
            shown = shown and self.layers.visible(props)
        self._marks.append((name, mcid if isinstance(mcid, int) else None, shown))
        self._update_mark()

    def end_tag(self) -> None:
        if self._marks:
            self._marks.pop()
        self._update_mark()

    def _update_mark(self) -> None:
        self.cur_mcid = next((m for _, m, _ in reversed(self._marks) if m is not None), None)
        tags = [t for t, _, _ in self._marks if t != "OC"]
        self.cur_tag = "Artifact" if "Artifact" in tags else (tags[-1] if tags else None)

    @property
    def layer_shown(self) -> bool:
        return not self._marks or self._marks[-1][2]

    def end_page(self, page: Any) -> None:
        pictures = self.painted.pictures
        doomed: dict[int, set[int]] = {}
        containers: dict[int, Any] = {}

        def drop(char: LTChar, container: Any, why: str) -> None:
            doomed.setdefault(id(container), set()).add(id(char))
            containers[id(container)] = container
            if char.get_text().strip():
                self.dropped[why] += 1

        for char, container, _ in self._clip_text:
            if id(char) not in self._revived:
                self._invisible.append((char, container))
        for char, container in self._invisible:
            x, y = (char.x0 + char.x1) / 2, (char.y0 + char.y1) / 2
            if not any(_inside(x, y, box) for box in pictures):
                drop(char, container, "invisible")
        if self.painted.covering:
            for char, container, order in self._shown:
                if self.painted.over((char.x0, char.y0, char.x1, char.y1), order):
                    drop(char, container, "covered")
        for key, gone in doomed.items():
            container = containers[key]
            container._objs = [o for o in container._objs if id(o) not in gone]
        self._invisible = []
        self._clip_text = []
        self._shown = []
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
        try:
            self._scaling = float(getattr(textstate, "scaling", 100) or 0)
        except (TypeError, ValueError):
            self._scaling = 100.0
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv: float = super().render_char(*args, **kwargs)
        self.glyphs += 1
        self.order += 1
        if self.glyphs > MAX_GLYPHS_PER_PAGE:
            raise LimitExceeded(
                f"page {self.pageno} has more than {MAX_GLYPHS_PER_PAGE:,} characters, more "
                "than any page of a factsheet.",
                SPLIT,
            )
        objs = self.cur_item._objs
        if objs and isinstance(objs[-1], LTChar):
            font = args[1] if len(args) > 1 else kwargs.get("font")
            cid = args[5] if len(args) > 5 else kwargs.get("cid", -1)
            why = self._hidden(objs[-1], font, cid)
            if why:
                char = objs.pop()
                if char.get_text().strip():  # a hidden space hides nothing
                    self.dropped[why] += 1
            elif self._render not in (3, 7):
                self._shown.append((objs[-1], self.cur_item, self.order))
        return adv

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
        before = len(self.cur_item._objs)
        super().paint_path(gstate, stroke, fill, evenodd, path)
        self.shapes += 1
        self.order += 1
        if self.shapes > MAX_SHAPES_PER_PAGE:
            raise LimitExceeded(
                f"page {self.pageno} has more than {MAX_SHAPES_PER_PAGE:,} drawn shapes (a "
                "detailed chart or map), more than any page of a factsheet.",
                SPLIT,
            )
        if fill and self.layer_shown:
            colour = to_rgb(gstate.ncolor, gstate.ncs)
            paints = not getattr(gstate.ncs, "paints_nothing", False)
            for obj in self.cur_item._objs[before:]:
                if obj.width > 1 and obj.height > 1 and paints:
                    box = (obj.x0, obj.y0, obj.x1, obj.y1)
                    opaque = self.fill_opaque and isinstance(obj, LTRect)
                    self.painted.add(box, colour, self.order, opaque)
                    self._paint_through(box)

    def paint_area(self, box: Box) -> None:
        """A shading (sh) fills the clipping area: text used as a clip shows through."""
        self.order += 1
        self._paint_through(box)

    def _paint_through(self, box: Box) -> None:
        """Paint laid down while text is the clipping path shows the text's shapes: those
        glyphs are seen after all (text rendering mode 7, then a fill)."""
        for char, _, depth in self._clip_text:
            centre = ((char.x0 + char.x1) / 2, (char.y0 + char.y1) / 2)
            if depth <= self.depth and _inside(*centre, box):
                self._revived.add(id(char))

    def restore(self) -> None:
        """Q: a clip made of text ends with the state it was made in."""
        self.depth = max(self.depth - 1, 0)
        kept = []
        for char, container, depth in self._clip_text:
            if depth > self.depth and id(char) not in self._revived:
                self._invisible.append((char, container))
            else:
                kept.append((char, container, min(depth, self.depth)))
        self._clip_text = kept

    def render_image(self, name: str, stream: Any) -> None:
        super().render_image(name, stream)
        self.order += 1
        item = self.cur_item._objs[-1] if self.cur_item._objs else None
        if isinstance(item, LTImage) and self.layer_shown:
            box = (item.x0, item.y0, item.x1, item.y1)
            self.painted.add(box, None, self.order, self.fill_opaque and _opaque_image(stream))
            self._paint_through(box)

    def end_figure(self, name: str) -> None:
        # An image is drawn in a figure of its own: what it covers is the figure's box.
        figure = self.cur_item
        super().end_figure(name)
        images = [o for o in figure if isinstance(o, LTImage)]
        if images and self.layer_shown:
            opaque = self.fill_opaque and all(_opaque_image(i.stream) for i in images)
            box = (figure.x0, figure.y0, figure.x1, figure.y1)
            self.painted.add(box, None, self.order, opaque)

    def _hidden(self, char: LTChar, font: Any = None, cid: Any = -1) -> str | None:
        x, y = (char.x0 + char.x1) / 2, (char.y0 + char.y1) / 2
        if not self.layer_shown:
            return "layer"
        state = char.graphicstate
        stroked = self._render in (1, 5)
        space = state.scs if stroked else state.ncs
        if getattr(space, "paints_nothing", False) or self._scaling == 0:
            return "nothing"
        if isinstance(font, PDFType3Font) and isinstance(cid, int) and self.type3.empty(font, cid):
            return "nothing"
        if self._render == 7:
            # A clip made of text: seen only where something is painted through it.
            self._clip_text.append((char, self.cur_item, self.depth))
            return None
        if self._render == 3:
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


def _opaque_image(stream: Any) -> bool:
    """A picture hides what is under it unless it is a stencil or has a mask."""
    attrs = getattr(stream, "attrs", None) or {}
    return not any(k in attrs for k in ("SMask", "Mask", "ImageMask", "IM"))


class ClippingInterpreter(PDFPageInterpreter):  # type: ignore[misc]
    """pdfminer's interpreter, keeping on the device what decides visibility: the box
    around each clipping path (W, W*), narrowed as clips are added, restored by Q; the
    fill's transparency and blending from the graphics-state dictionaries (gs); the
    property lists of marked content (an /OC layer named in the resources); and the
    layers of form XObjects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clips: list[tuple[Box | None, bool]] = []

    def init_resources(self, resources: Any) -> None:
        """pdfminer's, but a broken colour space (an ICC profile without its /N, seen in
        a real file) is left out instead of stopping the page: colours only decide
        whether text is hidden, and an unknown colour hides nothing. A Separation or
        DeviceN colour whose colorants are None paints nothing, and is marked so."""
        try:
            super().init_resources(resources)
        except Exception:
            from pdfminer.pdftypes import dict_value

            rest = {k: v for k, v in dict_value(resources).items() if k != "ColorSpace"}
            super().init_resources(rest)
            self.resources = resources
        try:
            spaces = resolve1((resolve1(resources) or {}).get("ColorSpace")) or {}
            for key, spec in dict(spaces).items():
                spec = resolve1(spec)
                if not isinstance(spec, list) or len(spec) < 2:
                    continue
                kind = _name(resolve1(spec[0]))
                names = resolve1(spec[1])
                colorants = [resolve1(n) for n in names] if isinstance(names, list) else [names]
                if kind in ("Separation", "DeviceN") and all(_name(n) == "None" for n in colorants):
                    space = PDFColorSpace(kind, max(len(colorants), 1))
                    space.paints_nothing = True  # type: ignore[attr-defined]
                    self.csmap[str(key)] = space
        except Exception:  # damaged colour spaces decide nothing
            pass
        try:  # a Type 3 font's glyph procedures, to know which glyphs paint nothing
            fonts = resolve1((resolve1(resources) or {}).get("Font")) or {}
            for key, value in dict(fonts).items():
                font = self.fontmap.get(key)
                if isinstance(font, PDFType3Font):
                    font._imnm_spec = resolve1(value)
        except Exception:
            pass

    def do_q(self) -> None:
        super().do_q()
        self._clips.append((self.device.clip, self.device.fill_opaque))
        self.device.depth += 1

    def do_Q(self) -> None:
        super().do_Q()
        if self._clips:
            self.device.clip, self.device.fill_opaque = self._clips.pop()
        self.device.restore()

    def do_gs(self, name: Any) -> None:
        try:
            states = resolve1((resolve1(self.resources) or {}).get("ExtGState")) or {}
            state = resolve1(states.get(_name(name) or str(name)))
        except Exception:
            return
        if not isinstance(state, dict):
            return
        alpha = resolve1(state.get("ca"))
        blend = resolve1(state.get("BM"))
        blend_name = _name(blend[0] if isinstance(blend, list) and blend else blend)
        soft = resolve1(state.get("SMask"))
        opaque = self.device.fill_opaque
        if isinstance(alpha, (int, float)):
            opaque = alpha >= 0.999
        if blend_name and blend_name not in ("Normal", "Compatible"):
            opaque = False
        if soft is not None and _name(soft) != "None":
            opaque = False
        self.device.fill_opaque = opaque

    def do_BDC(self, tag: Any, props: Any) -> None:
        """A property list named in the resources (/OC /MC0 BDC) is looked up there."""
        if isinstance(props, PSLiteral):
            try:
                named = resolve1((resolve1(self.resources) or {}).get("Properties")) or {}
                found = named.get(_name(props))
                props = found if found is not None else props
            except Exception:
                pass
        if _name(tag) == "OC":
            self.device.begin_tag(tag, props if props is not None else {})
            return
        super().do_BDC(tag, resolve1(props) if isinstance(props, PDFObjRef) else props)

    def do_sh(self, name: Any) -> None:
        self.device.paint_area(self.device.clip or self.device.page_box)

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
        try:
            xobj = resolve1(self.xobjmap.get(_name(xobjid) or str(xobjid)))
            layer = xobj.get("OC") if isinstance(getattr(xobj, "attrs", None), dict) else None
        except Exception:
            layer = None
        if layer is not None and not self.device.layers.visible(layer):
            return  # a form or picture on a layer that is off is never drawn
        super().do_Do(xobjid)
        self.device.clip = saved


def read_visible(page: Any, layers: OptionalContent | None = None) -> tuple[Counter[str], int]:
    """Read the page's content with the visible-text device and give it to pdfplumber
    as the page's layout, so its words and shapes are only what a reader sees. What
    was dropped is returned, by reason, with the number of glyphs read."""
    _check_streams(page)
    device = VisibleTextDevice(
        page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams, layers=layers
    )
    interpreter = ClippingInterpreter(page.pdf.rsrcmgr, device)
    interpreter.process_page(page.page_obj)
    layout: LTPage = device.get_result()
    page._layout = layout  # pdfplumber's own cache of the page's layout
    _annotations_cover(page, device.dropped)
    page._objects = page_objects(page)  # and of its objects, made faster
    return device.dropped, device.glyphs


def page_objects(page: Any) -> dict[str, list[dict[str, Any]]]:
    """pdfplumber's `Page.objects` from the page's layout: the same dictionaries its
    `parse_objects` makes, with each glyph's made directly (the generic conversion
    resolves every attribute of every glyph, a quarter of a long PDF's import time).
    Anything that is not a glyph goes through pdfplumber's own `process_object`."""
    from unicodedata import normalize as normalize_unicode

    from pdfminer.layout import LTContainer
    from pdfplumber.utils.pdfinternals import resolve_and_decode

    objects: dict[str, list[dict[str, Any]]] = {}
    mb_x0, mb_top = page.mediabox[:2]
    height, doctop, number = page.height, page.initial_doctop, page.page_number
    norm = page.pdf.unicode_norm
    containers = page.pdf.laparams is not None
    spaces: dict[int, Any] = {}

    def char(obj: LTChar) -> dict[str, Any]:
        gs = obj.graphicstate
        text = obj.get_text()
        top = (height - obj.y1) + mb_top
        out = {
            "adv": obj.adv, "height": obj.height, "size": obj.size, "width": obj.width,
            "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "y0": obj.y0, "y1": obj.y1,
            "matrix": obj.matrix, "upright": obj.upright, "fontname": obj.fontname,
            "text": normalize_unicode(norm, text) if norm is not None else text,
            "object_type": "char", "page_number": number,
            "stroking_color": gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,),
            "non_stroking_color": gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,),
            "top": top, "bottom": (height - obj.y0) + mb_top, "doctop": doctop + top,
        }  # fmt: skip
        for key in ("mcid", "tag"):
            if hasattr(obj, key):
                out[key] = getattr(obj, key)
        for key in ("ncs", "scs"):
            space = getattr(obj, key, None)
            if space is not None:
                if id(space) not in spaces:
                    spaces[id(space)] = resolve_and_decode(space.name)
                out[key] = spaces[id(space)]
        if isinstance(out["fontname"], bytes):
            return page.process_object(obj)  # type: ignore[no-any-return]
        return out

    def walk(items: Any) -> None:
        for obj in items:
            if isinstance(obj, LTChar):
                objects.setdefault("char", []).append(char(obj))
                continue
            if isinstance(obj, LTContainer) and not containers:
                walk(obj._objs)
                continue
            made = page.process_object(obj)
            if made["object_type"] != "anno":
                objects.setdefault(made["object_type"], []).append(made)
            if isinstance(obj, LTContainer):
                walk(obj._objs)

    walk(page.layout._objs)
    return objects


# ------------------------------------------------------------------ annotations

_HIDDEN_FLAGS = 2 | 32  # Hidden, NoView
_COVERING = {"Square", "Circle", "Polygon", "Stamp", "FreeText", "Widget"}


def _annotations(page: Any) -> list[dict[str, Any]]:
    try:
        annots = resolve1(page.page_obj.attrs.get("Annots"))
    except Exception:
        return []
    out = []
    for ref in annots if isinstance(annots, list) else []:
        try:
            annot = resolve1(ref)
        except Exception:
            continue
        if isinstance(annot, dict):
            out.append(annot)
    return out


def _shown(annot: dict[str, Any]) -> bool:
    try:
        flags = int(resolve1(annot.get("F")) or 0)
    except (TypeError, ValueError):
        flags = 0
    return not flags & _HIDDEN_FLAGS


def _rect(page: Any, annot: dict[str, Any]) -> Box | None:
    """An annotation's rectangle in pdfplumber's page coordinates (top down)."""
    rect = resolve1(annot.get("Rect"))
    try:
        x0, y0, x1, y1 = (float(resolve1(v)) for v in rect)
    except (TypeError, ValueError):
        return None
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    ox, oy = float(page.mediabox[0]), float(page.mediabox[1])
    height = float(page.height)
    return (x0 - ox, height - (y1 - oy), x1 - ox, height - (y0 - oy))


def _fills(annot: dict[str, Any]) -> bool:
    """Does the annotation paint a solid box: an interior colour (IC), a background
    (FreeText's C, a widget's MK/BG), or a stamp's picture?"""
    kind = _name(resolve1(annot.get("Subtype")))
    try:
        alpha = float(resolve1(annot.get("CA")) if annot.get("CA") is not None else 1.0)
    except (TypeError, ValueError):
        alpha = 1.0
    if alpha < 0.999:
        return False
    if kind == "Stamp":
        return annot.get("AP") is not None
    if kind in ("Square", "Circle", "Polygon"):
        return bool(_list(annot.get("IC")))
    if kind == "FreeText":
        return bool(_list(annot.get("C")))
    if kind == "Widget":
        looks = resolve1(annot.get("MK")) or {}
        return isinstance(looks, dict) and bool(_list(looks.get("BG")))
    return False


def _annotations_cover(page: Any, dropped: Counter[str]) -> None:
    """Glyphs under an annotation that shows a filled box are left out: a viewer draws
    annotations over the page."""
    boxes = []
    for annot in _annotations(page):
        kind = _name(resolve1(annot.get("Subtype")))
        if kind in _COVERING and _shown(annot) and _fills(annot):
            rect = _rect(page, annot)
            if rect:
                boxes.append(rect)
    if not boxes:
        return
    layout = page._layout
    height = float(page.height)

    def prune(container: Any) -> None:
        kept = []
        for obj in container._objs:
            if isinstance(obj, LTChar):
                box = (obj.x0, height - obj.y1, obj.x1, height - obj.y0)
                if any(_covers(b, box) for b in boxes):
                    if obj.get_text().strip():
                        dropped["covered"] += 1
                    continue
            elif hasattr(obj, "_objs"):
                prune(obj)
            kept.append(obj)
        container._objs = kept

    prune(layout)


def shown_annotations(page: Any) -> list[tuple[Box, str, float]]:
    """Text a reader sees that the page's content does not draw: FreeText annotations
    and the values of filled-in form fields (text and choice fields), each with its box
    (top-down page coordinates) and type size (from its default appearance, else the
    box's height). Hidden annotations and empty fields give nothing."""
    out: list[tuple[Box, str, float]] = []
    for annot in _annotations(page):
        kind = _name(resolve1(annot.get("Subtype")))
        if not _shown(annot):
            continue
        text = ""
        if kind == "FreeText":
            text = _text(resolve1(annot.get("Contents")))
        elif kind == "Widget":
            text = _field_value(annot)
        rect = _rect(page, annot)
        if text.strip() and rect:
            looks = re.search(r"([\d.]+)\s+Tf", _text(resolve1(annot.get("DA"))))
            size = float(looks.group(1)) if looks and float(looks.group(1)) > 0 else 0.0
            out.append((rect, text, size or min((rect[3] - rect[1]) * 0.6, 12.0)))
    return out


def _field_value(annot: dict[str, Any]) -> str:
    """A text or choice field's value; the field's own dictionary may be a parent."""
    field: Any = annot
    for _ in range(10):
        if not isinstance(field, dict):
            return ""
        kind = _name(resolve1(field.get("FT")))
        if field.get("V") is not None or kind:
            value = resolve1(field.get("V"))
            if kind and kind not in ("Tx", "Ch"):
                return ""
            if isinstance(value, list):
                return ", ".join(_text(resolve1(v)) for v in value)
            return _text(value)
        field = resolve1(field.get("Parent"))
    return ""


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
            return value.decode("utf-16", "replace")
        return value.decode("latin-1")
    return str(value) if isinstance(value, str) else ""


# ------------------------------------------------------------------ turned pages


def turned(
    page: Any, dropped: Counter[str], glyphs: int, layers: OptionalContent | None = None
) -> Any:
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
        found, count = read_visible(again, layers)
        if found["angled"] < count * 0.2:
            return again
    page_obj.rotate = original
    page_obj.attrs["Rotate"] = original
    return None


def _check_streams(page: Any) -> None:
    """A page's drawing instructions may not inflate past MAX_STREAM_BYTES: measured by
    inflating at most that much, before pdfminer inflates them whole."""
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
