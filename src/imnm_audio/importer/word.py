"""Word documents and saved web pages as blocks.

A .docx goes through mammoth, which turns Word's own structure (paragraph styles,
numbering, bold runs, hyperlinks) into clean HTML; a saved web page goes through
trafilatura, which keeps the main text and leaves navigation, cookie banners, side
bars and footers out. Both trees are then walked the same way (`_walk`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from lxml import etree
from lxml import html as lxml_html

from ..errors import ContentError
from .document import Block, Document, Run, copyright_holder

# Word's styles as HTML. mammoth knows Heading 1-6, and lists by their numbering; Word's
# built-in "List Bullet 2" and "List Number 2" styles (a list inside a list) are added.
_STYLE_MAP = """
p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='List Bullet 2'] => ul|ol > li > ul > li:fresh
p[style-name='List Number 2'] => ul|ol > li > ol > li:fresh
p[style-name='List Bullet 3'] => ul|ol > li > ul|ol > li > ul > li:fresh
p[style-name='List Number 3'] => ul|ol > li > ul|ol > li > ol > li:fresh
"""


def read_docx(path: Path) -> Document:
    import mammoth

    try:
        with path.open("rb") as handle:
            result = mammoth.convert_to_html(handle, style_map=_STYLE_MAP)
        about = _docx_properties(path)
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError) as err:
        raise ContentError(
            f"this Word document cannot be read ({err}).",
            path=path,
            fix="Check it opens in Word or LibreOffice, save it again as .docx, and import that.",
        ) from None
    doc = Document("Word document", [])
    if result.value.strip():
        root = lxml_html.fragment_fromstring(result.value, create_parent="div")
        _walk(root, doc.blocks, _html_tag)
    doc.title = about.get("title")
    if doc.blocks and doc.blocks[0].kind == "heading" and doc.blocks[0].level == 0:
        doc.title = doc.blocks[0].text
    doc.author = about.get("creator")
    doc.organisation = about.get("company")
    doc.language = about.get("language")
    doc.date = (about.get("created") or "")[:10] or None
    if about.get("description") and len(about["description"].split()) >= 6:
        doc.summary = about["description"]
    if about.get("keywords"):
        doc.keywords = [k.strip() for k in re.split(r"[,;]", about["keywords"]) if k.strip()]
    holder = copyright_holder(about.get("footer", ""))
    if holder:
        doc.copyright = f"© {holder}"
        doc.organisation = doc.organisation or holder
    doc.links = _links(doc.blocks)
    return doc


def _docx_properties(path: Path) -> dict[str, str]:
    """Title, author, company, language, date and footer text, from the package."""
    out: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())

        def xml(name: str) -> ElementTree.Element | None:
            return ElementTree.fromstring(archive.read(name)) if name in names else None

        core = xml("docProps/core.xml")
        if core is not None:
            for element in core:
                tag = element.tag.rsplit("}", 1)[-1]
                if element.text and element.text.strip():
                    out[tag] = " ".join(element.text.split())
        app = xml("docProps/app.xml")
        if app is not None:
            for element in app:
                if element.tag.endswith("}Company") and element.text and element.text.strip():
                    out["company"] = element.text.strip()
        styles = xml("word/styles.xml")
        if styles is not None:
            w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
            defaults = styles.find(f"{w}docDefaults")
            lang = defaults.find(f".//{w}lang") if defaults is not None else None
            if lang is not None and lang.get(f"{w}val"):
                out["language"] = lang.get(f"{w}val", "")
        footers = [n for n in names if re.fullmatch(r"word/footer\d*\.xml", n)]
        out["footer"] = " ".join(
            "".join(ElementTree.fromstring(archive.read(n)).itertext()) for n in footers
        )
    return out


def read_html(path: Path) -> Document:
    import trafilatura

    raw = path.read_bytes()
    page = raw.decode("utf-8", "replace")
    extracted = trafilatura.extract(
        page,
        output_format="xml",
        include_links=True,
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        with_metadata=True,
    )
    doc = Document("web page", [])
    if not extracted:
        return doc
    root = etree.fromstring(extracted.encode("utf-8"))
    main = root.find("main")
    _walk(main if main is not None else root, doc.blocks, _xml_tag)
    doc.title = root.get("title")
    doc.organisation = root.get("sitename")
    doc.summary = (
        root.get("description") if len((root.get("description") or "").split()) >= 6 else None
    )
    doc.source_url = _page_url(root.get("url"), page)
    tree = lxml_html.fromstring(raw)
    doc.language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    keywords = tree.xpath("//meta[@name='keywords']/@content")
    if keywords:
        doc.keywords = [k.strip() for k in re.split(r"[,;]", keywords[0]) if k.strip()]
    holder = copyright_holder(" ".join(tree.xpath("//footer//text()")))
    if holder:
        doc.copyright = f"© {holder}"
    doc.links = _links(doc.blocks)
    return doc


def _page_url(url: str | None, page: str) -> str | None:
    """The page's own address: its canonical link, or the one a browser wrote when it
    saved the page ("saved from url=")."""
    if url and url.startswith(("http://", "https://")):
        return url
    saved = re.search(r"saved from url=\(\d+\)(https?://\S+?)\s*-->", page)
    return saved.group(1) if saved else None


# ------------------------------------------------------------------------- the walk


def _html_tag(element: Any) -> tuple[str, int]:
    """mammoth's HTML: (what the element is, its heading level)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if re.fullmatch(r"h[1-6]", tag):
        return "heading", 0 if "title" in (element.get("class") or "") else int(tag[1])
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
    }.get(tag, "other"), 0


def _xml_tag(element: Any) -> tuple[str, int]:
    """trafilatura's XML."""
    tag = element.tag if isinstance(element.tag, str) else ""
    rend = element.get("rend") or ""
    if tag == "head":
        return "heading", int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
    if tag == "list":
        return ("ol" if rend == "ol" else "ul"), 0
    if tag == "hi" and "b" in rend:
        return "b", 0
    return {
        "p": "p",
        "item": "li",
        "ref": "a",
        "lb": "br",
        "quote": "p",
        "table": "table",
        "row": "p",
    }.get(tag, "other"), 0


def _walk(
    root: Any, blocks: list[Block], kind_of: Any, depth: int = 0, ordered: bool = False
) -> None:
    for element in root:
        kind, level = kind_of(element)
        if kind == "heading":
            blocks.append(Block("heading", _runs(element, kind_of), level=level))
        elif kind in ("ul", "ol"):
            _walk(element, blocks, kind_of, depth + 1, kind == "ol")
        elif kind == "li":
            runs = _runs(element, kind_of, skip_lists=True)
            blocks.append(Block("li", runs, level=max(depth, 1), ordered=ordered))
            _walk(
                [c for c in element if kind_of(c)[0] in ("ul", "ol")],
                blocks,
                kind_of,
                depth,
                ordered,
            )
        elif kind == "p":
            runs = _runs(element, kind_of)
            if "".join(r.text for r in runs).strip():
                blocks.append(Block("p", runs))
        elif kind in ("table", "other"):
            _walk(element, blocks, kind_of, depth, ordered)
            if kind == "other" and element.text and element.text.strip() and not len(element):
                blocks.append(Block("p", [Run(element.text)]))


def _runs(
    element: Any,
    kind_of: Any,
    skip_lists: bool = False,
    bold: bool = False,
    href: str | None = None,
) -> list[Run]:
    runs = [Run(element.text or "", bold, href)]
    for child in element:
        kind, _ = kind_of(child)
        if skip_lists and kind in ("ul", "ol"):
            runs.append(Run(child.tail or "", bold, href))
            continue
        link = child.get("href") or child.get("target") if kind == "a" else None
        if kind == "br":
            runs.append(Run(" ", bold, href))
        else:
            runs += _runs(child, kind_of, False, bold or kind == "b", link or href)
        runs.append(Run(child.tail or "", bold, href))
    return runs


def _links(blocks: list[Block]) -> list[tuple[str, str]]:
    out = []
    for block in blocks:
        for run in block.runs:
            if run.href and run.href.startswith(("http://", "https://", "tel:", "mailto:")):
                out.append((" ".join(run.text.split()), run.href))
    return out
