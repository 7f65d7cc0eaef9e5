"""What a file to import really is, by its first bytes as well as its name: a PDF, a
Word document (.docx, a zip with word/document.xml) or a saved web page."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import ContentError

KINDS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html"}
_NAMES = {"pdf": "a PDF", "docx": "a Word document (.docx)", "html": "a web page (HTML)"}
_OTHER_FORMATS = {
    ".doc": "an old Word document (.doc): open it in Word or LibreOffice and save it as .docx",
    ".odt": "an OpenDocument text: save it as .docx (File > Save As) or export it as PDF",
    ".rtf": "rich text: save it as .docx",
    ".pages": "a Pages document: export it as Word (.docx) or PDF",
    ".txt": "plain text: it has no headings or lists to read; write it as "
    "content/<slug>/factsheet.md (see README: adding a factsheet)",
    ".md": "already Markdown: copy it to content/<slug>/factsheet.md and add the front "
    "matter (see README: adding a factsheet)",
    ".mhtml": "a web archive: open it in a browser and save it as 'Web page, HTML only'",
    ".mht": "a web archive: open it in a browser and save it as 'Web page, HTML only'",
}


def kind_of(path: Path) -> str:
    """'pdf', 'docx' or 'html'; ContentError (exit 2) for a missing file, another format,
    or a file that is not what its name says."""
    if not path.is_file():
        raise ContentError(
            "there is no such file." if not path.exists() else "this is not a file.",
            path=path,
            fix="Check the path (a PDF, .docx or saved .html page).",
        )
    suffix = path.suffix.lower()
    with path.open("rb") as handle:  # only the first bytes: the file may be huge
        head = handle.read(4096)
    actual = _sniff(path, head)
    expected = KINDS.get(suffix)
    if expected is None:
        if suffix in _OTHER_FORMATS:
            reason = _OTHER_FORMATS[suffix]
        else:
            reason = f"a '{suffix or 'no extension'}' file, which cannot be imported"
        found = f" (its contents look like {_NAMES[actual]}: rename it)" if actual else ""
        raise ContentError(
            f"this is {reason}{found}.",
            path=path,
            fix="imnm-audio import reads PDF (.pdf), Word (.docx) and saved web pages (.html).",
        )
    if not head.strip():
        raise ContentError(
            "this file is empty.", path=path, fix="Check it is the right file, saved in full."
        )
    if actual != expected:
        looks = f"{_NAMES[actual]}" if actual else _describe(head)
        raise ContentError(
            f"the name says {_NAMES[expected]}, but the file is {looks}.",
            path=path,
            fix="Save or export it again in the format its name says, or give it the right "
            "extension.",
        )
    return expected


def _sniff(path: Path, head: bytes) -> str | None:
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "docx"
                # Office 365 may name the main part otherwise; the package says which.
                if "[Content_Types].xml" in names:
                    info = archive.getinfo("[Content_Types].xml")
                    if info.file_size < 1024 * 1024:
                        types = archive.read(info)
                        if b"wordprocessingml.document.main+xml" in types:
                            return "docx"
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            return None
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "replace")
    else:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:  # a page in another charset (cp1252, latin-1)
            text = head.decode("latin-1")
    text = text.lstrip("\ufeff \t\r\n").lower()
    if sum(1 for c in text[:1024] if ord(c) < 32 and c not in "\t\r\n\f") > 8:
        return None  # binary, not text
    if text.startswith(("<!doctype html", "<html", "<!--", "<?xml")) and "<html" in text:
        return "html"
    # A page saved as a fragment starts with an element ("<div>", "<h3 ...>").
    if re.match(
        r"<(?:head|body|main|article|section|div|p|h[1-6]|table|ul|ol|span|header|nav|script"
        r"|meta|link|title|style)\b",
        text,
    ) or any(tag in text for tag in ("<head", "<body", "<main", "<article", "<div", "<p>")):
        return "html"
    return None


def _describe(head: bytes) -> str:
    if head[:4] == b"PK\x03\x04":
        return "a zip archive (not a Word document)"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "an old Microsoft Office file (.doc): save it as .docx"
    if head[:3] == b"\xff\xd8\xff" or head[:8] == b"\x89PNG\r\n\x1a\n":
        return "a picture"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "in a format imnm-audio cannot read"
    return "plain text"
