"""What every reader (PDF, Word, web page) hands on: blocks of inline runs, and what the
document says about itself. The writer (write.py) turns it into a factsheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

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


_SITE_RE = re.compile(
    r"(?<![\w@.-])(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?=[/\s,;)]|$)",
    re.I,
)


def own_sites(text: str) -> list[str]:
    """The web addresses a running header, footer or © line gives, as home pages."""
    found: dict[str, None] = {}
    for raw in _SITE_RE.findall(text):
        host = re.sub(r"^https?://", "", raw, flags=re.I).lower()
        if "." in host and not re.fullmatch(r"[\d.]+", host) and "@" not in host:
            url = safe_href(f"https://{host}/")
            if url:
                found[url] = None
    return list(found)


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
    number: str = ""  # a numbered item's printed number ("2."), where the reader saw it
    page: int = 0  # the page it starts on (PDF), for messages; 0 where there are none
    top: float = 0.0  # where on its page it starts (PDF, points from the top)
    column: int = 0  # the part of its page it was read in (PDF: a column or a box)

    @property
    def text(self) -> str:
        return " ".join(clean_text("".join(r.text for r in self.runs)).split())


@dataclass
class Document:
    """A document as read: its blocks in reading order and what it says of itself."""

    kind: str  # "PDF", "Word document", "web page"
    blocks: list[Block]
    title: str | None = None
    # Where the title came from: "page" (printed on it, or the page's own heading),
    # "heading" (the document's first heading), "metadata", "file name"; "" not known.
    title_from: str = ""
    organisation: str | None = None
    author: str | None = None  # a hint only: a document's author may be a person
    source_url: str | None = None
    language: str | None = None
    summary: str | None = None
    keywords: list[str] = field(default_factory=list)
    date: str | None = None  # the document's own date, a hint for 'published'
    copyright: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    # Web addresses the document gives as its own (its running header or footer, its
    # © line): the only sites 'source_url' may come from, besides a page's own address.
    own_sites: list[str] = field(default_factory=list)
    cover: list[str] = field(default_factory=list)  # a cover page's other lines
    outline: list[str] = field(default_factory=list)  # a PDF's bookmarks (two levels)
    notes: list[str] = field(default_factory=list)  # what the reader dropped, for the user

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.blocks)


def document_from_json(data: dict[str, Any]) -> Document:
    """A Document again from `dataclasses.asdict` (what the reading process sends)."""
    fields = dict(data)
    fields["blocks"] = [
        Block(**{**b, "runs": [Run(**r) for r in b["runs"]]}) for b in data["blocks"]
    ]
    fields["links"] = [tuple(link) for link in data["links"]]
    return Document(**fields)


SAFE_SCHEMES = ("http", "https", "mailto", "tel")


def safe_href(href: str | None, base: str | None = None) -> str | None:
    """A link a listener may be sent to, or None: only http(s), mailto and tel survive
    an import. javascript:, vbscript:, data:, file: and the like become plain text; a
    relative link is made absolute against the page's own address when it has one."""
    if not href:
        return None
    href = href.strip()
    if not href or re.search(r"[\x00-\x20\x7f]", href) or href.startswith("#"):
        return None
    try:
        if base and not urlsplit(href).scheme:
            href = urljoin(base, href)
        parts = urlsplit(href)
        if parts.scheme.lower() not in SAFE_SCHEMES:
            return None
        if parts.scheme.lower() in ("http", "https") and not parts.hostname:
            return None
    except ValueError:  # "http://[bad" and other addresses that do not parse
        return None
    return href


def table_items(rows: list[list[str]], header: bool) -> list[Block]:
    """A table as list items a listener can follow, a row each: with a header row, a
    two-column row is "Age 2 to 5: 5 ml" (the first heading, the first cell, then the
    second), a wider one "Age 2 to 5: Dose 5 ml; How often twice a day"; without one,
    the cells of a row are read in order, "first: second; third"."""
    rows = [[" ".join(c.split()) for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    names = rows[0] if header and len(rows) > 1 else []
    body = rows[1:] if names else rows
    out = []
    for row in body:
        cells = [(names[i] if i < len(names) else "", cell) for i, cell in enumerate(row)]
        cells = [(name, cell) for name, cell in cells if cell]
        if not cells:
            continue
        first_name, first = cells[0]
        head = f"{first_name} {first}" if first_name and first_name != first else first
        rest = []
        for name, cell in cells[1:]:
            said = f"{name} {cell}" if name and len(cells) > 2 and name != cell else cell
            rest.append(said)
        text = head + (": " + "; ".join(rest) if rest else "")
        out.append(Block("li", [Run(text)], level=1))
    return out


# What no factsheet may hold: control characters (NUL among them), lone surrogates,
# private-use code points (a symbol font's glyphs once its bullets are read; the
# factsheet's own visual marks are two of them), bidirectional overrides and
# non-characters. Line breaks and tabs are kept.
_UNWANTED_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff"
    "\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]"
)


def clean_text(text: str) -> str:
    """Text as a factsheet may hold it (see _UNWANTED_RE)."""
    return _UNWANTED_RE.sub("", text)


def merge_runs(runs: list[Run]) -> list[Run]:
    """Neighbouring runs of the same style as one; empty runs dropped."""
    out: list[Run] = []
    for run in runs:
        run = Run(clean_text(run.text), run.bold, run.href)
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
        href = safe_href(run.href)
        if href:
            if core.rstrip("/") != href.rstrip("/") and not href.endswith(core):
                piece = f"[{piece}](<{_link_target(href)}>)"
        if run.bold and re.search(r"\w", core):
            piece = f"**{piece}**"
            if not after:  # "**Lead.**Text" does not close in CommonMark
                after = " " if re.match(r"\w", _next_char(runs, run)) else ""
        parts.append(before + piece + after)
    return mark_visual(" ".join("".join(parts).split()))


def _link_target(href: str) -> str:
    """An address as a Markdown link target in angle brackets: nothing in it may close
    the brackets or start a new line."""
    return re.sub(r"[<>\\\s]", lambda m: f"%{ord(m.group(0)):02X}", href)


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
