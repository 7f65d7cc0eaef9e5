"""What a PDF says of itself and what its import reports: the title, author, subject,
keywords, language, date and copyright line (`about`), its web, mail and phone links
with the text under each (`links_of`), the text left out as unseen (`hidden_summary`),
and the PDFs refused: mirrored pages, a password, a file that is no PDF.

`pdf.py` reads the words and puts the page back together; it calls these.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import ContentError
from .document import Document, copyright_holder, own_sites, safe_href
from .pdf_visible import HIDDEN_REASONS


def hidden_summary(hidden: dict[int, Counter[str]]) -> str:
    """ "12 characters drawn in the colour of the background (page 2), ..." """
    by_reason: dict[str, list[int]] = {}
    counts: Counter[str] = Counter()
    for page, dropped in hidden.items():
        for reason, count in dropped.items():
            by_reason.setdefault(reason, []).append(page)
            counts[reason] += count
    parts = []
    for reason, pages in by_reason.items():
        named = ", ".join(map(str, pages[:8])) + (", ..." if len(pages) > 8 else "")
        plural = "s" if len(pages) > 1 else ""
        parts.append(
            f"{counts[reason]} character{'s' if counts[reason] != 1 else ''} "
            f"{HIDDEN_REASONS[reason]} (page{plural} {named})"
        )
    return "; ".join(parts)


def refuse_mirrored(path: Path, hidden: dict[int, Counter[str]], rows: list[Any]) -> None:
    """A page set mirrored reads backwards ("sevitatneserper"): refused, naming it."""
    mirrored = [
        page
        for page, dropped in hidden.items()
        if dropped["mirrored"] >= 20
        and dropped["mirrored"] > sum(len(w.text) for r in rows[page - 1] for w in r.words)
    ]
    if mirrored:
        named = ", ".join(map(str, mirrored))
        raise ContentError(
            f"the text on page {named} is mirrored: it would read backwards.",
            path=path,
            fix="Export the PDF again from the program that made it (the page may have been "
            "flipped for printing), or import the Word file or web page it came from.",
        )


def unreadable(path: Path, err: Exception) -> ContentError:
    cause = err.args[0] if err.args else err
    name = type(cause).__name__
    if "Password" in name or "Encrypt" in name:
        return ContentError(
            "this PDF is protected by a password, so its text cannot be read.",
            path=path,
            fix="Open it with the password and save or print an unprotected copy (or ask "
            "its author for one), then import that.",
        )
    return ContentError(
        f"this file cannot be read as a PDF ({cause}).",
        path=path,
        fix="Check it opens in a PDF viewer; save it again from the program that made it.",
    )


def links_of(pages: list[Any]) -> list[tuple[str, str]]:
    """The page's link annotations (web, mail and phone links only), with the text a
    reader sees under each; a link over nothing visible is not kept. A page whose
    annotations cannot be read (pdfminer recursed without end on one real file) gives
    none, rather than stopping the import."""
    out = []
    for page in pages:
        try:
            hyperlinks = page.hyperlinks
        except Exception:  # any damage in the annotations: no links from this page
            continue
        for link in hyperlinks:
            uri = safe_href(text_of(link.get("uri")))
            if not uri:
                continue
            try:
                under = page.crop(
                    (link["x0"], link["top"], link["x1"], link["bottom"]), strict=False
                )
                inside = _readable(under.extract_text(), under.extract_text(use_text_flow=True))
            except Exception:  # a box off the page
                inside = ""
            text = " ".join((inside or "").split())
            if text:
                out.append((text, uri))
    return out


def _readable(by_place: str | None, by_flow: str | None) -> str:
    """The text under a link as a reader reads it. Letters are put in order by where
    they sit; two lines that overlap under one link ("Have your say" set beside a
    smaller "www.uhcw.nhs.uk/feedback") then interleave letter by letter ("Hwawvwe.
    uyhocuwr"). In the order they were drawn they do not: that order is taken when
    more of its words are words of the language."""
    from ..vocabulary import zipf

    def words(text: str | None) -> float:
        tokens = re.findall(r"[A-Za-z]{2,}", text or "")
        return sum(zipf(t.lower()) >= 3.0 for t in tokens) / len(tokens) if tokens else 0.0

    return by_flow if words(by_flow) > words(by_place) else by_place or ""


def about(doc: Document, meta: dict[str, Any], lang: Any, furniture: list[str]) -> None:
    """What the PDF says of itself: its visible title (the largest heading on the first
    page), the metadata's title, author, subject and keywords, its language, its
    date, and the copyright line of its footer."""
    first = next((b for b in doc.blocks if b.kind == "heading"), None)
    if not doc.title and first is not None and first is doc.blocks[0] and first.level == 1:
        doc.title, doc.title_from = first.text, "heading"
    title = humanised(text_of(meta.get("Title")) or "")
    if not doc.title and title and not re.search(r"\.(docx?|pdf|indd)$|^microsoft", title, re.I):
        doc.title, doc.title_from = title, "metadata"
    doc.author = text_of(meta.get("Author"))
    subject = text_of(meta.get("Subject"))
    if subject and len(subject.split()) >= 6:
        doc.summary = subject
    keywords = text_of(meta.get("Keywords"))
    if keywords:
        doc.keywords = [k.strip() for k in re.split(r"[,;]", keywords) if k.strip()]
    date = re.match(r"D:(\d{4})(\d{2})(\d{2})", text_of(meta.get("CreationDate")) or "")
    if date:
        doc.date = "-".join(date.groups())
    language = text_of(lang)
    if language and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
        parts = language.split("-")
        doc.language = "-".join(
            [parts[0].lower()] + [p.upper() if len(p) == 2 else p for p in parts[1:]]
        )
    for text in furniture + [doc.text[-400:]]:
        holder = copyright_holder(text)
        if holder:
            doc.copyright = f"© {holder}"
            doc.organisation = holder
            break
    doc.own_sites = own_sites(" ".join(furniture))


def humanised(title: str) -> str:
    """A title as a program left it in the file's properties or name, as words:
    "Acid_and_chemical_burns" -> "Acid and chemical burns"."""
    if "_" in title and " " not in title.strip():
        title = title.replace("_", " ")
    return " ".join(title.split())


def text_of(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if value is None:
        return None
    text = " ".join(str(value).split()).strip()
    return text or None
