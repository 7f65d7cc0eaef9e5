"""Paragraphs into sentences, the unit of a segment."""

from __future__ import annotations

import re

_ABBREVIATIONS = ("e.g.", "i.e.", "Dr.", "Mr.", "Mrs.", "Ms.", "vs.", "etc.", "St.", "approx.")


# A sentence may end inside or just after a visual-only span (content/markdown.py):
# its marks, U+E000 and U+E001, may sit on either side of the break.
_BREAK_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?]\ue001))\s+(?=\ue000?[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph at . ! ? followed by a capital, but not after an abbreviation.
    A visual-only span cut by a break is closed in one sentence and opened again in
    the next, so each sentence's marks stay paired."""
    pieces = _BREAK_RE.split(text)
    sentences: list[str] = []
    for piece in pieces:
        if sentences and sentences[-1].endswith(_ABBREVIATIONS):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    out, carried = [], False
    for sentence in (s.strip() for s in sentences if s.strip()):
        if carried:
            sentence = "\ue000" + sentence
        carried = sentence.rfind("\ue000") > sentence.rfind("\ue001")
        out.append(sentence + "\ue001" if carried else sentence)
    return out
