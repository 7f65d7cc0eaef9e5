"""What a Word document shows that mammoth does not read, put where mammoth reads it.

- An alternative-format chunk (w:altChunk): a part of the package in another format
  (HTML, a web archive, plain text) that Word shows in place, as if typed there. Its
  place in the document becomes a marker paragraph; after mammoth, the marker is
  replaced by the chunk's visible HTML (scripts, styles and hidden elements out), which
  the walk then reads like the rest. A chunk in a format not read (RTF, another .docx)
  is named in the notes.
- Text Word shows in another direction than it is stored (a bidirectional override,
  w:bdo, or embedding, w:dir): marked with the Unicode controls that say so, so it is
  read in the order it is shown (document.shown_order).
"""

from __future__ import annotations

import email
import html
import posixpath
import re
import zipfile
from typing import Any

from lxml import etree
from lxml import html as lxml_html

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MARK = "IMNMCHUNK"  # a chunk's place in mammoth's HTML: "IMNMCHUNK3"
_UNSAFE = ("script", "style", "noscript", "template", "iframe", "object", "embed", "head")


def directions(root: Any) -> None:
    """w:bdo (override) and w:dir (embedding): their text in the order Word shows it
    (document.shown_order), in their first run, and the element unwrapped (mammoth reads
    no run inside one)."""
    from .document import shown_order

    for tag, opener in ((f"{W}bdo", "\u202d\u202e"), (f"{W}dir", "\u202a\u202b")):
        for element in list(root.iter(tag)):
            rtl = (element.get(f"{W}val") or "").lower() == "rtl"
            texts = list(element.iter(f"{W}t"))
            if texts:
                stored = "".join(t.text or "" for t in texts)
                texts[0].text = shown_order(opener[1 if rtl else 0] + stored + "\u202c")
                for text in texts[1:]:
                    text.text = ""
            parent = element.getparent()
            if parent is None:
                continue
            at = parent.index(element)
            for offset, child in enumerate(list(element)):
                parent.insert(at + offset, child)
            parent.remove(element)


def mark_chunks(
    root: Any, archive: zipfile.ZipFile, part: str, safe: Any
) -> tuple[list[str], list[str]]:
    """Each w:altChunk in the document becomes a marker paragraph; returns each chunk's
    HTML (in order) and the notes on chunks that were not read."""
    chunks: list[str] = []
    notes: list[str] = []
    found = list(root.iter(f"{W}altChunk"))
    if not found:
        return chunks, notes
    targets = _relationships(archive, part, safe)
    for element in found:
        target = targets.get(element.get(f"{R}id") or "")
        content = _chunk_html(archive, target, notes) if target else None
        parent = element.getparent()
        if content is None or parent is None:
            if parent is not None:
                parent.remove(element)
            continue
        paragraph = etree.Element(f"{W}p")
        run = etree.SubElement(paragraph, f"{W}r")
        etree.SubElement(run, f"{W}t").text = f"{MARK}{len(chunks)}"
        parent.replace(element, paragraph)
        chunks.append(content)
    return chunks, notes


def put_chunks(converted: str, chunks: list[str]) -> str:
    """mammoth's HTML with each marker paragraph replaced by its chunk."""

    def chunk(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return chunks[index] if index < len(chunks) else ""

    return re.sub(rf"<p>\s*{MARK}(\d+)\s*</p>", chunk, converted)


def _relationships(archive: zipfile.ZipFile, part: str, safe: Any) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    tree = etree.fromstring(archive.read(rels), safe)
    out = {}
    for rel in tree.iter(f"{RELS}Relationship"):
        if (rel.get("TargetMode") or "").lower() == "external":
            continue  # a chunk outside the package is never fetched
        target = posixpath.normpath(posixpath.join(folder, rel.get("Target") or ""))
        out[rel.get("Id") or ""] = target.lstrip("/")
    return out


def _chunk_html(archive: zipfile.ZipFile, target: str, notes: list[str]) -> str | None:
    if target not in archive.namelist():
        return None
    data = archive.read(target)
    suffix = posixpath.splitext(target)[1].lower()
    if suffix in (".htm", ".html", ".xhtml"):
        return _visible_html(data)
    if suffix in (".mht", ".mhtml"):
        message = email.message_from_bytes(data)
        for piece in message.walk():
            if piece.get_content_type() == "text/html":
                payload = piece.get_payload(decode=True)
                if isinstance(payload, bytes):
                    return _visible_html(payload)
        return None
    if suffix == ".txt":
        text = data.decode("utf-8", "replace")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return "".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paragraphs)
    notes.append(
        f"the document shows a part in another format ({target}, {suffix or 'no type'}) "
        "that is not read: copy its text into the factsheet if it matters."
    )
    return None


def _visible_html(data: bytes) -> str:
    """A chunk's body as clean HTML: only what a reader sees, no script or style."""
    from .web_visible import drop_hidden

    try:
        tree = lxml_html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return ""
    drop_hidden(tree)  # first: it reads the chunk's own style sheet
    for element in list(tree.iter(*_UNSAFE)):
        if element.getparent() is not None:
            element.drop_tree()
    body = tree.find("body")
    root = body if body is not None else tree
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in root) or html.escape(
        root.text_content()
    )
