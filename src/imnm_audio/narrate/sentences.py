"""Paragraphs into sentences, the unit of a segment."""

from __future__ import annotations

import re

_ABBREVIATIONS = ("e.g.", "i.e.", "Dr.", "Mr.", "Mrs.", "Ms.", "vs.", "etc.", "St.", "approx.")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph at . ! ? followed by a capital, but not after an abbreviation."""
    pieces = re.split(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])", text)
    sentences: list[str] = []
    for piece in pieces:
        if sentences and sentences[-1].endswith(_ABBREVIATIONS):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return [s.strip() for s in sentences if s.strip()]
