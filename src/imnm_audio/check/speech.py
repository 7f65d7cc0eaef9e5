"""Speech: recognise the episode and compare it with the script, word by word and term by term."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..cache import ClipCache, code_fingerprint
from ..content import CheckSettings as Thresholds
from ..content import Lexicon
from ..listen import RATE, Word, compare, model_name, transcribe, word_errors
from ..pronounce import TERM_MARK_RE, heard_as
from ..script import Script
from .align import assign
from .report import CheckReport, SegmentResult
from .terms import (
    Suspect,
    clean_mentions,
    dropped_with,
    heard_instead,
    in_place,
    key_terms,
    suspects,
)

__all__ = ["Heard", "check_speech", "key_terms"]


@dataclass(frozen=True)
class Heard:
    """What the recogniser heard, kept in the clip cache (local or shared) by the very
    audio it heard: the MP3 frames of the stretch (and the few before it, whose bytes a
    frame's decoding may draw on), where in them the stretch lies, the prompt, the
    recogniser and this code. An episode is joined from its chapters' frames
    (export/splice.py), so a chapter that did not change keeps its frames, byte for
    byte, wherever it now stands, and is not heard again; a changed frame, anywhere, is.
    The check still judges the audio in the file, never the build's word for it."""

    cache: ClipCache
    frames: list[bytes]  # the episode's audio frames, in order
    per_frame: int  # output samples a frame holds
    delay: int  # samples the decoder drops at the start (the encoder's delay)
    rate: int  # the MP3's sample rate

    CONTEXT = 3  # frames before a stretch: the bit reservoir reaches up to 511 bytes back

    def key(self, begin: float, finish: float, *parts: str) -> str | None:
        first = round(begin * self.rate) + self.delay
        last = round(finish * self.rate) + self.delay
        lo = max(0, first // self.per_frame - self.CONTEXT)
        hi = min(len(self.frames), last // self.per_frame + 2)
        if lo >= hi:
            return None
        digest = hashlib.sha256()
        for frame in self.frames[lo:hi]:
            digest.update(frame)
        start = lo * self.per_frame
        body = json.dumps([digest.hexdigest(), first - start, last - start, *parts])
        return hashlib.sha256(body.encode()).hexdigest()

    def get(self, key: str) -> list[Word] | None:
        data = self.cache.get_bytes(key, ".heard")
        try:
            return [Word(t, a, b) for t, a, b in json.loads(data)] if data else None
        except (ValueError, TypeError):
            return None

    def put(self, key: str, words: list[Word]) -> None:
        data = json.dumps([[w.text, w.start, w.end] for w in words], ensure_ascii=False)
        self.cache.put_bytes(key, ".heard", data.encode())


@functools.cache
def recogniser_identity(model: Path | None) -> str:
    """The recogniser, by name and by its model file's size and time (a model replaced
    in the same folder is another recogniser), and the code that calls it; worked out
    once per process, not for every stretch heard."""
    name = model_name(model)
    if model is not None:
        try:
            stat = (model / "model.bin").stat()
            name += f":{stat.st_size}:{stat.st_mtime_ns}"
        except OSError:
            pass
    return name + ":" + code_fingerprint("imnm_audio.listen", "imnm_audio.check.speech")


def check_speech(
    report: CheckReport,
    script: Script,
    timings: list[dict[str, Any]],
    samples16: np.ndarray,
    lexicon: Lexicon,
    thresholds: Thresholds,
    model: Path | None = None,
    confirm: Path | None = None,
    recall: Heard | None = None,
    progress_for: Callable[..., Callable[[int, int, int], None]] | None = None,
) -> None:
    """Recognise the episode; score it per chapter, and each segment for the report.

    `progress_for` (as a build's) is given two steps before any hearing, so a bar over
    both has its whole total from the start: the passages heard (those kept from an
    earlier check counted as from the cache) and the chapters scored (each with its
    second listenings).

    Each chapter is recognised on its own, with the glossary as its prompt, in windows
    under Whisper's 30 seconds (the prompt reaches only the first window the recogniser
    hears: key terms on three other organisations' leaflets were 40 of 71 heard whole,
    50 per chapter, 63 in windows). Words are given to sentences by aligning them with
    the script (`align.py`), not by their times. Episode scores compare whole chapters;
    sentence scores show where to listen.

    A key term missed on both listenings is *spoken wrong* (a suspect, which fails the
    check) only where there is evidence it was said wrong: the recogniser heard other
    words in its place, and the second opinion (`confirm`, a stronger model hearing the
    sentence alone) missed it too. Where the second opinion hears it, or (without one)
    the recogniser heard nothing of a stretch of words around it on both listenings
    (`dropped_with`), it is *not confirmed by the recogniser*: listed, not failed.
    tiny.en drops whole runs of rare names (a list of 60 brand names in brackets, heard
    as nothing) that Whisper base hears; those are the recogniser's limits.
    """
    words_to_expect = glossary(script, lexicon)
    said = [
        (span["start"], span["end"], heard_as(segment.spoken, lexicon))
        for chapter, timing in zip(script.chapters, timings, strict=True)
        for segment, span in zip(chapter.segments, timing["segments"], strict=True)
    ]

    passages = windows(timings)
    listening = scoring = None
    if progress_for is not None:
        listening = progress_for("Listening to the episode", len(passages), "passages")
        scoring = progress_for("Scoring each chapter", len(script.chapters), "chapters")
    kept_count = [0]

    def hear(begin: float, finish: float, by: Path | None = model) -> list[Word]:
        # Prompted with the glossary words this stretch says: a shorter prompt is
        # decoded faster, and points the recogniser at no word it will not hear.
        text = " ".join(t for a, b, t in said if begin <= (a + b) / 2 <= finish)
        prompt = [w for w in words_to_expect if _says(text, w)]
        key = None
        if recall is not None:
            # Words are kept relative to the stretch's start: the same frames heard at
            # another place in a rebuilt episode are the same stretch.
            identity = recogniser_identity(by)
            key = recall.key(begin, finish, identity, script.meta.language, *prompt)
            kept = recall.get(key) if key is not None else None
            if kept is not None:
                kept_count[0] += 1
                return [Word(w.text, w.start + begin, w.end + begin) for w in kept]
        words = _hear(samples16, begin, finish, prompt, by, script.meta.language)
        if recall is not None and key is not None:
            recall.put(key, [Word(w.text, w.start - begin, w.end - begin) for w in words])
        return words

    report.model = model_name(model)
    everything = []
    for done, (begin, finish) in enumerate(passages, 1):
        everything += hear(begin, finish)
        if listening is not None:
            listening(done, len(passages), kept_count[0])
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
    doubted: dict[str, int] = {}  # mentions missed, but not confirmed as spoken wrong
    doubted_as: dict[str, list[str]] = {}
    for scored, (chapter, timing) in enumerate(zip(script.chapters, timings, strict=True)):
        if scoring is not None and scored:
            scoring(scored, len(script.chapters), 0)
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
            unconfirmed: list[str] = []
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
                opinion = None
                if missed and confirm is not None:
                    words3 = hear(start - PAD_S, end + PAD_S, confirm)
                    opinion = compare(expected, " ".join(w.text for w in words3))
                wrong = []
                for t in missed:
                    short = terms.count(t) - got[t]
                    if opinion is not None:  # the stronger model decides
                        forgiven = min(short, clean_mentions(t, *opinion))
                    elif dropped_with(t, ref, hyp) and dropped_with(t, ref2, hyp2):
                        forgiven = short  # a stretch heard as nothing, twice
                    else:
                        forgiven = 0
                    if forgiven:
                        doubted[t] = doubted.get(t, 0) + forgiven
                        doubted_as.setdefault(t, []).append(heard_instead(t, ref, hyp))
                        unconfirmed.append(t)
                    if forgiven < short:
                        wrong.append(t)
                missed = wrong
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
                    unconfirmed,
                )
            )
    if scoring is not None:
        scoring(len(script.chapters), len(script.chapters), 0)
    forgiven_found = {t: found.get(t, 0) + doubted.get(t, 0) for t in wanted}
    report.suspects = suspects(wanted, forgiven_found, instead)
    named = {s.term for s in report.suspects}
    report.unconfirmed = [
        Suspect(t, wanted[t], found.get(t, 0), doubted_as.get(t, []))
        for t in sorted(doubted, key=str.lower)
        if t not in named
    ]
    report.key_terms_unconfirmed = sum(doubted.values())
    report.second_opinion = model_name(confirm) if confirm is not None else ""
    report.terms = {t: (n, found[t]) for t, n in wanted.items()}
    report.wer = errors / max(1, words)
    report.words = words
    limit = wer_limit(thresholds.max_wer, words)
    report.add(
        "speech",
        "word error rate",
        report.wer <= limit,
        f"{report.wer:.1%} of {words} words (at most {limit:.1%}: "
        f"{thresholds.max_wer:.0%}, and more by chance in a short episode, up to "
        f"{2 * thresholds.max_wer:.0%})",
    )
    # Recall is judged on the mentions not shown to be said wrong: a mention the
    # recogniser could not confirm is neither heard nor a miss of the narration's.
    misses = report.key_terms_total - report.key_terms_heard - report.key_terms_unconfirmed
    judged = report.key_terms_total - report.key_terms_unconfirmed
    recall = (judged - misses) / judged if judged else 1.0
    doubt = (
        f"; {report.key_terms_unconfirmed} more not confirmed by the recogniser"
        if report.key_terms_unconfirmed
        else ""
    )
    report.add(
        "speech",
        "key-term recall",
        recall >= thresholds.min_key_term_recall or misses <= thresholds.key_term_misses_allowed,
        f"{report.key_terms_heard} of {report.key_terms_total} heard as intended{doubt} "
        f"({recall:.1%} of those judged; at least {thresholds.min_key_term_recall:.0%}, or at "
        f"most {thresholds.key_term_misses_allowed} missed)",
    )
    report.add(
        "speech",
        "no term spoken wrong",
        not report.suspects,
        "no key term heard as something else in most of its mentions"
        if not report.suspects
        else "heard as something else in most mentions: "
        + ", ".join(f"{s.term} ({s.heard} of {s.wanted})" for s in report.suspects),
    )
    if report.unconfirmed:
        why = (
            f"missed by the recogniser twice, heard by {report.second_opinion}"
            if report.second_opinion
            else "in a stretch heard as nothing on two listenings"
        )
        report.add(
            "speech",
            "terms not confirmed by the recogniser",
            True,
            f"{why}; listen to them, not a failure: "
            + ", ".join(t.term for t in report.unconfirmed),
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
