"""An HTML or XML tree as blocks: the walk shared by Word documents (mammoth's HTML)
and saved web pages (trafilatura's XML).

Headings, paragraphs and (nested) lists become blocks; a table becomes one list item
per row, read the way a listener can follow it (`document.table_items`); a footnote
mark is taken out of the text, and the note itself is placed at the end of the section
that refers to it; a link keeps its text, and its address only when it is a web, mail
or phone address (`document.safe_href`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

from .document import Block, Run, safe_href, table_items

KindOf = Callable[[Any], tuple[str, int]]
_BLOCK_KINDS = {"heading", "p", "ul", "ol", "li", "table", "row", "cell", "notes"}
_NOTE_REF_RE = re.compile(r"^#(?:foot|end)note-(?:ref-)?(\d+)$")
_MARK_TEXT_RE = re.compile(r"^\s*[\[(]?\s*(?:\d{1,3}|[*†‡§])\s*[\])]?\s*$")


@dataclass
class Walk:
    """What the walk collects besides blocks."""

    kind_of: KindOf
    base: str | None = None  # the page's own address, for its relative links
    blocks: list[Block] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # footnote id -> its text
    refs: dict[int, list[str]] = field(default_factory=dict)  # block index -> note ids
    marks_dropped: int = 0


def walk(root: Any, kind_of: KindOf, base: str | None = None) -> Walk:
    state = Walk(kind_of, base)
    _walk(root, state)
    state.blocks = _with_notes(state)
    return state


def _walk(root: Any, state: Walk, depth: int = 0, ordered: bool = False) -> None:
    for element in root:
        kind, level = state.kind_of(element)
        if kind == "skip":
            continue
        if kind == "notes":
            _collect_notes(element, state)
        elif kind == "heading":
            _add(state, Block("heading", _runs(element, state), level=level))
        elif kind in ("ul", "ol"):
            _walk(element, state, depth + 1, kind == "ol")
        elif kind == "li":
            runs = _runs(element, state, skip_lists=True)
            _add(state, Block("li", runs, level=max(depth, 1), ordered=ordered))
            nested = [c for c in element if state.kind_of(c)[0] in ("ul", "ol")]
            _walk(nested, state, depth, ordered)
        elif kind == "p":
            runs = _runs(element, state)
            if "".join(r.text for r in runs).strip():
                _add(state, Block("p", runs))
        elif kind == "table":
            rows, header = _table(element, state)
            for block in table_items(rows, header):
                _add(state, block)
        elif kind in ("other", "row", "cell"):
            direct = (element.text or "") + "".join(c.tail or "" for c in element)
            blocks_inside = any(
                state.kind_of(c)[0] in _BLOCK_KINDS for c in element.iterdescendants()
            )
            if direct.strip() and not blocks_inside:  # text with inline elements only
                runs = _runs(element, state)
                if "".join(r.text for r in runs).strip():
                    _add(state, Block("p", runs))
            else:
                _walk(element, state, depth, ordered)


def _add(state: Walk, block: Block) -> None:
    state.blocks.append(block)


def _runs(
    element: Any,
    state: Walk,
    skip_lists: bool = False,
    bold: bool = False,
    href: str | None = None,
) -> list[Run]:
    runs = [Run(element.text or "", bold, href)]
    for child in element:
        kind, _ = state.kind_of(child)
        if kind == "skip":
            runs.append(Run(child.tail or "", bold, href))
            continue
        if skip_lists and kind in ("ul", "ol"):
            runs.append(Run(child.tail or "", bold, href))
            continue
        if kind == "a":
            target = _in_page(child.get("href") or child.get("target") or "", state.base)
            note = _NOTE_REF_RE.match(target)
            text = "".join(child.itertext())
            if note or (target.startswith("#") and _MARK_TEXT_RE.match(text)):
                # A footnote mark ("[1]"): out of the text; the note follows its section.
                if note and not target.startswith(("#footnote-ref", "#endnote-ref")):
                    state.refs.setdefault(len(state.blocks), []).append(note.group(1))
                state.marks_dropped += 1
                runs.append(Run(child.tail or "", bold, href))
                continue
            link = safe_href(target, state.base)
        else:
            link = None
        if kind == "br":
            runs.append(Run(" ", bold, href))
        elif kind in ("ul", "ol", "table"):
            runs.append(Run(" " + " ".join("".join(child.itertext()).split()) + " ", bold, href))
        else:
            # A block inside (a card's heading and text inside its list item) is set
            # apart from what comes before and after it, as a browser sets it.
            apart = " " if kind in _BLOCK_KINDS else ""
            runs.append(Run(apart, bold, href))
            runs += _runs(child, state, False, bold or kind == "b", link or href)
            runs.append(Run(apart, bold, href))
        runs.append(Run(child.tail or "", bold, href))
    return runs


def _in_page(target: str, base: str | None) -> str:
    """A link to a place on the same page as "#fragment" (an extractor may have made
    "#fn1" absolute against the page's site)."""
    address, fragment = urldefrag(target)
    if not fragment or not address:
        return target
    if base:
        here, there = urlsplit(base), urlsplit(address)
        if there.netloc == here.netloc and there.path.rstrip("/") in ("", here.path.rstrip("/")):
            return "#" + fragment
    return target


def _table(element: Any, state: Walk) -> tuple[list[list[str]], bool]:
    """The table's rows as cell texts, and whether its first row is a header (header
    cells, or every cell bold)."""
    rows: list[list[str]] = []
    header = False
    for index, row in enumerate(r for r in element.iter() if state.kind_of(r)[0] == "row"):
        cells = [c for c in row if state.kind_of(c)[0] == "cell"]
        texts = [" ".join("".join(_cell_text(c, state)).split()) for c in cells]
        rows.append(texts)
        if index == 0 and cells:
            header = all(
                state.kind_of(c)[1] == 1  # a header cell
                or all(r.bold for r in _runs(c, state) if r.text.strip())
                for c in cells
                if "".join(c.itertext()).strip()
            )
    return rows, header


def _cell_text(cell: Any, state: Walk) -> list[str]:
    return [r.text for r in _runs(cell, state)]


def _collect_notes(element: Any, state: Walk) -> None:
    """mammoth's notes list: <li id="footnote-3"><p>text <a href="#footnote-ref-3">↑</a>."""
    for item in element.iter():
        ident = item.get("id") or ""
        found = re.fullmatch(r"(?:foot|end)note-(\d+)", ident)
        if not found:
            continue
        parts = []
        for piece in _runs(item, state):
            parts.append(piece.text)
        text = " ".join("".join(parts).replace("↑", " ").split()).lstrip("/ ").strip()
        if text:
            state.notes[found.group(1)] = text


def _with_notes(state: Walk) -> list[Block]:
    """Each note as a paragraph ("Note: ...") just after the paragraph that first refers
    to it, or after the list it is in: in its own section, whatever later becomes a
    heading."""
    if not state.notes:
        return state.blocks
    placed: set[str] = set()
    out: list[Block] = []
    pending: list[str] = []
    for index, block in enumerate(state.blocks):
        if pending and block.kind != "li":
            out += [_note(state.notes[n]) for n in pending]
            pending = []
        out.append(block)
        for note in state.refs.get(index, []):
            if note in state.notes and note not in placed:
                placed.add(note)
                pending.append(note)
        if pending and block.kind == "p":
            out += [_note(state.notes[n]) for n in pending]
            pending = []
    out += [_note(state.notes[n]) for n in pending]
    return out


def _note(text: str) -> Block:
    return Block("p", [Run("Note:", bold=True), Run(" " + text)])
