"""Scripts of format 1 (Piper phonemes in 'spoken') converted to engine-neutral format 2.

Each segment the tool wrote is replaced by the same segment as narrated now (terms
marked `{term}`); a segment a person edited keeps its words, with every lexicon form
in it turned back into its marked term. The migrated script is fresh only if the old
one was, and counts as edited by hand only if a person had edited it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, replace
from pathlib import Path

from ..content import Factsheet, Lexicon, Project
from ..pronounce import mark, render
from ..script import SCRIPT_FORMAT, Script, Segment, load_script, save_script
from ..yamlio import load_yaml_file
from .scripts import HOLD, ScriptKind


def migrate_script(project: Project, factsheet: Factsheet, kind: ScriptKind, path: Path) -> str:
    """Rewrite a format-1 script in place as format 2; say what was done."""
    data = load_yaml_file(path)
    if isinstance(data, dict) and data.get("format") == SCRIPT_FORMAT:
        return "already in the current format"
    old = load_script(path, migrating=True)
    fresh = kind.narrate(project, factsheet)
    engine, lexicon = old.voice.engine, project.lexicon
    same_shape = [(c.id, len(c.segments)) for c in old.chapters] == [
        (c.id, len(c.segments)) for c in fresh.chapters
    ]
    kept = 0
    chapters = []
    for index, chapter in enumerate(old.chapters):
        segments = []
        for number, segment in enumerate(chapter.segments):
            new = fresh.chapters[index].segments[number] if same_shape else None
            if new is not None and _as_written_then(new, lexicon, engine) == segment:
                segments.append(new)
            else:  # a person's words: kept, with the lexicon's forms marked as terms
                segments.append(
                    replace(segment, spoken=mark_forms(segment.spoken, lexicon, engine))
                )
                kept += 1
        chapters.append(replace(chapter, segments=tuple(segments)))
    was_fresh = old.source_hash == _format1_source_hash(project, factsheet, kind)
    migrated = Script(
        old.slug,
        old.source,
        fresh.source_hash if was_fresh else old.source_hash,
        fresh.generated_hash,  # edited by hand exactly when it differs from the narration
        old.meta,
        old.voice,
        tuple(chapters),
        fresh.review,
    )
    save_script(migrated, path)
    edits = f"{kept} segment{'s' if kept != 1 else ''} edited by hand kept" if kept else ""
    stale = "" if was_fresh else "stale: its content changed since; review it"
    notes = "; ".join(n for n in (edits, stale) if n)
    return "migrated to format 2" + (f" ({notes})" if notes else "")


def _as_written_then(segment: Segment, lexicon: Lexicon, engine: str) -> Segment:
    """What format 1 wrote for this segment: the engine's forms in place of the terms."""
    return replace(segment, spoken=render(segment.spoken, lexicon, engine, language=""))


def mark_forms(spoken: str, lexicon: Lexicon, engine: str) -> str:
    """Each lexicon term's form for `engine`, found as whole words, written `{term}`:
    longest forms first, and a marked span is never matched again."""
    forms = sorted(((t.spoken_for(engine), t) for t in lexicon.terms), key=lambda f: -len(f[0]))
    pieces: list[str] = []

    def hide(text: str) -> str:
        pieces.append(text)
        return f"\ue000{len(pieces) - 1}\ue001"

    for form, term in forms:
        flags = 0 if term.match_case else re.IGNORECASE
        pattern = re.compile(r"(?<![\w\ue000])" + re.escape(form) + r"(?![\w\ue001])", flags)

        def marked(match: re.Match[str], term_text: str = term.term) -> str:
            written = term_text
            if match.group(0)[:1].isupper() and written[:1].islower():
                written = written[0].upper() + written[1:]
            return hide(mark(written))

        spoken = pattern.sub(marked, spoken)
    return re.sub("\ue000(\\d+)\ue001", lambda m: pieces[int(m.group(1))], spoken)


def _format1_source_hash(project: Project, factsheet: Factsheet, kind: ScriptKind) -> str:
    """The source hash format 1 recorded (narration rules 4, the lexicon file's text):
    whether the old script was up to date with its content."""
    voice = kind.voice(project, factsheet)
    body = json.dumps(
        {
            "factsheet": factsheet.source_hash,
            "lexicon": project.lexicon.path.read_text(encoding="utf-8"),
            "voice": asdict(voice),
            "rules": 4,
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    if kind is HOLD:
        settings = json.dumps(asdict(project.podcast.hold), sort_keys=True)
        digest = hashlib.sha256(f"hold:{digest}:{settings}".encode()).hexdigest()
    return digest
