"""A factsheet's Markdown body as sections of paragraphs, sub-headings and lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..errors import ContentError
from .common import URL_IN_TEXT_RE, split_url


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str | None = None  # a bold run that opens it ("Note:"), spoken as its own phrase


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (### in Markdown)."""

    text: str


@dataclass(frozen=True)
class ListItem:
    lead: str | None  # the bold lead-in ("Medications."), if any
    text: str
    level: int = 1  # 1 for the list's own items, 2 for the items of a list inside one
    more: bool = False  # a further paragraph of the item before it


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]
    ordered: bool = False


Block = Paragraph | Heading | BulletList


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]
    urls: tuple[str, ...] = ()
    line: int = 0


_MD = MarkdownIt("commonmark")
# Chapter ids the narration gives its own chapters (episode and hold line).
RESERVED_IDS = {"introduction", "closing", "welcome", "please-hold"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Text a reader sees but a listener is not told ("or scan this QR code"): written
# <span class="visual">...</span> in a factsheet (`imnm-audio import` marks it), kept in
# the parsed text between these two private-use characters. `shown` is the text with
# it, `heard` the text without it.
VISUAL_OPEN, VISUAL_CLOSE = "\ue000", "\ue001"
_VISUAL_SPAN_RE = re.compile(r'<span\s+class\s*=\s*["\']?visual["\']?\s*>', re.I)
_UNMARK = re.compile(f"[{VISUAL_OPEN}{VISUAL_CLOSE}]")
_VISUAL_RE = re.compile(f"{VISUAL_OPEN}[^{VISUAL_CLOSE}]*(?:{VISUAL_CLOSE}|$)")


def shown(text: str) -> str:
    """The text as a reader sees it: visual-only parts kept, their marks taken out."""
    return _UNMARK.sub("", text)


def heard(text: str) -> str:
    """The text as a listener hears it: visual-only parts left out, spacing mended."""
    text = _VISUAL_RE.sub(" ", text.replace(VISUAL_CLOSE + VISUAL_OPEN, ""))
    text = re.sub(r"\s+([,.;:!?)])", r"\1", " ".join(text.split()))
    text = re.sub(r"^[,;:]\s*|(?<=[,;:])[,;:]+", "", text).strip()
    return text if re.search(r"\w", text) else ""


def parse_sections(body: str, path: Path, body_line: int) -> tuple[Section, ...]:
    tokens = _MD.parse(body)
    sections: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    seen_titles: dict[str, str] = {}
    list_stack: list[tuple[bool, list[ListItem]]] = []
    item_text: list[str] = []  # paragraphs of the current list item
    i = 0

    def here(tok: Token) -> int:
        return body_line + 1 + (tok.map[0] if tok.map else 0)

    def current(tok: Token) -> dict[str, Any]:
        if not sections:
            raise ContentError(
                "there is text before the first section heading.",
                path=path,
                line=here(tok),
                fix="Put every paragraph under a '## Question?' "
                "heading (the # title line is optional).",
            )
        return sections[-1]

    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            title, _, urls = _flatten_inline(inline)
            title = shown(title)
            if tok.tag == "h1":
                i += 3
                continue
            if tok.tag == "h2":
                if not title:
                    raise ContentError("a section heading is empty.", path=path, line=here(tok))
                section_id = slugify(title) or f"section-{len(sections) + 1}"
                if section_id in RESERVED_IDS:  # "## Introduction" is a section too
                    section_id += "-section"
                if section_id in seen_ids:
                    other = seen_titles[section_id]
                    if " ".join(other.lower().split()) == " ".join(title.lower().split()):
                        raise ContentError(
                            f"two sections have the same heading, '{title}' (the other is on "
                            f"line {seen_ids[section_id]}).",
                            path=path,
                            line=here(tok),
                            fix="Give each section heading different wording.",
                        )
                    # Long headings that begin alike ("Chapter 2: Appointment, ...") share
                    # an id's first 60 letters: the later one is numbered.
                    number = 2
                    while f"{section_id[:56]}-{number}" in seen_ids:
                        number += 1
                    section_id = f"{section_id[:56]}-{number}"
                seen_ids[section_id] = here(tok)
                seen_titles[section_id] = title
                sections.append(
                    {"id": section_id, "title": title, "blocks": [], "urls": [], "line": here(tok)}
                )
            else:
                current(tok)["blocks"].append(Heading(title))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            current(tok)
            list_stack.append((tok.type == "ordered_list_open", []))
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            ordered, items = list_stack.pop()
            if not list_stack:
                sections[-1]["blocks"].append(BulletList(tuple(items), ordered))
            else:
                list_stack[-1][1].extend(items)
        elif tok.type == "list_item_open":
            item_text = []
        elif tok.type == "list_item_close":
            pass
        elif tok.type == "inline":
            text, lead, urls = _flatten_inline(tok)
            section = current(tok)
            section["urls"].extend(u for u in urls if u not in section["urls"])
            if list_stack:
                level = len(list_stack)
                if not item_text:
                    list_stack[-1][1].append(ListItem(lead, text, level))
                else:  # a second paragraph of the same item
                    list_stack[-1][1].append(ListItem(None, text, level, more=True))
                item_text.append(text)
            elif text or lead:
                section["blocks"].append(Paragraph(text, lead))
        elif tok.type in ("fence", "code_block", "html_block", "table_open", "hr"):
            kind = {
                "fence": "a code block",
                "code_block": "an indented code block",
                "html_block": "raw HTML",
                "table_open": "a table",
                "hr": "a horizontal rule",
            }[tok.type]
            raise ContentError(
                f"{kind} cannot be read aloud.",
                path=path,
                line=here(tok),
                fix="Write it as paragraphs or a bullet list.",
            )
        i += 1

    if not sections:
        raise ContentError(
            "the factsheet has no sections.",
            path=path,
            fix="Add at least one '## Question?' heading with text under it.",
        )
    result = []
    for s in sections:
        blocks = [b for b in s["blocks"] if not (isinstance(b, BulletList) and not b.items)]
        if not any(isinstance(b, (Paragraph, BulletList)) for b in blocks):
            raise ContentError(
                f"the section '{s['title']}' has no text.",
                path=path,
                line=s["line"],
                fix="Add its text, or remove the heading.",
            )
        for b in blocks:
            if isinstance(b, BulletList) and any(not it.text and not it.lead for it in b.items):
                raise ContentError(
                    f"the section '{s['title']}' has an empty list item.", path=path, line=s["line"]
                )
        result.append(Section(s["id"], s["title"], tuple(blocks), tuple(s["urls"]), s["line"]))
    return tuple(result)


def _flatten_inline(tok: Token) -> tuple[str, str | None, list[str]]:
    """Inline Markdown to plain text; a bold run at the start becomes the lead-in."""
    children = tok.children or []
    parts: list[str] = []
    lead: str | None = None
    urls: list[str] = []
    in_strong = 0
    strong_at_start = False
    strong_parts: list[str] = []
    visual_depth: list[bool] = []  # open <span>s: True for class="visual"
    for child in children:
        if child.type == "strong_open":
            in_strong += 1
            if not "".join(parts).strip():
                strong_at_start = True
            continue
        if child.type == "strong_close":
            in_strong -= 1
            if strong_at_start and in_strong == 0 and lead is None:
                lead = " ".join("".join(strong_parts).split())
                parts = []
            continue
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            if split_url(href).scheme in ("http", "https"):
                urls.append(href)
            continue
        if child.type in ("softbreak", "hardbreak"):
            piece = " "
        elif child.type == "image":
            piece = child.content  # the alt text
        elif child.type in ("text", "code_inline"):
            piece = _UNMARK.sub("", child.content)  # the marks are ours alone
        elif child.type == "html_inline":
            if _VISUAL_SPAN_RE.fullmatch(child.content.strip()):
                visual_depth.append(True)
                piece = VISUAL_OPEN
            elif re.fullmatch(r"<span\b[^>]*>", child.content.strip(), re.I):
                visual_depth.append(False)
                piece = ""
            elif child.content.strip().lower() == "</span>" and visual_depth:
                piece = VISUAL_CLOSE if visual_depth.pop() else ""
            else:
                piece = ""
        else:
            piece = ""
        parts.append(piece)
        if in_strong and strong_at_start and lead is None:
            strong_parts.append(piece)
    # Control characters mean nothing in a factsheet and are not allowed in XML (feed,
    # EPUB, DAISY): drop them at the edge.
    if any(visual_depth):  # a span left open runs to the end of the paragraph
        parts.append(VISUAL_CLOSE)
    text = " ".join(_CONTROL.sub("", "".join(parts)).split())
    lead = " ".join(shown(_CONTROL.sub("", lead)).split()) if lead else lead
    urls.extend(
        u if u.lower().startswith("http") else "https://" + u
        for u in URL_IN_TEXT_RE.findall((lead or "") + " " + text)
    )
    return text, lead, list(dict.fromkeys(u.rstrip(".,;:!?") for u in urls))


def slugify(text: str) -> str:
    """Lower-case ASCII letters, digits and hyphens; accented and other letters
    transliterated ("Varfarina sódica" -> "varfarina-sodica"), never dropped."""
    from unidecode import unidecode

    slug = re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")
    return slug[:60].rstrip("-")
