"""A read document as content/<slug>/factsheet.md: front matter from what the document
says, placeholders for what it does not, then the title, sections and lists."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from urllib.parse import urlsplit

import yaml

from ..content.common import URL_IN_TEXT_RE, resource_url_problem

# PLACEHOLDER: what `imnm-audio script` refuses to narrate until a person has written
# the value (content/factsheet.refuse_placeholders finds it). Always written in
# quotes, with what is wanted.
from ..content.factsheet import PLACEHOLDER
from ..content.markdown import slugify
from .document import Block, Document, Run, inline

WIDTH = 88


@dataclass(frozen=True)
class Written:
    text: str  # the whole factsheet.md
    slug: str  # suggested from the short title
    placeholders: tuple[str, ...]  # the fields still to fill in


def todo(what: str) -> str:
    return f"{PLACEHOLDER}: {what}"


def factsheet_text(doc: Document, source_name: str, today: str) -> Written:
    title = doc.title or _first_heading(doc)
    body_blocks = _body(doc, title)
    short = _short_title(title) if title else None
    site = _site(doc)
    front: dict[str, object] = {
        "title": title or todo("the factsheet's title"),
        "short_title": short or todo("a short name for the title (said in the closing)"),
        "organisation": doc.organisation
        or todo(
            "the charity that wrote it"
            + (f" (the document's author field says '{doc.author}')" if doc.author else "")
        ),
        "language": doc.language or todo("the language as a tag, e.g. en-GB or en-US"),
        "source_url": doc.source_url
        or site
        or todo("the web address of this factsheet or of the charity"),
        "summary": doc.summary or todo("one or two sentences on what the factsheet covers"),
        "published": todo(
            "the episode's date, YYYY-MM-DD"
            + (f" (the document is dated {doc.date})" if doc.date else "")
        ),
    }
    if doc.copyright:
        front["copyright"] = doc.copyright
    if doc.keywords:
        front["keywords"] = doc.keywords
    front["resources"] = _resources(doc, site)
    header = (
        f"# Imported from {source_name} by imnm-audio import on {today}.\n"
        f"# Replace every '{PLACEHOLDER}' value, and read the text through, before\n"
        '# `imnm-audio script`. <span class="visual"> marks what is shown, not said.\n'
    )
    lines = ["---", header.rstrip("\n")]
    for key, value in front.items():
        lines.append(
            yaml.safe_dump({key: value}, allow_unicode=True, width=WIDTH, sort_keys=False).rstrip(
                "\n"
            )
        )
    lines += ["---", ""]
    if title:
        lines += [f"# {inline_text(title)}", ""]
    lines += _markdown(body_blocks)
    text = "\n".join(lines).rstrip("\n") + "\n"
    placeholders = tuple(k for k, v in front.items() if isinstance(v, str) and PLACEHOLDER in v)
    if f"## {PLACEHOLDER}" in text:
        placeholders += ("the heading of the opening section",)
    return Written(text, slugify(short or title or "factsheet") or "factsheet", placeholders)


def inline_text(text: str) -> str:
    return inline([Run(text)])


def _first_heading(doc: Document) -> str | None:
    for block in doc.blocks:
        if block.kind == "heading":
            return block.text
    return None


def _body(doc: Document, title: str | None) -> list[Block]:
    """The blocks under the title, headings ranked: the first kind of heading after the
    title makes sections (##), smaller ones sub-headings (###)."""
    blocks = list(doc.blocks)
    # The title as the first heading of the document: taken out of the body.
    for i, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        if title and _same(block.text, title):
            del blocks[i]
        break
    ranks = sorted({b.level for b in blocks if b.kind == "heading"})
    for block in blocks:
        if block.kind == "heading":
            block.level = 2 if block.level == ranks[0] else 3
    if blocks and not (blocks[0].kind == "heading" and blocks[0].level == 2):
        opening = todo("a heading for the opening text, e.g. 'About this factsheet'")
        blocks.insert(0, Block("heading", [Run(opening)], level=2))
    return blocks


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _short_title(title: str) -> str | None:
    acronym = re.search(r"\(([A-Z][A-Za-z0-9-]{1,11})\)\s*$", title)
    if acronym:
        return acronym.group(1)
    return title if len(title) <= 40 else None


def _site(doc: Document) -> str | None:
    """The one website a PDF or Word document points to, as its address (its home page),
    when it points to exactly one."""
    hosts: dict[str, None] = {}
    for _, url in doc.links:
        if urlsplit(url).scheme in ("http", "https"):
            hosts[urlsplit(url).netloc.lower()] = None
    for found in URL_IN_TEXT_RE.findall(doc.text):
        url = found if found.lower().startswith("http") else "https://" + found
        hosts[urlsplit(url.rstrip(".,;:!?")).netloc.lower()] = None
    sites = {h.removeprefix("www.") for h in hosts}
    if len(sites) != 1:
        return None
    return f"https://{next(iter(hosts))}/"


def _resources(doc: Document, site: str | None) -> list[dict[str, str]]:
    """Every link the document makes (web addresses and tel: numbers), titled by its
    text, or the organisation's name for its own site."""
    found: dict[str, str] = {}
    for text, url in doc.links:
        found.setdefault(url, text)
    for raw in URL_IN_TEXT_RE.findall(doc.text):
        raw = raw.rstrip(".,;:!?")
        url = raw if raw.lower().startswith("http") else f"https://{raw}/"
        if not any(_same_url(url, known) for known in found):
            found[url] = raw
    out: list[dict[str, str]] = []
    home = urlsplit(doc.source_url or site or "").netloc.lower().removeprefix("www.")
    for url, text in found.items():
        if resource_url_problem(url):
            continue
        host = urlsplit(url).netloc.lower().removeprefix("www.")
        label = " ".join(text.split())
        if not label or URL_IN_TEXT_RE.fullmatch(label) or label.lower() in _VAGUE:
            label = doc.organisation if doc.organisation and host == home else host or url
        if not any(_same_url(url, r["url"]) for r in out):
            out.append({"title": label, "url": url})
    return out


_VAGUE = {"here", "click here", "this page", "link", "website", "our website", "more"}


def _same_url(a: str, b: str) -> bool:
    def key(u: str) -> str:
        parts = urlsplit(u)
        return parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/")

    return key(a) == key(b)


def _markdown(blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    seen: dict[str, int] = {}  # section ids: a heading used twice gets "(2)"
    numbers: dict[int, int] = {}  # depth -> the last number given, in a numbered list
    indents: dict[int, int] = {}  # depth -> the indent of its items' text
    previous = ""
    for block in blocks:
        if block.kind == "heading":  # plain: a heading is bold already
            text = inline_text(block.text)
        else:
            text = inline(block.runs)
        if not text:
            continue
        if block.kind == "heading":
            if block.level == 2:
                seen[slugify(text)] = seen.get(slugify(text), 0) + 1
                text += f" ({seen[slugify(text)]})" if seen[slugify(text)] > 1 else ""
            lines += ([""] if lines and lines[-1] else []) + [f"{'#' * block.level} {text}", ""]
            numbers.clear()
        elif block.kind == "p":
            if previous == "li":
                lines.append("")
            lines += _wrap(text, "", "") + [""]
            numbers.clear()
        else:
            depth = max(1, block.level)
            for deeper in [d for d in numbers if d > depth]:
                del numbers[deeper]
            numbers[depth] = numbers.get(depth, 0) + 1
            indent = indents.get(depth - 1, 0) if depth > 1 else 0
            marker = f"{numbers[depth]}. " if block.ordered else "- "
            indents[depth] = indent + len(marker)
            if previous != "li" and lines and lines[-1]:
                lines.append("")
            lines += _wrap(text, " " * indent + marker, " " * indents[depth])
        previous = block.kind
    return lines


_STARTS_BLOCK_RE = re.compile(r"^(?:[-+*>#]|\d+[.)])(?:\s|$)")


def _wrap(text: str, first: str, rest: str) -> list[str]:
    """Lines of at most WIDTH; a line that would start a block ('- ', '1. ', '#') is
    escaped so it stays part of the paragraph."""
    wrapped = textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    out = [wrapped[0]]
    for line in wrapped[1:]:
        body = line[len(rest) :]
        if _STARTS_BLOCK_RE.match(body):
            body = "\\" + body if body[0] in "-+*>#" else re.sub(r"^(\d+)([.)])", r"\1\\\2", body)
        out.append(rest + body)
    return out
