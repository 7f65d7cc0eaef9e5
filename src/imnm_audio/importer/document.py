"""What every reader (PDF, Word, web page) hands on: blocks of inline runs, and what the
document says about itself. The writer (write.py) turns it into a factsheet."""

from __future__ import annotations

import re
import unicodedata
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
    size: float = 0.0  # its type size (PDF), 0 where the format does not say

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
    an import. The address is read as a browser reads it (spaces at its ends, and tabs
    and line breaks anywhere in it, are not part of it: "jav&#x09;ascript:" is
    javascript:); javascript:, vbscript:, data:, file: and the like become plain text,
    and so does a web address with a user name in it ("https://www.nhs.uk@evil.example/",
    which goes to evil.example). A relative link is made absolute against the page's own
    address when it has one."""
    if not href:
        return None
    href = re.sub(
        r"[\t\n\r]",
        "",
        href.strip(
            "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
            "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f \t\n\r"
        ),
    )
    if not href or re.search(r"[\x00-\x20\x7f]", href) or href.startswith("#"):
        return None
    try:
        if base and not urlsplit(href).scheme:
            href = urljoin(base, href)
        parts = urlsplit(href)
        if parts.scheme.lower() not in SAFE_SCHEMES:
            return None
        if parts.scheme.lower() in ("http", "https"):
            if not parts.hostname or "@" in parts.netloc:
                return None
    except ValueError:  # "http://[bad" and other addresses that do not parse
        return None
    return href


_SHOWN_SITE_RE = re.compile(
    r"(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/:?#\s]|$)", re.I
)


def _site(host: str) -> str:
    return host.lower().removeprefix("www.")


def honest_links(doc: Document) -> None:
    """A link whose text shows one site and goes to another ("www.nhs.uk/conditions"
    over a link to another site) is written as the address it goes to, and named in the
    notes: a listener is never told one address while the factsheet links another."""
    lied: list[tuple[str, str]] = []

    def target_site(href: str) -> str:
        return _site(urlsplit(href).hostname or "")

    def lies(text: str, href: str) -> bool:
        """The text shows a site, and not the one the link goes to."""
        if not href.lower().startswith(("http://", "https://")):
            return False
        real = target_site(href)
        shown = {_site(s) for s in _SHOWN_SITE_RE.findall(" ".join(text.split()))}
        return bool(shown and real) and not any(
            real == site or real.endswith("." + site) for site in shown
        )

    for block in doc.blocks:
        for run in block.runs:
            if run.href and lies(run.text, run.href):
                lied.append((" ".join(run.text.split()), run.href))
                run.text = run.href
    links = []
    for text, href in doc.links:
        if lies(text, href):
            lied.append((text, href))
            text = href
        links.append((text, href))
    doc.links = links
    for text, href in dict.fromkeys(lied):
        doc.notes.append(
            f"the link shown as '{text[:80]}' goes to another site, {href[:120]}: it is written "
            "as the address it goes to. Check it before anyone follows it."
        )


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
# factsheet's own visual marks are two of them), bidirectional controls (once they have
# put the text in the order it is shown), characters that show nothing (zero-width
# spaces and joiners, the word joiner, soft hyphens, direction marks) and
# non-characters. Line breaks and tabs are kept.
_UNWANTED_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ud800-\udfff\ue000-\uf8ff"
    "\ufeff\ufff9-\ufffb\ufffe\uffff]"
)
_BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Text as a factsheet may hold it (see _UNWANTED_RE), in the order it is shown."""
    return _UNWANTED_RE.sub("", shown_order(text))


def shown_order(text: str) -> str:
    """Text with bidirectional controls, in the order a reader sees it: an override or
    embedding around "7654 321 0080" is shown, and read, as "0800 123 4567" (the
    Unicode bidirectional algorithm, python-bidi). Text with right-to-left letters in it
    (Arabic, Hebrew) is left in its logical order, the order its readers read it in;
    only the controls go."""
    if not _BIDI_CONTROLS_RE.search(text):
        return text
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return _BIDI_CONTROLS_RE.sub("", text)
    from bidi import get_display

    shown = "\n".join(get_display(line, base_dir="L") for line in text.split("\n"))
    return _BIDI_CONTROLS_RE.sub("", shown)  # once shown, never reordered again


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
