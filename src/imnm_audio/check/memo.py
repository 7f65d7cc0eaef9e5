"""A whole check kept by everything it judged, so a check with nothing changed is
answered at once: nothing decoded, heard, measured or drawn again.

The key holds every input of the check: the bytes of every file of the episode's
folder and of its hold line's (the reports the check writes excepted), the script, the
lexicon, the show's settings, the thresholds, whether speech is heard and by which
recogniser(s), and the code of the whole package. The report is kept as JSON in the
clip cache (local or shared) beside the hashes of the report files it wrote; a hit is
used only while those files are still there as written. Any byte changed anywhere
(or a report file gone), and the check runs: it still judges the files, never the
build's word for them. `check --no-cache` keeps nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..cache import ClipCache, package_fingerprint
from ..content import CheckSettings, Lexicon, Podcast
from ..script import Script
from .report import CheckReport, Finding, SegmentResult
from .terms import Suspect

SUFFIX = ".check"


def written_names(slug: str) -> set[str]:
    """The files `write_reports` writes into an episode's folder (never an input)."""
    from .review import REVIEW

    return {REVIEW, f"{slug}.check.md", f"{slug}.check.json", f"{slug}.check.png"}


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path, skip: set[str]) -> list[tuple[str, str]]:
    if not folder.is_dir():
        return []
    return [
        (p.relative_to(folder).as_posix(), _digest(p))
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in skip
    ]


def memo_key(
    script: Script,
    podcast: Podcast,
    lexicon: Lexicon,
    out_dir: Path,
    thresholds: CheckSettings,
    speech: bool,
    model: Path | None,
    confirm: Path | None,
) -> str:
    from .speech import recogniser_identity

    slug = script.slug
    inputs = {
        "code": package_fingerprint(),
        "episode": _files(out_dir / slug, written_names(slug)),
        "hold": _files(out_dir / "hold" / slug, set()),
        "script": repr(script),
        "lexicon": repr(lexicon.terms),
        "podcast": repr(podcast),
        "thresholds": repr(thresholds),
        "speech": speech,
        "heard_by": [recogniser_identity(m) if speech else "" for m in (model, confirm)],
        "second": confirm is not None,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recall(cache: ClipCache, key: str, folder: Path) -> CheckReport | None:
    """The kept report, when its report files are still as it wrote them."""
    data = cache.get_bytes(key, SUFFIX)
    if data is None:
        return None
    try:
        kept = json.loads(data)
        report = _report(kept["report"])
        written = kept["written"]
    except (ValueError, KeyError, TypeError):
        return None
    for name, digest in written.items():
        path = folder / name
        if not path.is_file() or _digest(path) != digest:
            return None
    return report


def keep(cache: ClipCache, key: str, report: CheckReport, folder: Path, names: list[str]) -> None:
    written = {name: _digest(folder / name) for name in names}
    data = json.dumps({"report": asdict(report), "written": written}, ensure_ascii=False)
    cache.put_bytes(key, SUFFIX, data.encode())


def _report(raw: dict[str, Any]) -> CheckReport:
    report = CheckReport(**raw)
    report.findings = [Finding(**f) for f in raw["findings"]]
    report.segments = [SegmentResult(**s) for s in raw["segments"]]
    report.suspects = [Suspect(**s) for s in raw["suspects"]]
    report.unconfirmed = [Suspect(**s) for s in raw["unconfirmed"]]
    report.loudness_curve = [(a, b) for a, b in raw["loudness_curve"]]
    report.terms = {t: (n, h) for t, (n, h) in raw["terms"].items()}
    return report


def checked(
    script: Script,
    podcast: Podcast,
    lexicon: Lexicon,
    out_dir: Path,
    thresholds: CheckSettings,
    *,
    speech: bool = True,
    model: Path | None = None,
    confirm: Path | None = None,
    cache: ClipCache | None = None,
    progress_for: Any = None,
) -> tuple[CheckReport, list[str], bool]:
    """An episode checked and its reports written, or the kept report of the same
    check: (the report, the report files, whether it was kept). The command line,
    the studio and a cluster's workers all check through here."""
    from .episode import check_episode
    from .report import write_reports

    folder = out_dir / script.slug
    key = None
    if cache is not None and cache.enabled:
        key = memo_key(script, podcast, lexicon, out_dir, thresholds, speech, model, confirm)
        kept = recall(cache, key, folder)
        if kept is not None:
            return kept, sorted(written_names(script.slug)), True
    report = check_episode(
        script,
        podcast,
        lexicon,
        out_dir,
        thresholds,
        speech=speech,
        model=model,
        confirm=confirm,
        cache=cache,
        progress_for=progress_for,
    )
    timings = json.loads((folder / "timings.json").read_text(encoding="utf-8"))
    written = write_reports(report, folder, timings, lexicon)
    if key is not None:
        keep(cache, key, report, folder, written)  # type: ignore[arg-type]
    return report, written, False
