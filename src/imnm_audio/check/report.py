"""What a check found, and the reports a person reads: summary, Markdown, picture."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..content import Lexicon
from ..fsutil import atomic_write_bytes, atomic_write_text
from ..vocabulary import covering_term
from .terms import Suspect


@dataclass
class SegmentResult:
    chapter: str
    start: float
    end: float
    spoken: str
    heard: str
    wer: float
    missed_terms: list[str] = field(default_factory=list)  # spoken wrong, by the evidence
    heard_again: str = ""  # a second listening to this sentence alone, when a term was missed
    unconfirmed_terms: list[str] = field(default_factory=list)  # missed, not shown wrong


@dataclass
class Finding:
    check: str  # "speech", "structure" or "sound"
    name: str
    passed: bool
    detail: str


@dataclass
class CheckReport:
    slug: str
    engine: str = ""  # the engine the script was written for: whose lexicon forms to show
    wer: float = 0.0
    words: int = 0  # in the script, as the word error rate counts them
    key_terms_heard: int = 0
    key_terms_total: int = 0
    findings: list[Finding] = field(default_factory=list)
    segments: list[SegmentResult] = field(default_factory=list)
    loudness_curve: list[tuple[float, float]] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)  # spoken wrong, most missed first
    unconfirmed: list[Suspect] = field(default_factory=list)  # missed, not shown wrong
    key_terms_unconfirmed: int = 0
    second_opinion: str = ""  # the model that heard missed terms again (--confirm-with)
    terms: dict[str, tuple[int, int]] = field(default_factory=dict)  # term: (said, heard)
    model: str = ""  # the recogniser that listened
    title: str = ""  # the factsheet's, for the review page
    language: str = ""

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)

    @property
    def recall(self) -> float:
        return self.key_terms_heard / self.key_terms_total if self.key_terms_total else 1.0

    def add(self, check: str, name: str, passed: bool, detail: str) -> None:
        self.findings.append(Finding(check, name, bool(passed), detail))


def lexicon_hint(term: str, lexicon: Lexicon, engine: str = "") -> str:
    """The entry to fix, with the form the engine was actually given."""
    entry = covering_term(term, lexicon)
    if entry is not None:
        form = dict(entry.engines).get(engine)
        said = f"{engine}: {form!r}" if form else f"say: {entry.say!r}"
        return f"lexicon entry '{entry.term}' ({said})"
    return (
        f"no lexicon entry for '{term}': add one to content/lexicon.yaml "
        "('imnm-audio lexicon suggest' drafts it)"
    )


def suspect_lines(report: CheckReport, lexicon: Lexicon) -> list[str]:
    """Each suspect term: how often heard, what was heard instead, the entry to edit."""
    lines = []
    for s in report.suspects:
        instead = "; ".join(f'"{h}"' for h in dict.fromkeys(s.heard_as) if h) or "(not placed)"
        lines.append(
            f"{s.term}: heard {s.heard} of {s.wanted} times; heard instead: {instead}; "
            f"{lexicon_hint(s.term, lexicon, report.engine)}"
        )
    return lines


def unconfirmed_lines(report: CheckReport, lexicon: Lexicon) -> list[str]:
    """Each term the recogniser missed without evidence it was said wrong."""
    return [
        f"{s.term}: heard {s.heard} of {s.wanted} times, the rest not confirmed "
        f"({'; '.join(dict.fromkeys(h for h in s.heard_as if h)) or 'not placed'}); "
        f"{lexicon_hint(s.term, lexicon, report.engine)}"
        for s in report.unconfirmed
    ]


def worst_first(segments: list[SegmentResult], worst: int) -> list[SegmentResult]:
    """Every segment with a missed key term (most misses first), then the other segments
    with errors, highest word error rate first, up to `worst` in all."""
    ranked = sorted(
        (s for s in segments if s.wer > 0 or s.missed_terms),
        key=lambda s: (-len(s.missed_terms), -s.wer),
    )
    return ranked[: max(worst, sum(1 for s in ranked if s.missed_terms))]


def write_reports(
    report: CheckReport, folder: Path, timings: list[dict[str, Any]], lexicon: Lexicon
) -> list[str]:
    slug = report.slug
    data = {
        "slug": slug,
        "passed": report.passed,
        "wer": round(report.wer, 4),
        "words": report.words,
        "key_terms_heard": report.key_terms_heard,
        "key_terms_total": report.key_terms_total,
        "model": report.model,
        "terms": {t: {"said": n, "heard": h} for t, (n, h) in sorted(report.terms.items())},
        "findings": [asdict(f) for f in report.findings],
        "second_opinion": report.second_opinion,
        "key_terms_unconfirmed": report.key_terms_unconfirmed,
        "suspects": [
            {**asdict(s), "entry": lexicon_hint(s.term, lexicon, report.engine)}
            for s in report.suspects
        ],
        "unconfirmed": [
            {**asdict(s), "entry": lexicon_hint(s.term, lexicon, report.engine)}
            for s in report.unconfirmed
        ],
        "segments": [asdict(s) for s in sorted(report.segments, key=lambda s: -s.wer)],
    }
    atomic_write_text(folder / f"{slug}.check.json", json.dumps(data, indent=1) + "\n")
    picture = _picture(report, timings)
    atomic_write_bytes(folder / f"{slug}.check.png", picture)
    atomic_write_text(folder / f"{slug}.check.md", render_markdown(report, lexicon))
    from .review import REVIEW, review_page

    atomic_write_text(folder / REVIEW, review_page(report, timings, lexicon))
    return [REVIEW, f"{slug}.check.md", f"{slug}.check.json", f"{slug}.check.png"]


def render_markdown(report: CheckReport, lexicon: Lexicon, worst: int = 10) -> str:
    lines = [
        f"# Proof-listening report: {report.slug}",
        "",
        f"**{'PASSED' if report.passed else 'FAILED'}**",
        "",
        *([f"Heard by the recogniser {report.model}.", ""] if report.model else []),
        "Listen to each passage named here on the [review page](review.html): a player "
        "for each, the script and what was heard side by side, and the entry to edit.",
        "",
        "| check | what | result | details |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {f.check} | {f.name} | {'pass' if f.passed else 'FAIL'} | {f.detail} |"
        for f in report.findings
    ]
    if report.suspects:
        lines += ["", "## Spoken wrong (heard as something else: fix these first)", ""]
        lines += [f"- {line}" for line in suspect_lines(report, lexicon)]
    if report.unconfirmed:
        lines += ["", "## Not confirmed by the recogniser (listen to these)", ""]
        lines += [f"- {line}" for line in unconfirmed_lines(report, lexicon)]
    lines += [
        "",
        f"![Short-term loudness over time]({report.slug}.check.png)",
        "",
        "## Segments heard least well (every missed key term first)",
        "",
    ]
    for s in worst_first(report.segments, worst):
        lines += [
            f"- **{s.chapter}** at {s.start:.1f} s, word error rate {s.wer:.0%}",
            f"  - expected: {s.spoken}",
            f"  - heard: {s.heard or '(nothing)'}",
        ]
        if s.heard_again:
            lines.append(f"  - heard on a second listening: {s.heard_again}")
        lines += [
            f"  - missed **{t}**: {lexicon_hint(t, lexicon, report.engine)}" for t in s.missed_terms
        ]
    return "\n".join(lines) + "\n"


def summary(report: CheckReport, lexicon: Lexicon, worst: int = 5) -> str:
    out = [f"{report.slug}: {'passed' if report.passed else 'FAILED'}"]
    if report.model:
        out.append(f"  heard by {report.model}")
    out += [
        f"  {'ok  ' if f.passed else 'FAIL'} {f.check}: {f.name}: {f.detail}"
        for f in report.findings
    ]
    if report.suspects:
        out.append("  spoken wrong (heard as something else: fix these first):")
        out += [f"    {line}" for line in suspect_lines(report, lexicon)]
    if report.unconfirmed:
        out.append("  not confirmed by the recogniser (listen to these):")
        out += [f"    {line}" for line in unconfirmed_lines(report, lexicon)]
    bad = worst_first(report.segments, worst)
    if bad:
        out.append("  segments heard least well (every missed key term first):")
        for s in bad:
            out += [
                f"    {s.chapter} at {s.start:.1f} s ({s.wer:.0%} wrong)",
                f"      expected: {s.spoken}",
                f"      heard:    {s.heard or '(nothing)'}",
            ]
            if s.heard_again:
                out.append(f"      again:    {s.heard_again}")
            out += [
                f"      missed {t}: {lexicon_hint(t, lexicon, report.engine)}"
                for t in s.missed_terms
            ]
    return "\n".join(out)


def _picture(report: CheckReport, timings: list[dict[str, Any]]) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 4), dpi=100)
    if report.loudness_curve:
        t, v = zip(*report.loudness_curve, strict=True)
        ax.plot(t, v, color="#0a2342", linewidth=1.2, label="short-term loudness (LUFS)")
    for chapter in timings[1:]:
        ax.axvline(chapter["start"], color="#777777", linestyle="--", linewidth=0.8)
    for n, chapter in enumerate(timings, 1):
        ax.text(chapter["start"] + 0.5, -22 + (n % 2) * 1.5, str(n), fontsize=8)
    for s in report.segments:
        if s.missed_terms or s.wer > 0.25:
            ax.axvspan(s.start, s.end, color="#d1495b", alpha=0.3)
    ax.set_xlabel("time (s); dashed lines: chapters; red: segments flagged by the check")
    ax.set_ylabel("LUFS")
    ax.set_ylim(-40, -10)
    ax.set_title(f"{report.slug}: short-term loudness")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
