"""Writing one entry into content/lexicon.yaml by hand's rules, or taking one out: the
file's comments, order and other entries stay as they are; an entry for the same term
is replaced where it stands, a new one goes after the last. The result is read back with the loader
before it replaces the file, so what is written is always a lexicon the build takes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ContentError
from ..fsutil import write_checked
from ..yamlio import block_end, line_of, parse_yaml, read_text
from .lexicon import Lexicon, load_lexicon


def entry_text(
    term: str, say: str, note: str | None = None, indent: str = "  ", language: str = "en"
) -> str:
    """One entry as YAML text; every value quoted the JSON way (valid YAML), so any
    character a term or respelling holds is kept."""
    lines = [f"{indent}- term: {json.dumps(term, ensure_ascii=False)}"]
    lines.append(f"{indent}  say: {json.dumps(say, ensure_ascii=False)}")
    if language != "en":
        lines.append(f"{indent}  language: {language}")
    if note:
        lines.append(f"{indent}  note: {json.dumps(' '.join(note.split()), ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _key(term: str, match_case: object = None) -> str:
    """The loader's own key: a term with capitals matches its case only, unless its
    entry says `match_case: false`."""
    exact = match_case if isinstance(match_case, bool) else term != term.lower()
    return term if exact else term.lower()


@dataclass
class _File:
    """The lexicon file as lines, its entries as the loader reads them, and the line
    each entry starts on."""

    lines: list[str]
    entries: list[Any]
    starts: list[int]

    @classmethod
    def read(cls, path: Path) -> _File:
        text = read_text(path)
        data = parse_yaml(text, path)
        entries = list(data.get("terms") or []) if isinstance(data, dict) else []
        return cls(
            text.splitlines(keepends=True),
            entries,
            [(line_of(raw, "term") or 1) - 1 for raw in entries],
        )

    def find(self, term: str, language: str) -> tuple[int, int, dict] | None:  # type: ignore[type-arg]
        """The lines [begin, end) of `term`'s entry of `language`, and the entry."""
        for index, raw in enumerate(self.entries):
            if not isinstance(raw, dict):
                continue
            if str(raw.get("language", "en")).split("-")[0].lower() != language:
                continue
            if _key(str(raw.get("term", "")).strip(), raw.get("match_case")) == _key(term):
                begin = self.starts[index]
                following = self.starts[index + 1] if index + 1 < len(self.starts) else None
                return begin, block_end(self.lines, begin, following), raw
        return None


def _language(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def set_entry(
    path: Path, term: str, say: str, note: str | None = None, language: str = "en"
) -> Lexicon:
    """Write `term` said as `say` into the lexicon file; returns the lexicon read back.
    Raises the loader's ContentError (and writes nothing) when the result is refused."""
    term, say, language = term.strip(), " ".join(say.split()), _language(language)
    file = _File.read(path)
    lines, starts = file.lines, file.starts
    indent = "  "
    if starts:
        lead = re.match(r"^(\s*)-", lines[starts[0]])
        indent = lead.group(1) if lead else indent
    found = file.find(term, language)
    if found is not None:
        begin, end, raw = found
        kept_note = note if note is not None else raw.get("note")
        extra = _other_keys(raw, indent)
        lines[begin:end] = [entry_text(term, say, kept_note, indent, language) + extra]
    elif starts:
        end = block_end(lines, starts[-1], None)
        lines[end:end] = [entry_text(term, say, note, indent, language)]
    else:
        body = "".join(lines).rstrip("\n")
        if re.search(r"^terms:\s*(\[\s*\])?\s*$", body, re.M):
            body = re.sub(r"^terms:\s*(\[\s*\])?\s*$", "terms:", body, flags=re.M)
        else:
            body += "\nterms:"
        lines = [body + "\n" + entry_text(term, say, note, indent, language)]
    return _written(path, "".join(lines))


def remove_entry(path: Path, term: str, language: str = "en") -> Lexicon:
    """Take `term`'s entry (of `language`) out of the lexicon file, its comments and the
    other entries kept; returns the lexicon read back. ContentError (nothing written)
    when there is no such entry."""
    file = _File.read(path)
    found = file.find(term.strip(), _language(language))
    if found is None:
        raise ContentError(
            f"the lexicon has no entry for '{term}'.",
            path=path,
            fix="Reload the lexicon page: the entry may have been removed already.",
        )
    begin, end, _ = found
    del file.lines[begin:end]
    new_text = "".join(file.lines)
    if len(file.entries) == 1:  # the last entry: an empty list, not a key with nothing
        new_text = re.sub(r"(?m)^terms:\s*$", "terms: []", new_text)
    return _written(path, new_text)


def _written(path: Path, new_text: str) -> Lexicon:
    """Read the new text back with the loader, then replace the file (never a lexicon
    the build refuses)."""
    lexicon = write_checked(path, new_text, load_lexicon)
    return Lexicon(path, lexicon.terms)


def _other_keys(raw: dict, indent: str) -> str:  # type: ignore[type-arg]
    """The keys of a replaced entry the studio does not edit (engines, expand...),
    written back after it."""
    out = []
    for key, value in raw.items():
        if key in ("term", "say", "note", "language"):
            continue
        if isinstance(value, dict):
            out.append(f"{indent}  {key}:")
            for k, v in value.items():
                out.append(f"{indent}    {k}: {json.dumps(v, ensure_ascii=False)}")
        else:
            out.append(f"{indent}  {key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(out) + ("\n" if out else "")
