"""A chapter's sentences as the factsheet's structure: paragraphs, sub-headings, lists.

Every transcript and book (the listener page, the EPUB, the DAISY book, the plain
text) is made from the same tree, so a list is a list everywhere and a screen-reader
user can move item by item and hear "list, 3 items". Each sentence keeps its own
element (a span with its times or id), so highlighting and media overlays still go
sentence by sentence.

The tree comes from each segment's `block` ("p2", "h1", "ul1.3", "ol2.1", "ul1.3.1").
A script made before blocks existed has none: its paragraphs are then found the old
way, from the pauses (a paragraph's last sentence has the longer pause; a bold
lead-in has its own).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..narrate import PAUSE_LEAD, PAUSE_PARAGRAPH

_LIST_RE = re.compile(r"(ul|ol)(\d+)((?:\.\d+)+)")


class Sentence(Protocol):
    """What the tree needs of a segment or a timed segment."""

    @property
    def display(self) -> str: ...
    @property
    def block(self) -> str: ...
    @property
    def strong(self) -> bool: ...


@dataclass
class Node:
    kind: str  # "p", "h", "ul", "ol" or "li"
    key: str = ""  # the block it came from ("p2"; "ul1" for a list; "3" for its item)
    lines: list[int] = field(default_factory=list)  # indexes of its sentences (p, h, li)
    children: list[Node] = field(default_factory=list)  # a list's items; an item's lists


def tree(sentences: Sequence[Sentence], pauses: Sequence[int] | None = None) -> list[Node]:
    """The blocks of a chapter's sentences (its heading already taken out), in order."""
    blocks = [s.block for s in sentences]
    if not any(blocks):
        blocks = _from_pauses(sentences, pauses)
    out: list[Node] = []
    for index, block in enumerate(blocks):
        listed = _LIST_RE.fullmatch(block)
        if not listed:
            kind = "h" if block.startswith("h") else "p"
            if not out or out[-1].key != block:
                out.append(Node(kind, block))
            out[-1].lines.append(index)
            continue
        kind, number, path = listed.group(1), listed.group(2), listed.group(3)[1:].split(".")
        if not out or out[-1].key != kind + number:
            out.append(Node(kind, kind + number))
        node = out[-1]
        for depth, item in enumerate(path):
            if depth:  # the list inside the item above
                if not node.children or node.children[-1].kind not in ("ul", "ol"):
                    node.children.append(Node(kind, f"{kind}{number}.{'.'.join(path[:depth])}"))
                node = node.children[-1]
            if not node.children or node.children[-1].key != item:
                node.children.append(Node("li", item))
            node = node.children[-1]
        node.lines.append(index)
    return out


def _from_pauses(sentences: Sequence[Sentence], pauses: Sequence[int] | None) -> list[str]:
    if pauses is None:  # nothing to go by: one paragraph
        return ["p1"] * len(sentences)
    blocks, n, open_ = [], 1, False
    for pause in pauses:
        if pause == PAUSE_LEAD:
            n += open_
            blocks.append(f"p{n}")
            n, open_ = n + 1, False
            continue
        blocks.append(f"p{n}")
        open_ = True
        if pause >= PAUSE_PARAGRAPH:
            n, open_ = n + 1, False
    return blocks


def to_html(
    nodes: list[Node],
    sentences: Sequence[Sentence],
    span: Callable[[int], str],
    subheading: str,
) -> str:
    """The blocks as HTML (also well-formed XHTML): `span(i)` renders sentence i."""

    def line(i: int) -> str:
        return f"<strong>{span(i)}</strong>" if sentences[i].strong else span(i)

    def render(node: Node) -> str:
        inner = " ".join(line(i) for i in node.lines)
        if node.kind == "p":
            return f"<p>{inner}</p>"
        if node.kind == "h":
            return f"<{subheading}>{inner}</{subheading}>"
        if node.kind == "li":
            return f"<li>{inner}{''.join(render(c) for c in node.children)}</li>"
        return f"<{node.kind}>{''.join(render(c) for c in node.children)}</{node.kind}>"

    return "\n".join(render(n) for n in nodes)


def to_text(nodes: list[Node], sentences: Sequence[Sentence]) -> list[str]:
    """The blocks as plain-text lines: paragraphs, sub-headings, "- " and "1. " items."""
    out: list[str] = []

    def render(node: Node, indent: str, marker: str) -> None:
        text = " ".join(sentences[i].display for i in node.lines)
        if node.kind in ("p", "h"):
            out.append(text)
            return
        if node.kind == "li":
            if re.match(r"\d+[.)] ", text):  # numbered in its own words ("1. What is it?")
                marker = ""
            out.append(f"{indent}{marker}{text}".rstrip())
            for child in node.children:
                render(child, indent + " " * len(marker), "")
            return
        for number, item in enumerate(node.children, 1):
            render(item, indent, f"{number}. " if node.kind == "ol" else "- ")

    for n in nodes:
        render(n, "", "")
    return out
