"""The review page: the passages a person should listen to, each with its own player.

`audio/<slug>/review.html` lists the terms spoken wrong first, then those the recogniser
could not confirm, then the sentences heard least well. Each passage has a player that
plays only that passage (a media fragment, `<episode>.mp3#t=start,end`, which browsers
honour by starting there and pausing at the end), what the script says and what the
recogniser heard side by side, and the lexicon entry to edit. It is a plain page for a
person who may use a screen reader: headings for every term and passage, a table with
column headers, no script, and the listener page's keyboard-friendly style.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..content import Lexicon
from ..export.page import CSS
from .report import CheckReport, SegmentResult, lexicon_hint, worst_first

REVIEW = "review.html"
PAD_S = 0.3  # played before and after a passage, so its first and last words are whole


def _clock(seconds: float) -> str:
    total = int(seconds)
    return f"{total // 60}:{total % 60:02d}"


def review_page(
    report: CheckReport,
    timings: list[dict[str, Any]],
    lexicon: Lexicon,
    worst: int = 10,
) -> str:
    e = escape
    titles = {t["id"]: t["title"] for t in timings}
    mp3 = f"{report.slug}.mp3"
    shown: set[int] = set()
    parts: list[str] = []
    failed = [f for f in report.findings if not f.passed]
    verdict = (
        "<p><strong>Passed</strong>: every check held.</p>"
        if report.passed
        else "<p><strong>Failed</strong>:</p><ul>"
        + "".join(f"<li>{e(f.check)}: {e(f.name)}: {e(f.detail)}</li>" for f in failed)
        + "</ul>"
    )
    parts.append(verdict)
    parts.append(
        f"<p>Heard by the recogniser {e(report.model or 'tiny.en (bundled)')}: word error "
        f"rate {report.wer:.1%}, key terms heard {report.key_terms_heard} of "
        f"{report.key_terms_total}.</p>"
        "<p>Each player plays just its passage and stops at its end. Listen; if a word is "
        "said wrongly, edit the lexicon entry named (or add one), build again and check "
        "again. If it is said right, the recogniser misheard it.</p>"
        f'<p>The whole report: <a href="{e(report.slug)}.check.md">Markdown</a>, '
        f'<a href="{e(report.slug)}.check.json">JSON</a>; '
        f'<a href="index.html">the episode page</a>.</p>'
    )
    groups = (
        ("suspects", "Spoken wrong", report.suspects, "missed_terms", "term"),
        ("unconfirmed", "Not confirmed by the recogniser", report.unconfirmed,
         "unconfirmed_terms", "doubt"),
    )  # fmt: skip
    for key, heading, terms, field, prefix in groups:
        parts.append(f'<h2 id="{key}">{heading} ({len(terms)})</h2>')
        if not terms and key == "suspects":
            parts.append("<p>None: no key term was heard as something else.</p>")
        elif not terms:
            parts.append("<p>None: every other key term was heard.</p>")
        elif key == "unconfirmed":
            parts.append(
                "<p>The recogniser missed these twice, but there is no evidence they were "
                "said wrong (it heard nothing in their place, or the second opinion heard "
                "them). They do not fail the check: listen to them.</p>"
            )
        for n, s in enumerate(terms, 1):
            instead = "; ".join(f"“{h}”" for h in dict.fromkeys(s.heard_as) if h)
            parts.append(
                f'<section aria-labelledby="{prefix}-{n}"><h3 id="{prefix}-{n}">{e(s.term)}</h3>'
                f"<p>Heard {s.heard} of {s.wanted} time{'s' * (s.wanted != 1)}, on two "
                f"listenings. Heard instead: {e(instead or '(not placed)')}.</p>"
                f"<p>To edit: {e(lexicon_hint(s.term, lexicon, report.engine))}.</p>"
            )
            where = [i for i, seg in enumerate(report.segments) if s.term in getattr(seg, field)]
            for i in where:
                shown.add(i)
                anchor = f"{prefix}-{n}-{i}"
                parts.append(_passage(report.segments[i], titles, mp3, anchor, 4, lexicon, report))
            parts.append("</section>")
    index = {id(seg): i for i, seg in enumerate(report.segments)}
    rest = [seg for seg in worst_first(report.segments, worst) if index[id(seg)] not in shown]
    parts.append(f'<h2 id="sentences">Sentences heard least well ({len(rest)})</h2>')
    if not rest:
        parts.append("<p>None: every other sentence was heard as written.</p>")
    for seg in rest:
        anchor = f"sentence-{index[id(seg)]}"
        parts.append(_passage(seg, titles, mp3, anchor, 3, lexicon, report))
    verdict_word = "passed" if report.passed else "FAILED"
    return f"""\
<!doctype html>
<html lang="{e(report.language or "en")}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review: {e(report.title or report.slug)} ({verdict_word})</title>
<style>{CSS}{REVIEW_CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the review</a>
<header><p class="show">Proof-listening review</p><h1>{e(report.title or report.slug)}</h1></header>
<main id="main" tabindex="-1">
{chr(10).join(parts)}
</main>
</body>
</html>
"""


def _passage(
    seg: SegmentResult,
    titles: dict[str, str],
    mp3: str,
    anchor: str,
    level: int,
    lexicon: Lexicon,
    report: CheckReport,
) -> str:
    e = escape
    start, end = max(0.0, seg.start - PAD_S), seg.end + PAD_S
    name = f"{titles.get(seg.chapter, seg.chapter)} ({_clock(seg.start)} to {_clock(seg.end)})"
    again = (
        f"<p>Heard on a second listening, alone: {e(seg.heard_again)}</p>"
        if seg.heard_again
        else ""
    )
    missed = "".join(
        f"<li>Missed <strong>{e(t)}</strong>: {e(lexicon_hint(t, lexicon, report.engine))}</li>"
        for t in seg.missed_terms
    )
    return (
        f'<section class="passage" aria-labelledby="{anchor}">'
        f'<h{level} id="{anchor}">{e(name)}</h{level}>'
        f'<audio controls preload="none" src="{e(mp3)}#t={start:.2f},{end:.2f}" '
        f'aria-label="Play {e(name)}"></audio>'
        f"<p>Word error rate {seg.wer:.0%}.</p>"
        + (f"<ul>{missed}</ul>" if missed else "")
        + '<table><thead><tr><th scope="col">The script says</th>'
        '<th scope="col">The recogniser heard</th></tr></thead>'
        f"<tbody><tr><td>{e(seg.spoken)}</td><td>{e(seg.heard or '(nothing)')}</td></tr>"
        f"</tbody></table>{again}</section>"
    )


REVIEW_CSS = """
h3, h4 { line-height: 1.25; margin-bottom: .25rem; }
.passage { border-top: 1px solid #767676; margin-top: 1rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #767676; padding: .5rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eef2f7; }
"""
