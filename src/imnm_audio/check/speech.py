"""Speech: recognise the episode and compare it with the script, word by word and term by term."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..content import CheckSettings as Thresholds
from ..content import Lexicon
from ..listen import compare, normalise, transcribe, word_errors
from ..pronounce import heard_as
from ..script import Script
from .report import CheckReport, SegmentResult


def key_terms(display: str, lexicon: Lexicon, spoken: str | None = None) -> list[str]:
    """Lexicon terms and capitalised acronyms in a piece of display text, once per use.

    With `spoken`, only the terms the narration actually says (a "QR code" the
    narration drops is not a term the listener should hear).
    """
    found = _terms_in(display, lexicon)
    if spoken is None:
        return found
    said = " ".join(normalise(heard_as(spoken, lexicon)))
    return [
        t for t in found if _canonical(t) in _canonical_text(said) or " ".join(normalise(t)) in said
    ]


def _canonical(term: str) -> str:
    """A web address or term with no spaces, dots or 'www': how to find it in any spelling."""
    return re.sub(r"[^a-z0-9]", "", term.lower().removeprefix("www."))


def _canonical_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\bdot\b", "", text.lower()))


def _terms_in(display: str, lexicon: Lexicon) -> list[str]:
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for term in sorted(lexicon.terms, key=lambda t: -len(t.term)):
        flags = 0 if term.match_case else re.IGNORECASE
        for m in re.finditer(
            r"(?<![\w/.])" + re.escape(term.term) + r"(?![\w/]|\.\w)", display, flags
        ):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                found.append(term.term)
                taken.append(m.span())
    for m in re.finditer(r"(?<![\w.-])([A-Z]{2,6})(?![\w])", display):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(m.group(1))
    return found


def _term_heard(term: str, heard: list[str]) -> bool:
    return _count(term, heard) > 0


def check_speech(
    report: CheckReport,
    script: Script,
    timings: list[dict[str, Any]],
    samples16: np.ndarray,
    lexicon: Lexicon,
    thresholds: Thresholds,
) -> None:
    """Recognise the episode; score it per chapter, and each segment for the report.

    The whole episode is recognised in one pass (short clips padded with silence make
    Whisper invent words); words are then given to chapters and segments by time.
    Episode scores compare whole chapters, so a word the recogniser places a little
    early or late is not counted twice; segment scores show where to listen.
    """
    glossary = sorted({t.term for t in lexicon.terms if " " not in t.term and "/" not in t.term})
    everything = transcribe(samples16, glossary)
    errors = words = 0
    for chapter, timing in zip(script.chapters, timings, strict=True):
        begin = timing["segments"][0]["start"] - 0.3
        finish = timing["segments"][-1]["end"] + 0.3
        heard = [w for w in everything if begin <= (w.start + w.end) / 2 <= finish]
        spoken = " ".join(heard_as(s.spoken, lexicon) for s in chapter.segments)
        reference, hypothesis = compare(spoken, " ".join(w.text for w in heard))
        errors += word_errors(reference, hypothesis)
        words += len(reference)
        spans = timing["segments"]
        owner = [_owner(spans, (w.start + w.end) / 2) for w in heard]
        for index, segment in enumerate(chapter.segments):
            heard_words = [w.text for w, o in zip(heard, owner, strict=True) if o == index]
            ref, hyp = compare(heard_as(segment.spoken, lexicon), " ".join(heard_words))
            terms = key_terms(segment.display, lexicon, segment.spoken)
            missed = [t for t in terms if not _term_heard(t, hyp)]
            report.segments.append(
                SegmentResult(
                    chapter.id,
                    spans[index]["start"],
                    spans[index]["end"],
                    segment.spoken,
                    " ".join(heard_words),
                    word_errors(ref, hyp) / max(1, len(ref)),
                    missed,
                )
            )
        # Key terms are counted over the whole chapter, occurrence by occurrence.
        terms = [t for s in chapter.segments for t in key_terms(s.display, lexicon, s.spoken)]
        for term in set(terms):
            wanted = terms.count(term)
            found = _count(term, hypothesis)
            report.key_terms_total += wanted
            report.key_terms_heard += min(wanted, found)
    report.wer = errors / max(1, words)
    report.add(
        "speech",
        "word error rate",
        report.wer <= thresholds.max_wer,
        f"{report.wer:.1%} of {words} words (at most {thresholds.max_wer:.0%})",
    )
    report.add(
        "speech",
        "key-term recall",
        report.recall >= thresholds.min_key_term_recall,
        f"{report.key_terms_heard} of {report.key_terms_total} heard as intended "
        f"({report.recall:.1%}; at least {thresholds.min_key_term_recall:.0%})",
    )


def _owner(spans: list[dict[str, Any]], t: float) -> int:
    """The segment a word heard at time t belongs to: the one around it, or the nearest."""
    distances = [
        0.0 if s["start"] <= t <= s["end"] else min(abs(t - s["start"]), abs(t - s["end"]))
        for s in spans
    ]
    return int(np.argmin(distances))


def _count(term: str, heard: list[str]) -> int:
    """How often a term was heard: as its words, or (web addresses) in any spacing."""
    if "." in term:
        return _canonical_text(" ".join(heard)).count(_canonical(term))
    wanted = normalise(term)
    n = len(wanted)
    return sum(heard[i : i + n] == wanted for i in range(len(heard) - n + 1))
