"""What a visitor of a saved web page sees, as its own styles decide: everything else is
taken out of the page before its text is read.

A blind listener must not hear what a sighted reviewer never saw. Hidden here: the
`hidden` attribute, `<template>`, `aria-hidden="true"` (also hidden from screen
readers), and what the page's inline styles and its own style sheets (rules with simple
selectors: a tag, `.class`, `#id`, `tag.class`, `.a.b`) hide: display:none,
visibility:hidden, opacity:0, font-size:0, a height or width of 0 with the overflow
hidden, transform:scale(0), a transparent colour, or text in the colour of its
background (inline, or set through a class; white on a page whose background is
white). Text meant for screen readers is kept, as a screen-reader user gets it: the
"visually hidden" pattern (a 1-pixel clipped box, or a class called sr-only,
visually-hidden, screen-reader-text and the like), and text moved off the screen.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

Colour = tuple[float, float, float, float]  # r, g, b, alpha in 0..1

_RULE_RE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
_SIMPLE_RE = re.compile(r"^([a-z][a-z0-9]*)?((?:[.#][\w-]+)*)$", re.I)
_SCREEN_READER_RE = re.compile(
    r"sr-only|screen-?reader|visually-?hidden|visuallyhidden|assistive|a11y-hidden"
    r"|offscreen|hidden-accessible|u-hidden-visually",
    re.I,
)
_NAMED = {
    "white": (1.0, 1.0, 1.0),
    "black": (0.0, 0.0, 0.0),
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 0.5, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "yellow": (1.0, 1.0, 0.0),
    "gray": (0.5, 0.5, 0.5),
    "grey": (0.5, 0.5, 0.5),
    "silver": (0.75, 0.75, 0.75),
    "navy": (0.0, 0.0, 0.5),
    "whitesmoke": (0.96, 0.96, 0.96),
    "snow": (1.0, 0.98, 0.98),
    "ivory": (1.0, 1.0, 0.94),
}


def declarations(text: str) -> dict[str, str]:
    """ "color: #fff; Display:none" -> {"color": "#fff", "display": "none"}."""
    out = {}
    for part in text.split(";"):
        if ":" in part:
            name, value = part.split(":", 1)
            out[name.strip().lower()] = value.strip().lower().replace("!important", "").strip()
    return out


def colour(value: str) -> Colour | None:
    """A CSS colour as RGBA, or None when it is not one a page's text is set in."""
    value = value.strip().lower()
    if value == "transparent":
        return (0.0, 0.0, 0.0, 0.0)
    if value in _NAMED:
        return (*_NAMED[value], 1.0)
    hexa = re.fullmatch(r"#([0-9a-f]{3,8})", value)
    if hexa:
        digits = hexa.group(1)
        if len(digits) in (3, 4):
            digits = "".join(d * 2 for d in digits)
        if len(digits) not in (6, 8):
            return None
        parts = [int(digits[i : i + 2], 16) / 255 for i in range(0, len(digits), 2)]
        return (parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else 1.0)
    functional = re.fullmatch(r"rgba?\(([^)]*)\)", value)
    if functional:
        numbers = re.findall(r"[\d.]+%?", functional.group(1))
        if len(numbers) < 3:
            return None

        def channel(n: str) -> float:
            return float(n[:-1]) / 100 if n.endswith("%") else float(n) / 255

        alpha = 1.0
        if len(numbers) > 3:
            a = numbers[3]
            alpha = float(a[:-1]) / 100 if a.endswith("%") else float(a)
        return (channel(numbers[0]), channel(numbers[1]), channel(numbers[2]), alpha)
    return None


class StyleSheet:
    """The page's own style rules with simple selectors, in order."""

    def __init__(self, tree: Any) -> None:
        self.rules: list[tuple[str, set[str], str, dict[str, str]]] = []
        for style in tree.iter("style"):
            css = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S)
            for selectors, body in _RULE_RE.findall(css):
                found = declarations(body)
                for selector in selectors.split(","):
                    match = _SIMPLE_RE.match(selector.strip())
                    if not match or not selector.strip():
                        continue
                    tag = (match.group(1) or "").lower()
                    parts = re.findall(r"[.#][\w-]+", match.group(2))
                    classes = {p[1:] for p in parts if p.startswith(".")}
                    ident = next((p[1:] for p in parts if p.startswith("#")), "")
                    self.rules.append((tag, classes, ident, found))

    def style_of(self, element: Any) -> dict[str, str]:
        """The element's declarations: its matching rules in order, then its own."""
        out: dict[str, str] = {}
        classes = set((element.get("class") or "").split())
        ident = element.get("id") or ""
        for tag, wanted, want_id, found in self.rules:
            if tag and tag != element.tag:
                continue
            if wanted and not wanted <= classes:
                continue
            if want_id and want_id != ident:
                continue
            out.update(found)
        out.update(declarations(element.get("style") or ""))
        return out


def _zero(value: str | None) -> bool:
    return value is not None and bool(re.fullmatch(r"0(?:\.0*)?(?:px|pt|em|rem|%|vh|vw)?", value))


def _screen_reader_only(element: Any, style: dict[str, str]) -> bool:
    """The visually-hidden pattern: meant for screen readers, so kept."""
    if _SCREEN_READER_RE.search(element.get("class") or ""):
        return True
    clip = re.fullmatch(r"rect\(([^)]*)\)", style.get("clip", "").strip())
    clipped = bool(clip) and all(
        float(n) <= 1
        for n in re.findall(r"\d+(?:\.\d+)?", clip.group(1))  # type: ignore[union-attr]
    )
    clipped = clipped or "inset(50%" in style.get("clip-path", "").replace(" ", "")
    tiny = all(
        re.fullmatch(r"1px|0(?:px)?", style.get(side, "1px")) for side in ("width", "height")
    )
    return clipped and tiny and style.get("position") in ("absolute", "fixed")


def _hides(style: dict[str, str]) -> str | None:
    """Why these declarations hide an element from a sighted visitor, or None."""
    if style.get("display") == "none":
        return "display"
    if style.get("visibility") in ("hidden", "collapse"):
        return "display"
    if _zero(style.get("opacity")) or _zero(style.get("font-size")):
        return "display"
    overflow = style.get("overflow", "") + " " + style.get("overflow-y", "")
    overflow += " " + style.get("overflow-x", "")
    if re.search(r"hidden|clip", overflow) and any(
        _zero(style.get(p)) for p in ("height", "max-height", "width", "max-width")
    ):
        return "display"
    if re.search(r"scale[xy]?\(\s*0(?:\.0*)?\s*[,)]", style.get("transform", "")):
        return "display"
    return None


def drop_hidden(tree: Any) -> Counter[str]:
    """Take out what a visitor never sees; the characters taken, by reason ("display":
    hidden by the page's markup or styles, "colour": in its background's colour)."""
    sheet = StyleSheet(tree)
    styles: dict[Any, dict[str, str]] = {}
    doomed: list[tuple[Any, str]] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        style = sheet.style_of(element)
        styles[element] = style
        why = None
        if (
            element.tag == "template"
            or element.get("hidden") is not None
            or (element.get("aria-hidden") or "").strip().lower() == "true"
        ):
            why = "display"
        elif not _screen_reader_only(element, style):
            why = _hides(style)
            if why is None and _own_text(element) and _invisible_colour(element, styles):
                why = "colour"
        if why:
            doomed.append((element, why))
    dropped: Counter[str] = Counter()
    for element, why in doomed:
        if element.getparent() is None:
            continue
        if element.tag not in ("script", "style"):
            dropped[why] += len(" ".join("".join(element.itertext()).split()))
        element.drop_tree()
    _unmark_kept(tree)
    return dropped


# What trafilatura takes for hidden by its name or style alone (any style that says
# "hidden", a class " hidden" or "hide-"): after drop_hidden, what is left is seen (or
# meant for screen readers), so these marks are taken off for it to keep the text.
_HIDDEN_NAME_RE = re.compile(r"hid(?:den|e)|noprint|notloaded", re.I)


def _unmark_kept(tree: Any) -> None:
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if "style" in element.attrib:
            del element.attrib["style"]
        if _HIDDEN_NAME_RE.search(element.get("id") or ""):
            del element.attrib["id"]
        classes = element.get("class")
        if classes and _HIDDEN_NAME_RE.search(classes):
            element.set(
                "class", " ".join(c for c in classes.split() if not _HIDDEN_NAME_RE.search(c))
            )


def _own_text(element: Any) -> bool:
    return bool((element.text or "").strip()) or any((c.tail or "").strip() for c in element)


def _invisible_colour(element: Any, styles: dict[Any, dict[str, str]]) -> bool:
    """Is the element's text in the colour of what is behind it (or transparent)?"""
    text: Colour | None = None
    background: Colour | None = None
    node = element
    while node is not None and isinstance(node.tag, str):
        style = styles.get(node, {})
        if text is None and "color" in style:
            text = colour(style["color"])
            if text is None:
                return False  # a colour we cannot read decides nothing
        if background is None:
            if "url(" in style.get("background", "") or "background-image" in style:
                return False  # a picture behind the text: its colours are unknown
            value = style.get("background-color") or _first_colour(style.get("background", ""))
            if value:
                background = colour(value)
                if background is not None and background[3] == 0:
                    background = None  # transparent: look further out
        node = node.getparent()
    if text is None:
        return False
    if text[3] == 0:
        return True
    paper = background or (1.0, 1.0, 1.0, 1.0)
    return max(abs(a - b) for a, b in zip(text[:3], paper[:3], strict=True)) <= 0.06


def _first_colour(value: str) -> str | None:
    for token in re.findall(r"#[0-9a-f]{3,8}|rgba?\([^)]*\)|[a-z]+", value.lower()):
        if colour(token) is not None:
            return token
    return None


# ------------------------------------------------------------ pictures, as heard

_FILE_NAME_RE = re.compile(
    r"^\S+\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?)$|^(?:img|image|dsc|pic)[\W_]*\d+$", re.I
)


def spoken_pictures(tree: Any) -> int:
    """A picture's text alternative where the picture is, as a screen reader reads it:
    an <img>'s alt (or aria-label), an <svg>'s <title> (or aria-label). A picture with
    an empty alt, role="presentation" or "none", or an alt that is only a file name
    ("IMG_0042.jpg") says nothing and is left out. Returns how many were given words."""
    said = 0
    for element in list(tree.iter("img", "svg", "{http://www.w3.org/2000/svg}svg")):
        parent = element.getparent()
        if parent is None:
            continue
        role = (element.get("role") or "").strip().lower()
        text = (element.get("aria-label") or "").strip()
        tag = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
        if not text and tag == "img":
            text = (element.get("alt") or "").strip()
        if not text and tag == "svg":
            title = next(
                (
                    t
                    for t in element.iter()
                    if isinstance(t.tag, str) and t.tag.split("}")[-1] == "title"
                ),
                None,
            )
            text = " ".join("".join(title.itertext()).split()) if title is not None else ""
        text = " ".join(text.split())
        tail = element.tail
        if not text or role in ("presentation", "none") or _FILE_NAME_RE.match(text):
            if tag == "svg":  # its drawing's text (labels, numbers) is not read either
                element.drop_tree()  # lxml.html keeps the tail
            continue
        if not re.search(r"[.!?:;]$", text):
            text += "."
        span = element.makeelement("span", {})
        span.text = text
        span.tail = tail if not tail or tail[:1].isspace() else " " + tail
        parent.replace(element, span)
        said += 1
    return said
