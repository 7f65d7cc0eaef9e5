"""Speech: recognise the episode and compare it with the script, word by word and term by term."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..content import CheckSettings as Thresholds
from ..content import Lexicon
from ..listen import RATE, Word, compare, model_name, transcribe, word_errors
from ..pronounce import TERM_MARK_RE, heard_as
from ..script import Script
from .align import assign
from .report import CheckReport, SegmentResult
from .terms import clean_mentions, heard_instead, in_place, key_terms, suspects

__all__ = ["check_speech", "key_terms"]


def check_speech(
    report: CheckReport,
    script: Script,
    timings: list[dict[str, Any]],
    samples16: np.ndarray,
    lexicon: Lexicon,
    thresholds: Thresholds,
    model: Path | None = None,
) -> None:
    """Recognise the episode; score it per chapter, and each segment for the report.

    Each chapter is recognised on its own, with the glossary as its prompt, in windows
    under Whisper's 30 seconds (the prompt reaches only the first window the recogniser
    hears: key terms on three other organisations' leaflets were 40 of 71 heard whole,
    50 per chapter, 63 in windows). Words are given to sentences by aligning them with
    the script (`align.py`), not by their times. Episode scores compare whole chapters;
    sentence scores show where to listen.
    """
    words_to_expect = glossary(script, lexicon)
    said = [
        (span["start"], span["end"], heard_as(segment.spoken, lexicon))
        for chapter, timing in zip(script.chapters, timings, strict=True)
        for segment, span in zip(chapter.segments, timing["segments"], strict=True)
    ]

    def hear(begin: float, finish: float) -> list[Word]:
        # Prompted with the glossary words this stretch says: a shorter prompt is
        # decoded faster, and points the recogniser at no word it will not hear.
        text = " ".join(t for a, b, t in said if begin <= (a + b) / 2 <= finish)
        prompt = [w for w in words_to_expect if _says(text, w)]
        return _hear(samples16, begin, finish, prompt, model, script.meta.language)

    report.model = model_name(model)
    everything = []
    for begin, finish in windows(timings):
        everything += hear(begin, finish)
    # Whisper sometimes ends a window early and skips the rest of it: a sentence it
    # heard nothing of is heard again on its own.
    for chapter in timings:
        for span in chapter["segments"]:
            start, end = span["start"], span["end"]
            if not any(start <= (w.start + w.end) / 2 <= end for w in everything):
                again = hear(start - PAD_S, end + PAD_S)
                everything += [w for w in again if start <= (w.start + w.end) / 2 <= end]
    everything.sort(key=lambda w: w.start)
    errors = words = 0
    wanted: dict[str, int] = {}
    found: dict[str, int] = {}
    instead: dict[str, list[str]] = {}
    for chapter, timing in zip(script.chapters, timings, strict=True):
        begin = timing["segments"][0]["start"] - 0.3
        finish = timing["segments"][-1]["end"] + 0.3
        heard = [w for w in everything if begin <= (w.start + w.end) / 2 <= finish]
        spoken = " ".join(heard_as(s.spoken, lexicon) for s in chapter.segments)
        reference, hypothesis = compare(spoken, " ".join(w.text for w in heard))
        errors += word_errors(reference, hypothesis)
        words += len(reference)
        spans = timing["segments"]
        owner = assign(heard, [heard_as(s.spoken, lexicon) for s in chapter.segments], spans)
        for index, segment in enumerate(chapter.segments):
            heard_words = [w.text for w, o in zip(heard, owner, strict=True) if o == index]
            expected = heard_as(segment.spoken, lexicon)
            ref, hyp = compare(expected, " ".join(heard_words))
            terms = key_terms(segment.display, lexicon, segment.spoken, script.meta.language)
            # Counted sentence by sentence (words are placed by alignment), each mention
            # once, and only where nothing was heard squeezed in beside it.
            got = {t: min(terms.count(t), in_place(t, ref, hyp)) for t in set(terms)}
            missed = [t for t in dict.fromkeys(terms) if got[t] < terms.count(t)]
            again = ""
            if missed:
                # A second listening, to this sentence alone, as a person would play a
                # passage again: a term said wrongly is misheard both times; a slip of
                # the recogniser's is not (see the README's calibration).
                start, end = spans[index]["start"], spans[index]["end"]
                words_again = hear(start - PAD_S, end + PAD_S)
                again = " ".join(w.text for w in words_again)
                ref2, hyp2 = compare(expected, again)
                for t in missed:
                    got[t] = max(got[t], min(terms.count(t), clean_mentions(t, ref2, hyp2)))
                missed = [t for t in missed if got[t] < terms.count(t)]
            for t in missed:
                instead.setdefault(t, []).append(heard_instead(t, ref, hyp))
            for t, heard_n in got.items():
                n = terms.count(t)
                report.key_terms_total += n
                report.key_terms_heard += heard_n
                wanted[t] = wanted.get(t, 0) + n
                found[t] = found.get(t, 0) + heard_n
            report.segments.append(
                SegmentResult(
                    chapter.id,
                    spans[index]["start"],
                    spans[index]["end"],
                    segment.spoken,
                    " ".join(heard_words),
                    word_errors(ref, hyp) / max(1, len(ref)),
                    missed,
                    again,
                )
            )
    report.suspects = suspects(wanted, found, instead)
    report.terms = {t: (n, found[t]) for t, n in wanted.items()}
    report.wer = errors / max(1, words)
    limit = wer_limit(thresholds.max_wer, words)
    report.add(
        "speech",
        "word error rate",
        report.wer <= limit,
        f"{report.wer:.1%} of {words} words (at most {limit:.1%}: "
        f"{thresholds.max_wer:.0%}, and more by chance in a short episode, up to "
        f"{2 * thresholds.max_wer:.0%})",
    )
    misses = report.key_terms_total - report.key_terms_heard
    report.add(
        "speech",
        "key-term recall",
        report.recall >= thresholds.min_key_term_recall
        or misses <= thresholds.key_term_misses_allowed,
        f"{report.key_terms_heard} of {report.key_terms_total} heard as intended "
        f"({report.recall:.1%}; at least {thresholds.min_key_term_recall:.0%}, or at most "
        f"{thresholds.key_term_misses_allowed} missed)",
    )
    report.add(
        "speech",
        "no suspect terms",
        not report.suspects,
        "every key term heard in most of its mentions"
        if not report.suspects
        else "missed in most mentions: "
        + ", ".join(f"{s.term} ({s.heard} of {s.wanted})" for s in report.suspects),
    )


def wer_limit(max_wer: float, words: int) -> float:
    """The word error rate allowed in an episode of `words` words: `max_wer`, plus three
    standard errors of that rate over so few words, and never more than twice `max_wer`.
    A short episode's rate swings more from synthesis to synthesis (a correct 107-word
    build measured 4.7-16.8% with Piper); a long one stays near its mean (IMNM's 700
    words: 7.6-10.5%). Uncapped, the allowance grew without bound as an episode got
    shorter (109% at one word, 43% at ten): an episode of a few words could be heard
    wholly wrong and pass."""
    chance = 3 * math.sqrt(max_wer * (1 - max_wer) / max(1, words))
    return min(max_wer + chance, 2 * max_wer)


WINDOW_S = 25.0  # under Whisper's 30-second window, so the prompt reaches all of it
PAD_S = 0.15  # around a window's speech: under half the shortest pause (300 ms)


def windows(timings: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """The stretches recognised one by one: each chapter's segments, in runs of at most
    WINDOW_S seconds (a longer segment alone), cut between segments."""
    out = []
    for chapter in timings:
        run: list[dict[str, Any]] = []
        for segment in chapter["segments"]:
            if run and segment["end"] - run[0]["start"] > WINDOW_S:
                out.append((max(0.0, run[0]["start"] - PAD_S), run[-1]["end"] + PAD_S))
                run = []
            run.append(segment)
        out.append((max(0.0, run[0]["start"] - PAD_S), run[-1]["end"] + PAD_S))
    return out


def _hear(
    samples16: np.ndarray,
    begin: float,
    finish: float,
    glossary: list[str],
    model: Path | None = None,
    language: str = "en",
) -> list[Word]:
    """The words heard in one stretch. Whisper fills the silence after the end of a short
    stretch with words of its own ("Thank you for watching"), timed at its very end in
    no time at all: words shorter than 40 ms, or after the speech, are not what was said."""
    begin = max(0.0, begin)
    clip = samples16[int(begin * RATE) : int(finish * RATE)]
    speech_end = finish - PAD_S
    words = transcribe(
        clip, glossary, offset=begin, model=model, speech_end=speech_end - begin, language=language
    )
    return [w for w in words if w.end - w.start >= 0.04 and (w.start + w.end) / 2 <= speech_end]


def _says(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def glossary(script: Script, lexicon: Lexicon) -> list[str]:
    """Words the recogniser is told to expect: lexicon terms, the words to review and
    the words the factsheet respells, so it can spell them when they are said right."""
    words = {t.term for t in lexicon.terms if " " not in t.term and "/" not in t.term}
    words |= {w.word for w in script.review}
    words |= {
        m.split("|")[0] for s in script.segments for m in TERM_MARK_RE.findall(s.spoken) if "|" in m
    }
    return sorted(words, key=str.lower)
