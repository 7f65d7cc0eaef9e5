"""Word documents (.docx) as blocks.

A .docx is a zip of XML parts, so it is checked as a package first (`check_package`,
before any reading: the size each part declares, its real size, how far it inflates,
and no DTD in any part, so no zip bomb or entity expansion gets through). Then text a
reader of the document never sees is taken out of it (hidden text, text in the colour
of its background, text under 2 points) and mammoth turns Word's own structure
(paragraph styles, numbering, bold runs, hyperlinks, tables, footnotes) into clean
HTML, which is walked into blocks (walk.py).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ..errors import ContentError
from .document import Document, copyright_holder
from .limits import (
    MAX_CHARACTERS,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_PARTS_BYTES,
    MAX_RATIO,
    MAX_RUNS,
    MB,
    SPLIT,
    LimitExceeded,
)
from .walk import walk
from .web_visible import spoken_pictures
from .word_extra import directions, mark_chunks, put_chunks

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)

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
# The parts whose text is read: the document (whatever its part is called) and its notes.
_TEXT_ROOTS = {f"{W}document", f"{W}footnotes", f"{W}endnotes"}


def _unreadable(path: Path, why: str) -> ContentError:
    return ContentError(
        f"this Word document cannot be read ({why}).",
        path=path,
        fix="Check it opens in Word or LibreOffice, save it again as .docx, and import that.",
    )


def check_package(path: Path) -> None:
    """Refuse a .docx whose parts are too many, too large, inflate too far (a zip bomb),
    or carry a DTD (entity expansion): from the sizes the zip declares, then from the
    real size of each XML part, read in pieces and never past its limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise ContentError(
                    f"this Word document has {len(infos)} parts; a document has a few dozen.",
                    path=path,
                    fix=SPLIT,
                )
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_PART_BYTES:
                    raise _bomb(path, info.filename, info.file_size)
                if total > MAX_PARTS_BYTES:
                    raise _bomb(path, "all together", total)
                if info.file_size > 10 * MB and ratio > MAX_RATIO:
                    raise ContentError(
                        f"this Word document's part {info.filename} would inflate "
                        f"{ratio:,.0f} times over, to {info.file_size / MB:.0f} MB: real "
                        f"documents pack about 10 times, so it is not read.",
                        path=path,
                        fix="If it is a real document, save it again from Word without "
                        "embedded files, or " + SPLIT[0].lower() + SPLIT[1:],
                    )
            for info in infos:
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                with archive.open(info) as part:
                    size = 0
                    carry = b""  # the end of the last piece: a DTD may straddle two
                    while chunk := part.read(1024 * 1024):
                        if _DTD_RE.search(carry + chunk):
                            raise ContentError(
                                f"this Word document's part {info.filename} declares its "
                                "own entities (a DTD), which Word never writes: it may be "
                                "built to expand without end, so it is not read.",
                                path=path,
                                fix="Open it in Word or LibreOffice and save it again as .docx.",
                            )
                        carry = chunk[-16:]
                        size += len(chunk)
                        if size > MAX_PART_BYTES:
                            raise _bomb(path, info.filename, size)
                        if size > info.file_size:
                            raise ContentError(
                                f"this Word document's part {info.filename} unpacks to more "
                                f"than the {info.file_size:,} bytes its zip entry declares "
                                "(the size was falsified), so it is not read.",
                                path=path,
                                fix="Open it in Word or LibreOffice and save it again as .docx.",
                            )
    except zipfile.BadZipFile as err:
        raise _unreadable(path, f"the zip is damaged: {err}") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError) as err:
        raise _unreadable(path, str(err) or type(err).__name__) from None


_DTD_RE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


def _bomb(path: Path, part: str, size: int) -> ContentError:
    whole = part == "all together"
    limit = MAX_PARTS_BYTES if whole else MAX_PART_BYTES
    what = "parts unpack" if whole else f"part {part} unpacks"
    return ContentError(
        f"this Word document's {what} to more than {limit // MB} MB "
        f"({size / MB:,.0f} MB or more), far more than a document's text (at most "
        f"{MAX_PART_BYTES // MB} MB a part, {MAX_PARTS_BYTES // MB} MB in all): it is not read.",
        path=path,
        fix="If it is a real document, save it again from Word without embedded files, or "
        + SPLIT[0].lower()
        + SPLIT[1:],
    )


def read_docx(path: Path) -> Document:
    import mammoth

    try:
        visible = _visible_package(path)
        package, hidden = visible.data, visible.hidden
        result = mammoth.convert_to_html(
            io.BytesIO(package),
            style_map=_STYLE_MAP,
            # Pictures are not read (an external one would be looked for in the package).
            convert_image=mammoth.images.img_element(lambda image: {}),
        )
        about = _docx_properties(package)
    except zipfile.BadZipFile as err:
        raise _unreadable(path, f"the zip is damaged: {err}") from None
    except etree.XMLSyntaxError as err:
        raise _unreadable(path, f"its XML is damaged: {err}") from None
    except (KeyError, ValueError, EOFError) as err:
        raise _unreadable(path, f"{type(err).__name__}: {err}") from None
    except Exception as err:  # expat's ExpatError and the like, from mammoth's parser
        if "xml" in type(err).__module__.lower() or "Expat" in type(err).__name__:
            raise _unreadable(path, f"its XML is damaged: {err}") from None
        raise
    doc = Document("Word document", [], notes=list(visible.notes))
    converted = put_chunks(result.value, visible.chunks)
    if converted.strip():
        root = lxml_html.fragment_fromstring(converted, create_parent="div")
        spoken_pictures(root)  # its alt text where it is, as a screen reader reads it
        walked = walk(root, _html_tag)
        doc.blocks = walked.blocks
        if walked.marks_dropped:
            doc.notes.append(f"{walked.marks_dropped} footnote marks were taken out of the text.")
    if hidden:
        doc.notes.append(
            f"{hidden} characters a reader of the document cannot see (hidden, in the colour "
            "of their background, or under 2 points) were left out."
        )
    doc.title = about.get("title")
    doc.title_from = "metadata" if doc.title else ""
    if doc.blocks and doc.blocks[0].kind == "heading" and doc.blocks[0].level == 0:
        doc.title, doc.title_from = doc.blocks[0].text, "page"  # in the Title style
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
    doc.links = _links(doc)
    return doc


def _links(doc: Document) -> list[tuple[str, str]]:
    out = []
    for block in doc.blocks:
        for run in block.runs:
            if run.href:
                out.append((" ".join(run.text.split()), run.href))
    return out


# --------------------------------------------------------------- what a reader sees


@dataclass
class _Package:
    data: bytes  # the package, its text parts with only what a reader sees
    hidden: int  # characters taken out
    chunks: list[str]  # alternative-format chunks, as HTML, by their marker's number
    notes: list[str]


def _visible_package(path: Path) -> _Package:
    """The package again, with every run a reader cannot see taken out of its text
    parts, text shown in another direction marked, and the places of its
    alternative-format chunks marked (word_extra.py)."""
    out = io.BytesIO()
    hidden = 0
    chunks: list[str] = []
    notes: list[str] = []
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(out, "w") as copy:
        names = set(archive.namelist())
        styles = _Styles(archive.read("word/styles.xml") if "word/styles.xml" in names else None)
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename.startswith("word/") and info.filename.endswith(".xml"):
                root = etree.fromstring(data, _SAFE_XML)
                if root.tag in _TEXT_ROOTS:
                    directions(root)
                    if root.tag == f"{W}document":
                        found, said = mark_chunks(root, archive, info.filename, _SAFE_XML)
                        chunks += found
                        notes += said
                    data, dropped = _without_hidden_runs(root, styles)
                    hidden += dropped
            copy.writestr(info, data)
    return _Package(out.getvalue(), hidden, chunks, notes)


class _Styles:
    """Run properties a style gives (hidden, colour, size), following basedOn."""

    def __init__(self, xml: bytes | None) -> None:
        self.by_id: dict[str, Any] = {}
        self.defaults: Any = None
        if xml is None:
            return
        root = etree.fromstring(xml, _SAFE_XML)
        for style in root.iter(f"{W}style"):
            self.by_id[style.get(f"{W}styleId") or ""] = style
        self.defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")

    def chain(self, style_id: str | None) -> list[Any]:
        """The style's run properties, nearest first, then those it is based on."""
        out, seen = [], set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            props = style.find(f"{W}rPr")
            if props is not None:
                out.append(props)
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None
        return out


def _on(element: Any) -> bool:
    return (element.get(f"{W}val") or "true").lower() not in ("0", "false", "off")


def _without_hidden_runs(root: Any, styles: _Styles) -> tuple[bytes, int]:
    page = root.find(f"{W}background")
    page_colour = (page.get(f"{W}color") if page is not None else None) or "FFFFFF"
    dropped = 0
    runs = list(root.iter(f"{W}r"))
    characters = sum(len(t.text or "") for t in root.iter(f"{W}t"))
    if len(runs) > MAX_RUNS or characters > MAX_CHARACTERS:
        raise LimitExceeded(
            f"this Word document has {characters:,} characters in {len(runs):,} differently "
            f"formatted pieces; imnm-audio imports at most {MAX_CHARACTERS:,} characters (about "
            f"150 pages) in {MAX_RUNS:,} pieces, and a factsheet has far fewer.",
            SPLIT,
        )
    for run in runs:
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if not text.strip():
            continue
        paragraph = next((a for a in run.iterancestors(f"{W}p")), None)
        chains: list[Any] = []
        own = run.find(f"{W}rPr")
        if own is not None:
            chains.append(own)
            style = own.find(f"{W}rStyle")
            chains += styles.chain(style.get(f"{W}val") if style is not None else None)
        if paragraph is not None:
            pstyle = paragraph.find(f"{W}pPr/{W}pStyle")
            chains += styles.chain(pstyle.get(f"{W}val") if pstyle is not None else None)
        if styles.defaults is not None:
            chains.append(styles.defaults)

        vanish = _first(chains, "vanish")
        size = _first(chains, "sz")
        colour = _first(chains, "color")
        shading = run.find(f"{W}rPr/{W}shd")
        if shading is None and paragraph is not None:
            shading = paragraph.find(f"{W}pPr/{W}shd")
        if shading is None:
            cell = next((a for a in run.iterancestors(f"{W}tc")), None)
            shading = cell.find(f"{W}tcPr/{W}shd") if cell is not None else None
        highlight = run.find(f"{W}rPr/{W}highlight")
        background = (
            (shading.get(f"{W}fill") if shading is not None else None)
            or (
                "000000"
                if highlight is not None
                and _on(highlight)
                and (highlight.get(f"{W}val") or "") == "black"
                else None
            )
            or page_colour
        )
        invisible = vanish is not None and _on(vanish)
        try:
            invisible |= size is not None and int(size.get(f"{W}val") or 24) < 4  # half-points
        except ValueError:
            pass
        value = (colour.get(f"{W}val") or "").upper() if colour is not None else ""
        if re.fullmatch(r"[0-9A-F]{6}", value) and re.fullmatch(r"[0-9A-Fa-f]{6}", background):
            invisible |= _close(value, background.upper())
        if invisible:
            dropped += len(text)
            run.getparent().remove(run)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), dropped


def _first(chains: list[Any], tag: str) -> Any:
    """The nearest run property of that name: the run's own, its style's, the
    paragraph style's, the document's default."""
    for props in chains:
        found = props.find(f"{W}{tag}")
        if found is not None:
            return found
    return None


def _close(a: str, b: str) -> bool:
    return max(abs(int(a[i : i + 2], 16) - int(b[i : i + 2], 16)) for i in (0, 2, 4)) <= 30


# ------------------------------------------------------------------ what it says of itself


def _docx_properties(package: bytes) -> dict[str, str]:
    """Title, author, company, language, date and footer text, from the package."""
    out: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = set(archive.namelist())

        def xml(name: str) -> Any:
            return etree.fromstring(archive.read(name), _SAFE_XML) if name in names else None

        core = xml("docProps/core.xml")
        if core is not None:
            for element in core:
                tag = str(element.tag).rsplit("}", 1)[-1]
                if element.text and element.text.strip():
                    out[tag] = " ".join(element.text.split())
        app = xml("docProps/app.xml")
        if app is not None:
            for element in app:
                if str(element.tag).endswith("}Company") and element.text and element.text.strip():
                    out["company"] = element.text.strip()
        styles = xml("word/styles.xml")
        if styles is not None:
            lang = styles.find(f"{W}docDefaults//{W}lang")
            if lang is not None and lang.get(f"{W}val"):
                out["language"] = lang.get(f"{W}val", "")
        footers = [n for n in names if re.fullmatch(r"word/footer\d*\.xml", n)]
        out["footer"] = " ".join("".join(xml(n).itertext()) for n in footers)
    return out


def _html_tag(element: Any) -> tuple[str, int]:
    """mammoth's HTML: (what the element is, its heading level or 1 for a header cell)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if re.fullmatch(r"h[1-6]", tag):
        return "heading", 0 if "title" in (element.get("class") or "") else int(tag[1])
    first_id = (element[0].get("id") or "") if len(element) else ""
    if tag == "ol" and re.fullmatch(r"(?:foot|end)note-\d+", first_id):
        return "notes", 0
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
    }.get(tag, "other"), 0
