"""Saved web pages as blocks.

The page is parsed (its own charset, or its byte-order mark), everything a visitor
never sees is taken out (<template>, `hidden`, `aria-hidden="true"`, and what inline
styles or the page's own style sheet hide with display:none, visibility:hidden,
opacity:0 or font-size:0), and trafilatura keeps the main text, leaving menus, cookie
banners, side bars and footers out. Its XML is walked into blocks (walk.py).

The page's address is its own (its canonical link, og:url, or the "saved from" line a
browser writes), and only when it is a web address: never a site it merely links to.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ..content.common import LANGUAGE_RE
from .document import Document, copyright_holder, safe_href
from .walk import walk

_HIDING_STYLE_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$)"
    r"|font-size\s*:\s*0(?:px|pt|em|rem|%)?\s*(?:;|$)",
    re.I,
)
# ".hide, #secret { display: none }" in the page's own <style>: simple selectors only.
_STYLE_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def read_html(path: Path) -> Document:
    import trafilatura

    raw = path.read_bytes()
    tree = _parse(raw)
    doc = Document("web page", [])
    if tree is None:
        return doc
    hidden = _drop_hidden(tree)
    doc.source_url = page_url(tree, raw)
    language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    doc.language = language.strip() if LANGUAGE_RE.match(language.strip()) else None
    keywords = tree.xpath("//meta[@name='keywords']/@content")
    if keywords:
        doc.keywords = [k.strip() for k in re.split(r"[,;]", keywords[0]) if k.strip()][:20]
    holder = copyright_holder(" ".join(tree.xpath("//footer//text()")))
    if holder:
        doc.copyright = f"© {holder}"
    _keep_word_spaces(tree)
    cleaned = lxml_html.tostring(tree, encoding="unicode")
    extracted = trafilatura.extract(
        cleaned,
        url=doc.source_url,
        output_format="xml",
        include_links=True,
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        with_metadata=True,
    )
    if hidden:
        doc.notes.append(
            f"{hidden} characters the page hides from its visitors (templates, hidden "
            "elements, display:none) were left out."
        )
    root = None
    if extracted:
        root = etree.fromstring(extracted.encode("utf-8"), etree.XMLParser(resolve_entities=False))
        main = root.find("main")
        walked = walk(main if main is not None else root, _xml_tag, doc.source_url)
    if root is None or not any(b.text for b in walked.blocks):
        # Too little for trafilatura to call it a page's main text (a fragment, a short
        # page): the whole visible body, without its menus, header and footer.
        body = tree.find("body")
        walked = walk(body if body is not None else tree, _page_tag, doc.source_url)
        doc.title = _text(tree.findtext(".//title"))
    doc.blocks = walked.blocks
    if root is None:
        return doc
    if walked.marks_dropped:
        doc.notes.append(f"{walked.marks_dropped} footnote marks were taken out of the text.")
    doc.title = root.get("title")
    doc.organisation = root.get("sitename")
    description = root.get("description") or ""
    doc.summary = description if len(description.split()) >= 6 else None
    doc.links = [
        (" ".join(run.text.split()), run.href) for b in doc.blocks for run in b.runs if run.href
    ]
    return doc


def _parse(raw: bytes) -> Any:
    """The page as an lxml tree, decoded by its byte-order mark, its declared charset,
    or else as UTF-8 if it is, and Windows-1252 if not; None when there is nothing."""
    text = _decode(raw)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml takes no declaration in a str
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _decode(raw: bytes) -> str:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, "replace")
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", raw[:4096], re.I)
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _drop_hidden(tree: Any) -> int:
    """Take out what a visitor never sees; the number of characters taken."""
    hiding_selectors: set[str] = set()
    for style in tree.iter("style"):
        for selectors, body in _STYLE_RULE_RE.findall(style.text or ""):
            if _HIDING_STYLE_RE.search(body):
                for selector in selectors.split(","):
                    selector = selector.strip()
                    if re.fullmatch(r"[.#][\w-]+", selector):
                        hiding_selectors.add(selector)
    doomed = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        classes = {"." + c for c in (element.get("class") or "").split()}
        ident = "#" + element.get("id") if element.get("id") else ""
        if (
            element.tag == "template"
            or element.get("hidden") is not None
            or (element.get("aria-hidden") or "").strip().lower() == "true"
            or _HIDING_STYLE_RE.search(element.get("style") or "")
            or classes & hiding_selectors
            or (ident and ident in hiding_selectors)
        ):
            doomed.append(element)
    dropped = 0
    for element in doomed:
        if element.getparent() is None:
            continue
        if element.tag not in ("script", "style"):
            dropped += len(" ".join("".join(element.itertext()).split()))
        element.drop_tree()
    return dropped


def _keep_word_spaces(tree: Any) -> None:
    """The space between two inline elements ("<a>Latin</a> <i>anas</i>") lives in the
    first one's tail, which trafilatura drops ("Latinanas"): it is moved into the text
    the next element starts with, where it survives."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tail = element.tail
        following = element.getnext()
        if tail is None or tail.strip() or not tail or following is None:
            continue
        target = following
        while isinstance(target.tag, str) and not (target.text or "").strip() and len(target):
            target = target[0]
        if isinstance(target.tag, str) and (target.text or "").strip():
            target.text = " " + target.text.lstrip()
            element.tail = ""


def page_url(tree: Any, raw: bytes) -> str | None:
    """The page's own address: its canonical link, og:url, or the line a browser writes
    when it saves a page ("saved from url="); a web address only."""
    candidates = tree.xpath("//link[@rel='canonical']/@href") + tree.xpath(
        "//meta[@property='og:url']/@content"
    )
    saved = re.search(rb"saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", raw[:4096])
    if saved:
        candidates.append(saved.group(1).decode("ascii", "replace"))
    for candidate in candidates:
        url = safe_href(candidate)
        if url and url.startswith(("http://", "https://")):
            return url
    return None


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


_PAGE_FURNITURE = {
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "script",
    "style",
    "noscript",
    "select",
    "svg",
    "iframe",
}


def _page_tag(element: Any) -> tuple[str, int]:
    """A page's own HTML, for the fallback walk: its furniture is skipped."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _PAGE_FURNITURE:
        return "skip", 0
    if re.fullmatch(r"h[1-6]", tag):
        return "heading", int(tag[1])
    if tag == "th":
        return "cell", 1
    return {
        "p": "p",
        "ul": "ul",
        "ol": "ol",
        "li": "li",
        "strong": "b",
        "b": "b",
        "a": "a",
        "br": "br",
        "table": "table",
        "tr": "row",
        "td": "cell",
        "blockquote": "p",
        "dt": "p",
        "dd": "p",
    }.get(tag, "other"), 0


def _xml_tag(element: Any) -> tuple[str, int]:
    """trafilatura's XML: (what the element is, its heading level or 1 for a header cell)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    rend = element.get("rend") or ""
    if tag == "head":
        return "heading", int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
    if tag == "list":
        return ("ol" if rend == "ol" else "ul"), 0
    if tag == "hi" and re.fullmatch(r"#(?:b|strong)", rend):
        return "b", 0
    if tag == "cell":
        return "cell", 1 if element.get("role") == "head" else 0
    return {
        "p": "p",
        "item": "li",
        "ref": "a",
        "lb": "br",
        "quote": "p",
        "table": "table",
        "row": "row",
    }.get(tag, "other"), 0
