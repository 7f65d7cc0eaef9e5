"""Saved web pages as blocks.

The page is decoded (its byte-order mark, else the charset its head declares, wherever
in the head; a page that declares UTF-7 is refused), everything a visitor never sees is
taken out (web_visible.py: hidden elements and what the page's own styles hide, text in
its background's colour; text for screen readers kept), headings are made plain
(role="heading" with its level; a heading's words whatever they are wrapped in), text
set right to left by markup is marked so it is read as shown, and trafilatura keeps the
main text, leaving menus, cookie banners, side bars and footers out. Its XML is walked
into blocks (walk.py), relative links resolved against the page's <base href>.

The title is the page's own <h1>, as its visitors see it; the <title> of the browser
tab only when there is none. The page's address is its own (its canonical link,
og:url, or the "saved from" line a browser writes), and only when it is a web address:
never a site it merely links to. A page built by JavaScript and saved before it ran
("Loading…") is refused with the way to save it properly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ..content.common import LANGUAGE_RE
from ..errors import ContentError
from .document import Document, copyright_holder, safe_href, shown_order
from .walk import walk
from .web_visible import drop_hidden, spoken_pictures


def read_html(path: Path) -> Document:
    import trafilatura

    raw = path.read_bytes()
    tree, repaired = _parse(raw, path)
    doc = Document("web page", [])
    if tree is None:
        return doc
    if repaired:
        doc.notes.append(
            f"{repaired} characters the page had saved in the wrong encoding (UTF-8 read as "
            "Latin-1: “Thatâs” for “That’s”) were read as they were written."
        )
    hidden = drop_hidden(tree)
    spoken_pictures(tree)  # before the shell check: a picture's words are the page's
    _refuse_script_shell(tree, path)
    doc.source_url = page_url(tree, raw)
    base = _base(tree, doc.source_url)
    language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    doc.language = language.strip() if LANGUAGE_RE.match(language.strip()) else None
    keywords = tree.xpath("//meta[@name='keywords']/@content")
    if keywords:
        doc.keywords = [k.strip() for k in re.split(r"[,;]", keywords[0]) if k.strip()][:20]
    holder = copyright_holder(" ".join(tree.xpath("//footer//text()")))
    if holder:
        doc.copyright = f"© {holder}"
    _headings(tree)
    _shown_direction(tree)
    _resolve_links(tree, base)
    shown_title = _shown_title(tree)
    _keep_word_spaces(tree)
    cleaned = lxml_html.tostring(tree, encoding="unicode")
    extracted = trafilatura.extract(
        cleaned,
        url=base,
        output_format="xml",
        include_links=True,
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        with_metadata=True,
    )
    if hidden:
        parts = []
        if hidden["display"]:
            parts.append(
                f"{hidden['display']} characters the page hides from its visitors (templates, "
                "hidden elements, styles that hide them)"
            )
        if hidden["colour"]:
            parts.append(f"{hidden['colour']} characters in the colour of their background")
        doc.notes.append(" and ".join(parts) + " were left out.")
    root = None
    if extracted:
        root = etree.fromstring(extracted.encode("utf-8"), etree.XMLParser(resolve_entities=False))
        main = root.find("main")
        walked = walk(main if main is not None else root, _xml_tag, base)
    if root is None or not any(b.text for b in walked.blocks):
        # Too little for trafilatura to call it a page's main text (a fragment, a short
        # page): the whole visible body, without its menus, header and footer.
        body = tree.find("body")
        walked = walk(body if body is not None else tree, _page_tag, base)
        doc.title = _text(tree.findtext(".//title"))
        doc.title_from = "metadata" if doc.title else ""
    doc.blocks = walked.blocks
    if root is not None:
        if walked.marks_dropped:
            doc.notes.append(f"{walked.marks_dropped} footnote marks were taken out of the text.")
        doc.title = root.get("title")
        doc.title_from = "metadata" if doc.title else ""
        doc.organisation = root.get("sitename")
        description = root.get("description") or ""
        doc.summary = description if len(description.split()) >= 6 else None
    if shown_title:
        doc.title, doc.title_from = shown_title, "page"
    doc.links = [
        (" ".join(run.text.split()), run.href) for b in doc.blocks for run in b.runs if run.href
    ]
    return doc


def _parse(raw: bytes, path: Path) -> tuple[Any, int]:
    """The page as an lxml tree (None when there is nothing), and how many characters
    saved in the wrong encoding were repaired."""
    text, repaired = repair_mojibake(_decode(raw, path))
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml takes no declaration in a str
    if not text.strip():
        return None, 0
    try:
        return lxml_html.document_fromstring(text), repaired
    except (etree.ParserError, ValueError):
        return None, 0


# UTF-8 read as Latin-1 or Windows-1252 and saved again ("’" becomes "â" and two more
# characters): a lead byte's character (Â-ô) and one to three continuation bytes'
# characters (the C1 controls, or cp1252's letters and marks in those places).
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE_RE = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]{{1,3}}")
MOJIBAKE_LEAST = 3  # a page's own "Ã©" (one, in a name) is not a damaged page


def repair_mojibake(text: str) -> tuple[str, int]:
    """Text whose UTF-8 was once read as Latin-1 (or cp1252) and saved again, read as it
    was written: each run that is the bytes of one UTF-8 character becomes that
    character. Only when the text has at least MOJIBAKE_LEAST such runs (a page with
    one "Ã©" may mean it); returns the text and how many characters were repaired."""

    def byte(char: str) -> int:
        return ord(char) if ord(char) < 256 else char.encode("cp1252")[0]

    def fixed(match: re.Match[str]) -> str:
        run = match.group(0)
        try:
            char = bytes(byte(c) for c in run).decode("utf-8")
        except (UnicodeDecodeError, UnicodeEncodeError):
            return run
        return char if len(char) == 1 else run

    found = [m for m in _MOJIBAKE_RE.finditer(text) if fixed(m) != m.group(0)]
    if len(found) < MOJIBAKE_LEAST:
        return text, 0
    return _MOJIBAKE_RE.sub(fixed, text), len(found)


# Labels the HTML standard maps to no decoder a page may use: UTF-7 (which spells "<" as
# "+ADw-", so markup can hide in plain text) and the "replacement" encodings.
_UNSAFE_CHARSETS = {
    "utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7", "x-utf-7", "iso-2022-kr",
    "csiso2022kr", "iso-2022-cn", "iso-2022-cn-ext", "hz-gb-2312", "replacement",
}  # fmt: skip
# Labels the HTML standard reads as Windows-1252 (browsers never use real Latin-1).
_AS_WINDOWS_1252 = {"iso-8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "iso8859-1"}
_CHARSET_RE = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode(raw: bytes, path: Path) -> str:
    """The page's text. The byte-order mark decides; else the charset its head declares
    (a <meta charset> or http-equiv, wherever it is in the head, as browsers find it);
    else UTF-8 when the bytes are UTF-8, and Windows-1252 when not. A page that declares
    UTF-7 (or another encoding that can smuggle markup) is refused."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, "replace")
    if raw.startswith(b"+/v"):
        _refuse_charset(path, "UTF-7")
    head_end = re.search(rb"<body[\s>]|</head\s*>", raw[: 512 * 1024], re.I)
    head = raw[: head_end.start() if head_end else 64 * 1024]
    declared = _CHARSET_RE.search(head)
    if declared:
        label = declared.group(1).decode("ascii", "replace").lower()
        if label in _UNSAFE_CHARSETS:
            _refuse_charset(path, label.upper())
        codec = "cp1252" if label in _AS_WINDOWS_1252 else label
        try:
            return raw.decode(codec, "replace")
        except LookupError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _refuse_charset(path: Path, label: str) -> None:
    raise ContentError(
        f"this page says its text is in the {label} encoding, which no browser reads "
        "(it can hide markup inside plain text), so it is not read.",
        path=path,
        fix="Open the page in a browser and save it again (File > Save Page As); it is then "
        "saved as UTF-8.",
    )


def _refuse_script_shell(tree: Any, path: Path) -> None:
    """A page built by JavaScript and saved before it ran holds only "Loading…": its
    text is not in the file."""
    body = tree.find("body")
    if body is None:
        return
    if not any(s.get("src") or len(s.text or "") > 200 for s in tree.iter("script")):
        return
    words: list[str] = []
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "noscript"):
            continue
        if any(a.tag in ("script", "style", "noscript") for a in element.iterancestors()):
            continue
        words += (element.text or "").split()
        if element is not body:
            words += (element.tail or "").split()
    if len(words) < 25:
        said = " ".join(words)[:60] or "nothing"
        raise ContentError(
            "this page is built by JavaScript in the browser and was saved before it ran: "
            f"all it shows is '{said}'.",
            path=path,
            fix="Open the page in a browser, wait until its text has appeared, then save it "
            "again (File > Save Page As, 'Web page, complete'), or print it to PDF and import "
            "that.",
        )


def _base(tree: Any, page: str | None) -> str | None:
    """Where the page's relative links point from: its <base href> (as a browser
    resolves them), else its own address."""
    for href in tree.xpath("//base/@href")[:1]:
        url = safe_href(href, page)
        if url and url.startswith(("http://", "https://")):
            return url
    return page


def _resolve_links(tree: Any, base: str | None) -> None:
    """Every link as the address a browser would follow (against <base href>), or no
    link at all: the main-text extractor resolves against the site's root instead, and
    keeps "jav&#x09;ascript:" as a path on the page's own site."""
    for element in tree.iter("a", "area"):
        href = element.get("href")
        if href is None:
            continue
        url = safe_href(href, base)
        if url:
            element.set("href", url)
        else:
            del element.attrib["href"]


_INLINE = {"div", "p", "section", "span", "a", "strong", "b", "em", "i", "br", "small"}


def _headings(tree: Any) -> None:
    """Headings as a reader gets them: role="heading" with its aria-level is a heading
    of that rank; a heading's words are its text, whatever they are wrapped in (a
    <div>, a named anchor), so the main-text extractor keeps it."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str):
            continue
        if (element.get("role") or "").strip().lower() == "heading" and not re.fullmatch(
            r"h[1-6]", element.tag
        ):
            level = (element.get("aria-level") or "2").strip()
            element.tag = f"h{level}" if level in ("1", "2", "3", "4", "5", "6") else "h2"
        if re.fullmatch(r"h[1-6]", element.tag) and len(element):
            if any(c.tag in _INLINE for c in element.iter() if c is not element):
                text = " ".join("".join(element.itertext()).split())
                for child in list(element):
                    element.remove(child)
                element.text = text


def _shown_direction(tree: Any) -> None:
    """Text set right to left by markup (<bdo dir="rtl">, or dir="rtl" with
    unicode-bidi: bidi-override) is marked as an override, so it is read in the order
    it is shown (document.shown_order)."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str):
            continue
        style = (element.get("style") or "").replace(" ", "").lower()
        rtl = (element.get("dir") or "").strip().lower() == "rtl"
        if rtl and (element.tag == "bdo" or "unicode-bidi:bidi-override" in style):
            text = "".join(element.itertext())
            for child in list(element):
                element.remove(child)
            element.text = "\u202e" + text + "\u202c"
    # In the order shown, here: the main-text extractor drops the controls themselves.
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text:
            element.text = shown_order(element.text)
        if element.tail:
            element.tail = shown_order(element.tail)


def _shown_title(tree: Any) -> str | None:
    """The page's title as its visitors see it: its first <h1> outside menus and footers
    (not the <title> a browser shows in its tab)."""
    body = tree.find("body")
    for h1 in (body if body is not None else tree).iter("h1"):
        if any(a.tag in ("nav", "footer", "aside") for a in h1.iterancestors()):
            continue
        text = " ".join("".join(h1.itertext()).split())
        if len(re.findall(r"[^\W\d_]", text)) >= 3:
            return text
    return None


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
