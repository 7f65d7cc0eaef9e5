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
from .document import Block, Document, Run, clean_text, inline, safe_href

WIDTH = 88
CHAPTER_WORDS = 1200  # a chapter for every this many words (8 minutes) where headings allow


@dataclass(frozen=True)
class Written:
    text: str  # the whole factsheet.md
    slug: str  # suggested from the short title
    placeholders: tuple[str, ...]  # the fields still to fill in


def todo(what: str) -> str:
    return f"{PLACEHOLDER}: {what}"


def factsheet_text(
    doc: Document, source_name: str, today: str, warnings: list[str] | None = None
) -> Written:
    title = _one_line(doc.title or _first_heading(doc) or "") or None
    body_blocks = _body(doc, title)
    short = _short_title(title) if title else None
    site = _own_site(doc)
    front: dict[str, object] = {
        "title": title or todo("the factsheet's title"),
        "short_title": short or todo("a short name for the title (said in the closing)"),
        "organisation": _one_line(doc.organisation or "")
        or todo(
            "the charity that wrote it"
            + (f" (the document's author field says '{doc.author}')" if doc.author else "")
        ),
        "language": doc.language or todo("the language as a tag, e.g. en-GB or en-US"),
        "source_url": doc.source_url
        or site
        or todo("the web address of this factsheet or of the charity" + _sites_hint(doc)),
        "summary": _one_line(doc.summary or "")
        or todo("one or two sentences on what the factsheet covers"),
        "published": todo(
            "the episode's date, YYYY-MM-DD"
            + (f" (the document is dated {doc.date})" if doc.date else "")
        ),
    }
    if doc.copyright:
        front["copyright"] = _one_line(doc.copyright)
    if doc.keywords:
        front["keywords"] = [k for k in (_one_line(k) for k in doc.keywords) if k]
    front["resources"] = _resources(doc, site)
    front = {k: _one_line(v) if isinstance(v, str) else v for k, v in front.items()}
    header = (
        f"# Imported from {_comment_safe(source_name)} by imnm-audio import on {today}.\n"
        f"# Replace every '{PLACEHOLDER}' value, and read the text through, before\n"
        '# `imnm-audio script`. <span class="visual"> marks what is shown, not said.\n'
    )
    if doc.cover:
        header += "# The cover page also says: " + _comment_safe(" / ".join(doc.cover)) + "\n"
    for warning in warnings or []:
        header += "# Check: " + _comment_safe(warning) + "\n"
    lines = ["---", header.rstrip("\n")]
    for key, value in front.items():
        # One line a value (never folded): no line of the front matter can be '---'.
        lines.append(
            yaml.safe_dump(
                {key: value}, allow_unicode=True, width=1_000_000, sort_keys=False
            ).rstrip("\n")
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


def _one_line(text: str) -> str:
    """A front-matter value: one line of plain text (a title or summary never needs
    more), with nothing a YAML or Markdown reader could take for structure."""
    return " ".join(clean_text(text).split())


def _comment_safe(text: str) -> str:
    """Text for a YAML comment line: no line break of any kind can end the comment."""
    return " ".join(clean_text(text).replace("\u2028", " ").replace("\u2029", " ").split())[:300]


def _first_heading(doc: Document) -> str | None:
    for block in doc.blocks:
        if block.kind == "heading":
            return block.text
    return None


def _body(doc: Document, title: str | None) -> list[Block]:
    """The blocks under the title, headings ranked: the first kind of heading after the
    title makes sections (##), smaller ones sub-headings (###). A heading with nothing
    under it is kept as a paragraph (`_fold_empty`), so every section has text."""
    blocks = [b for b in doc.blocks if b.text]
    # The title as the first heading of the document: taken out of the body.
    for i, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        if title and _same(block.text, title):
            del blocks[i]
        break
    ranks = sorted({b.level for b in blocks if b.kind == "heading"})
    # Sections are the document's top rank of heading, with the ranks below it down to
    # the first that divides it into chapters a listener can move through: two or more,
    # and one for every CHAPTER_WORDS words. One odd larger heading ("Your feedback
    # matters") is a section beside the ones the document is divided by, not above
    # them; a long document whose top rank makes a few parts is divided by the rank
    # under them.
    words = sum(len(b.text.split()) for b in blocks)
    wanted = max(2, -(-words // CHAPTER_WORDS))
    top = ranks[0] if ranks else 0
    for rank in ranks:
        top = rank
        if sum(1 for b in blocks if b.kind == "heading" and b.level <= rank) >= wanted:
            break
    for block in blocks:
        if block.kind == "heading":
            block.level = 2 if block.level <= top else 3
    blocks = _fold_empty(blocks)
    # Sub-headings before any section heading (a traffic light's three boxes under the
    # introduction) each open a section: they are peers, not parts of the first.
    for block in blocks:
        if block.kind == "heading":
            if block.level == 2:
                break
            block.level = 2
    if blocks and not (blocks[0].kind == "heading" and blocks[0].level == 2):
        opening = todo("a heading for the opening text, e.g. 'About this factsheet'")
        blocks.insert(0, Block("heading", [Run(opening)], level=2))
    return blocks


def _fold_empty(blocks: list[Block]) -> list[Block]:
    """A section heading with no text before the next one ("Part 2" over "2.1 Dosage",
    a cover line) becomes the first paragraph of the section after it (or the last of
    the one before, at the end); an empty sub-heading becomes a paragraph where it is."""

    def has_text(start: int, stop_levels: tuple[int, ...]) -> bool:
        for block in blocks[start:]:
            if block.kind == "heading" and block.level in stop_levels:
                return False
            if block.kind in ("p", "li"):
                return True
        return False

    out: list[Block] = []
    pending: list[Block] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading" and block.level == 2:
            if not has_text(index + 1, (2,)):
                pending.append(Block("p", block.runs, page=block.page))
                continue
            out.append(block)
            out += pending
            pending = []
        elif block.kind == "heading" and not has_text(index + 1, (2, 3)):
            out.append(Block("p", block.runs, page=block.page))
        else:
            out.append(block)
    return out + pending


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _short_title(title: str) -> str | None:
    acronym = re.search(r"\(([A-Z][A-Za-z0-9-]{1,11})\)\s*$", title)
    if acronym:
        return acronym.group(1)
    return title if len(title) <= 40 else None


def _own_site(doc: Document) -> str | None:
    """The document's own website, when it names exactly one as its own (a PDF's running
    header or footer, a Word document's footer): never a site it merely links to."""
    hosts = {urlsplit(u).netloc.lower().removeprefix("www.") for u in doc.own_sites}
    if len(hosts) == 1:
        return doc.own_sites[0]
    return _named_site(doc) if not hosts else None


_SMALL_WORDS = {"the", "and", "for", "of", "uk", "ltd", "inc"}


def _named_site(doc: Document) -> str | None:
    """A site the document links to whose name spells the organisation's ("Myositis
    Support and Understanding" at understandingmyositis.org, or its initials): its own,
    when exactly one does."""
    from unidecode import unidecode

    if not doc.organisation:
        return None
    words = [
        w
        for w in re.findall(r"[a-z0-9]{3,}", unidecode(doc.organisation).lower())
        if w not in _SMALL_WORDS
    ]
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", doc.organisation) if w[0].isupper())
    matches: dict[str, str] = {}
    for _, url in doc.links:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        label = parts.hostname.removeprefix("www.").split(".")[0]
        named = sum(1 for w in words if w in label) >= min(2, len(words))
        if words and (named or (len(initials) >= 3 and label == initials.lower())):
            matches.setdefault(parts.hostname, f"{parts.scheme}://{parts.hostname}/")
    return next(iter(matches.values())) if len(matches) == 1 else None


def _sites_hint(doc: Document) -> str:
    hosts = dict.fromkeys(
        urlsplit(u).netloc.lower() for _, u in doc.links if urlsplit(u).scheme in ("http", "https")
    )
    if not hosts:
        return ""
    named = ", ".join(list(hosts)[:3])
    return f" (the document links to {named}; use one only if it is the charity's own)"


MAX_RESOURCES = 6  # each is read out twice in the closing: more is a list nobody keeps


def _resources(doc: Document, site: str | None) -> list[dict[str, str]]:
    """The links a listener is sent to in the closing, titled by their text (or the
    organisation's name for its own site): phone numbers first, then the charity's own
    site, then addresses the document prints for its readers, then the links in its
    sentences, at most MAX_RESOURCES. The rest stay links in the text."""
    found: dict[str, tuple[str, bool]] = {}  # url -> (its text, printed as an address)
    for text, url in doc.links:
        found.setdefault(url, (text, bool(URL_IN_TEXT_RE.fullmatch(" ".join(text.split())))))
    for raw in URL_IN_TEXT_RE.findall(doc.text):
        raw = raw.rstrip(".,;:!?")
        url = raw if raw.lower().startswith("http") else f"https://{raw}/"
        if not any(_same_url(url, known) for known in found):
            found[url] = (raw, True)
    home = urlsplit(doc.source_url or site or "").netloc.lower().removeprefix("www.")
    ranked: list[tuple[int, int, dict[str, str]]] = []
    for order, (url, (text, printed)) in enumerate(found.items()):
        if resource_url_problem(url) or not safe_href(url):
            continue
        host = urlsplit(url).netloc.lower().removeprefix("www.")
        label = " ".join(text.split()).strip(" .,;:!?*()[]")
        if not label or URL_IN_TEXT_RE.fullmatch(label) or label.lower() in _VAGUE:
            label = doc.organisation if doc.organisation and host == home else host or url
        rank = 0 if url.startswith("tel:") else 1 if host == home else 2 if printed else 3
        if not any(_same_url(url, r["url"]) for _, _, r in ranked):
            ranked.append((rank, order, {"title": label, "url": url}))
    ranked.sort(key=lambda r: (r[0], r[1]))
    if len(ranked) > MAX_RESOURCES:
        doc.notes.append(
            f"{len(ranked)} links found; the first {MAX_RESOURCES} are the resources read out "
            "in the closing (phone numbers, the charity's own site, addresses printed in "
            "full first), and the rest stay links in the text. Edit 'resources' to choose."
        )
    return [r for _, _, r in ranked[:MAX_RESOURCES]]


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
    depth = base = 0
    for block in blocks:
        if block.kind == "heading":  # plain: a heading is bold already
            text = inline_text(block.text)
        else:
            text = inline(block.runs)
        if not text:
            continue
        if block.kind == "heading":
            if block.level == 2:
                key = " ".join(text.lower().split())
                seen[key] = seen.get(key, 0) + 1
                text += f" ({seen[key]})" if seen[key] > 1 else ""
            text = re.sub(r"(#+)$", r"\\\1", text)  # "C#" is not a closing sequence
            lines += ([""] if lines and lines[-1] else []) + [f"{'#' * block.level} {text}", ""]
            numbers.clear()
        elif block.kind == "p":
            if previous == "li":
                lines.append("")
            lines += _wrap(text, "", "") + [""]
            numbers.clear()
        else:
            if previous != "li":  # a new list: it starts at the left edge
                numbers.clear()
                indents.clear()
                depth = 0
                base = block.level - 1  # a list may start at level 2 (in Word)
            # Levels from the list's first item, and one deeper at most than the item
            # before: a list is never written as an indented code block.
            depth = max(1, min(block.level - base, depth + 1))
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


# What a line may not start with if it is to stay part of its paragraph: a list marker,
# a quote, a heading, a thematic break or setext underline ("---", "==="), a fence.
_STARTS_BLOCK_RE = re.compile(
    r"^(?:[-+*](?:\s|$)|>|#{1,6}(?:\s|$)|(?:-\s*){3,}$|(?:\*\s*){3,}$|=+\s*$|~~~|```"
    r"|\d{1,9}[.)](?:\s|$))"
)


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
    out = []
    for index, line in enumerate(wrapped):
        lead = first if index == 0 else rest
        body = line[len(lead) :]
        if _STARTS_BLOCK_RE.match(body):
            if body[0].isdigit():
                body = re.sub(r"^(\d+)([.)])", r"\1\\\2", body)
            else:
                body = "\\" + body
        out.append(lead + body)
    return out
