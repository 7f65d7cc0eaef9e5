"""What every reader (PDF, Word, web page) hands on: blocks of inline runs, and what the
document says about itself. The writer (write.py) turns it into a factsheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Pointers to things a listener cannot see. Marked <span class="visual"> on import, so
# the narration leaves them out while the written factsheet keeps them.
_VISUAL_CLAUSE_RE = re.compile(
    r",?\s+or\s+(?:use|scan)\s+(?:this|the|our)\s+QR\s+code"
    r"(?:\s+(?:below|above|opposite|overleaf|on\s+the\s+back))?"
    r"|\s*\((?:see\s+)?(?:the\s+)?(?:picture|image|diagram|photo|figure)(?:\s+\d+)?"
    r"(?:\s+(?:above|below|opposite|overleaf))?\)",
    re.I,
)
# A sentence that is only about something to look at ("Scan the QR code below.").
_VISUAL_SENTENCE_RE = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:[^.!?<]*\bQR\s+code|(?:See|Look\s+at)\s+(?:the\s+)?"
    r"(?:picture|image|diagram|photo|figure)s?\b)[^.!?<]*[.!?]",
    re.I,
)
_SAYS_SOMETHING_RE = re.compile(r"www\.|https?://|@|\d{3}")  # an address or a number


_COPYRIGHT_RE = re.compile(
    r"(?:©|\(c\)|\bcopyright\b(?=\s*(?:©|\(c\)|\d{4})))\s*(?:©|\(c\))?"
    r"\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?)?\s*(.+)",
    re.I,
)


def copyright_holder(text: str) -> str | None:
    """Who a "© 2024 Test Charity. All rights reserved." line names, from a footer of
    any format; None when there is no such line or it names no one short enough."""
    found = _COPYRIGHT_RE.search(text)
    if not found:
        return None
    holder = re.split(
        r"\s[·|•]\s|\.\s|\||\n|,\s*(?:registered|all rights)|\s(?:www\.|https?:)",
        found.group(1),
        flags=re.I,
    )[0].strip(" .,")
    return holder if holder and len(holder.split()) <= 8 else None


@dataclass
class Run:
    """A piece of text with one style: bold or not, a link or not."""

    text: str
    bold: bool = False
    href: str | None = None


@dataclass
class Block:
    kind: str  # "heading", "p" or "li"
    runs: list[Run]
    level: int = 1  # a heading's rank (1 the largest); a list item's depth
    ordered: bool = False  # a numbered list item

    @property
    def text(self) -> str:
        return " ".join("".join(r.text for r in self.runs).split())


@dataclass
class Document:
    """A document as read: its blocks in reading order and what it says of itself."""

    kind: str  # "PDF", "Word document", "web page"
    blocks: list[Block]
    title: str | None = None
    organisation: str | None = None
    author: str | None = None  # a hint only: a document's author may be a person
    source_url: str | None = None
    language: str | None = None
    summary: str | None = None
    keywords: list[str] = field(default_factory=list)
    date: str | None = None  # the document's own date, a hint for 'published'
    copyright: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    notes: list[str] = field(default_factory=list)  # what the reader dropped, for the user

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.blocks)


def merge_runs(runs: list[Run]) -> list[Run]:
    """Neighbouring runs of the same style as one; empty runs dropped."""
    out: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if out and out[-1].bold == run.bold and out[-1].href == run.href:
            out[-1] = Run(out[-1].text + run.text, run.bold, run.href)
        else:
            out.append(Run(run.text, run.bold, run.href))
    return out


_ESCAPE_RE = re.compile(r"([\\`*_\[\]]|<(?=[A-Za-z/!?]))")


def escape(text: str) -> str:
    """Plain text made safe as Markdown inline text."""
    return _ESCAPE_RE.sub(r"\\\1", text)


def inline(runs: list[Run]) -> str:
    """Runs as Markdown: **bold**, [text](url), visual-only phrases marked."""
    parts: list[str] = []
    for run in merge_runs(runs):
        text = run.text
        core = text.strip()
        if not core:
            parts.append(" ")
            continue
        before = " " if text[0].isspace() else ""
        after = " " if text[-1].isspace() else ""
        piece = escape(" ".join(core.split()))
        if run.href:
            if core.rstrip("/") != run.href.rstrip("/") and not run.href.endswith(core):
                piece = f"[{piece}](<{run.href}>)"
        if run.bold and re.search(r"\w", core):
            piece = f"**{piece}**"
            if not after:  # "**Lead.**Text" does not close in CommonMark
                after = " " if re.match(r"\w", _next_char(runs, run)) else ""
        parts.append(before + piece + after)
    return mark_visual(" ".join("".join(parts).split()))


def _next_char(runs: list[Run], run: Run) -> str:
    later = False
    for r in runs:
        if later and r.text:
            return r.text[0]
        later = later or r is run
    return ""


def mark_visual(text: str) -> str:
    """Wrap what only a reader can use ("or use this QR code", "Scan the QR code
    below.") in <span class="visual">, which the narration leaves out."""
    if 'class="visual"' in text:
        return text

    def sentence(match: re.Match[str]) -> str:
        found = match.group(0)
        if _SAYS_SOMETHING_RE.search(found):  # "Go to www... or use this QR code."
            return _VISUAL_CLAUSE_RE.sub(lambda m: _span(m.group(0)), found)
        return _span(found)

    text = _VISUAL_CLAUSE_RE.sub(lambda m: _span(m.group(0)), text)
    return _VISUAL_SENTENCE_RE.sub(sentence, text)


def _span(found: str) -> str:
    stripped = found.lstrip()
    return found[: len(found) - len(stripped)] + f'<span class="visual">{stripped}</span>'
