"""What a tagged PDF says of its own structure: each marked-content id's role on a page
("H1", "P", "LI", "Title"), from the structure tree (pdfplumber reads it, through the
page's parent tree), and the outline (bookmarks), as a second witness of the sections.

Tags are evidence, not truth: real exporters tag body text as H1 and headings as P. The
reader (pdf_headings.py) takes a tagged heading only when its text also reads as one.
"""

from __future__ import annotations

import re
from typing import Any

# Roles that hold text as blocks; anything else (Span, Link, Lbl, ...) takes the role
# of the nearest block it is in.
BLOCK_ROLES = {
    "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "Title", "LI", "LBody", "TD", "TH",
    "Caption", "Figure", "TOCI", "BlockQuote", "Note", "FENote",
}  # fmt: skip
HEADING_RE = re.compile(r"^(?:H[1-6]?|Title)$")


def roles_of(pdf: Any, page: Any) -> dict[int, str]:
    """Marked-content id -> role for one page; empty for an untagged PDF or a structure
    tree too damaged to read (then nothing is decided by tags)."""
    from pdfplumber.structure import PDFStructTree

    try:
        tree = PDFStructTree(pdf, page)
    except Exception:  # untagged (StructTreeMissing), or a broken tree
        return {}
    out: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(element, "") for element in tree]
    seen = 0
    while stack and seen < 200_000:
        element, inherited = stack.pop()
        seen += 1
        role = element.type if element.type in BLOCK_ROLES else inherited
        for mcid in element.mcids:
            if isinstance(mcid, int):
                out.setdefault(mcid, role)
        stack.extend((child, role) for child in element.children)
    return out


def outline_titles(pdf: Any) -> list[str]:
    """The titles of the document's bookmarks, in order (first two levels)."""
    try:
        from pdfminer.pdfdocument import PDFNoOutlines

        titles = []
        for level, title, *_ in pdf.doc.get_outlines():
            if level <= 2 and isinstance(title, str) and title.strip():
                titles.append(" ".join(title.split()))
            if len(titles) > 500:
                break
        return titles
    except (PDFNoOutlines, Exception):  # no outline, or a damaged one
        return []
