"""Structure: chapters, chapter files, JSON chapters, duration and tags agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from mutagen.id3 import ID3

from ..script import Script
from .report import CheckReport

ONSET_TOLERANCE_S = 0.050
# Where speech starts: the first 5 ms louder than -54 dBFS. The silence between
# chapters is the assembler's digital silence (after the codec, below -66 dBFS); an
# unvoiced first sound is quiet: the /h/ of "Who is at risk ...?" ran at -48 to -40 dBFS
# for 50 ms, so at -40 dBFS (0.01) its chapter was called 54 ms late on an NHLBI page.
ONSET_LEVEL = 0.002


def _onset(samples: np.ndarray, rate: int, start: float) -> float | None:
    frame = rate // 200
    begin = max(0, int((start - 0.3) * rate))
    chunk = samples[begin : begin + 2 * rate].astype(np.float64) / 32768.0
    usable = len(chunk) // frame * frame
    if usable == 0:
        return None
    rms = np.sqrt(np.mean(chunk[:usable].reshape(-1, frame) ** 2, axis=1))
    loud = np.nonzero(rms > ONSET_LEVEL)[0]
    return (begin + loud[0] * frame) / rate if len(loud) else None


def check_structure(
    report: CheckReport,
    script: Script,
    folder: Path,
    timings: list[dict[str, Any]],
    samples: np.ndarray,
    rate: int,
) -> None:
    slug = script.slug
    mp3 = folder / f"{slug}.mp3"
    tags = ID3(mp3)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    titles = [str(c.sub_frames.get("TIT2", "")) for c in chaps]
    expected = [c.title for c in script.chapters]
    report.add(
        "structure",
        "chapters match the script",
        titles == expected,
        f"{len(titles)} chapters in the MP3, {len(expected)} in the script",
    )
    tocs = tags.getall("CTOC")
    report.add(
        "structure",
        "chapter table of contents",
        bool(tocs) and all(c.element_id in tocs[0].child_element_ids for c in chaps),
        "CTOC lists every CHAP",
    )
    worst = 0.0
    for chap in chaps[1:]:
        onset = _onset(samples, rate, chap.start_time / 1000)
        worst = max(worst, abs(onset - chap.start_time / 1000) if onset is not None else 9.9)
    report.add(
        "structure",
        "chapters start on the first word",
        worst <= ONSET_TOLERANCE_S,
        f"largest distance from the start of speech: {worst * 1000:.0f} ms "
        f"(at most {ONSET_TOLERANCE_S * 1000:.0f} ms)",
    )
    duration = len(samples) / rate
    report.add(
        "structure",
        "duration",
        abs(duration - timings[-1]["end"]) <= 0.05,
        f"{duration:.2f} s decoded, {timings[-1]['end']:.2f} s assembled",
    )
    try:
        doc = json.loads((folder / f"{slug}.chapters.json").read_text(encoding="utf-8"))
        json_ok = [(c["title"], round(c["startTime"] * 1000)) for c in doc["chapters"]] == [
            (t, c.start_time) for t, c in zip(titles, chaps, strict=False)
        ]
    except (OSError, ValueError, KeyError):
        json_ok = False
    report.add("structure", "JSON chapters agree", json_ok, f"{slug}.chapters.json")
    files = sorted((folder / "chapters").glob("*.mp3"))
    report.add(
        "structure",
        "a file per chapter",
        len(files) == len(expected),
        f"{len(files)} files in chapters/",
    )
    needed = {
        "TIT2": "title",
        "TPE1": "artist",
        "TALB": "album",
        "TLAN": "language",
        "APIC": "cover",
        "WOAS": "source URL",
        "USLT": "transcript",
    }
    missing = [name for frame, name in needed.items() if not tags.getall(frame)]
    report.add(
        "structure",
        "tags complete",
        not missing,
        "missing: " + ", ".join(missing) if missing else "all present",
    )
