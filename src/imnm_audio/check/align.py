"""Which sentence each heard word belongs to: by aligning the words with the script.

Whisper's word times drift: a word at the end of one sentence is often timed into the
pause, or into the next sentence, and a sentence heard late gets words from before it.
Placed by time alone, one misplaced word counted twice (missing here, extra there) and
made a sentence look "heard: (nothing)" when it was heard. Here the heard words of a
chapter are aligned with its script's words (a word-level edit distance, close
spellings cheaper than unrelated words), and each word goes to the sentence of the
script word it lines up with. A word the script does not have goes with its
neighbours, and only where they disagree (at a sentence boundary) does its time decide.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from difflib import SequenceMatcher

from ..listen import Word, normalise

_GAP = 1.0  # a word heard but not in the script, or in the script but not heard


@functools.lru_cache(maxsize=65536)
def _cost(a: str, b: str) -> float:
    """Substituting one word for another: free when equal, cheap when spelled alike."""
    if a == b:
        return 0.0
    matcher = SequenceMatcher(None, a, b)
    alike = matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6
    return 0.5 if alike and matcher.ratio() >= 0.6 else 1.2


def align(heard: Sequence[str], script: Sequence[str]) -> list[int | None]:
    """For each heard token, the index of the script token it lines up with (None: extra)."""
    n, m = len(heard), len(script)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 0 diagonal, 1 extra heard, 2 not heard
    for i in range(1, n + 1):
        cost[i][0], move[i][0] = i * _GAP, 1
    for j in range(1, m + 1):
        cost[0][j], move[0][j] = j * _GAP, 2
    for i in range(1, n + 1):
        row, above, h = cost[i], cost[i - 1], heard[i - 1]
        for j in range(1, m + 1):
            best, how = above[j - 1] + _cost(h, script[j - 1]), 0
            if above[j] + _GAP < best:
                best, how = above[j] + _GAP, 1
            if row[j - 1] + _GAP < best:
                best, how = row[j - 1] + _GAP, 2
            row[j], move[i][j] = best, how
    out: list[int | None] = [None] * n
    i, j = n, m
    while i > 0 and j > 0:
        how = move[i][j]
        if how == 0:
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif how == 1:
            i -= 1
        else:
            j -= 1
    return out


def assign(words: Sequence[Word], sentences: Sequence[str], spans: Sequence[dict]) -> list[int]:  # type: ignore[type-arg]
    """The sentence (index into `sentences`, timed by `spans`) each heard word belongs to."""
    script: list[str] = []
    owner: list[int] = []
    for index, sentence in enumerate(sentences):
        tokens = normalise(sentence)
        script += tokens
        owner += [index] * len(tokens)
    heard: list[str] = []
    word_of: list[int] = []
    for index, word in enumerate(words):
        tokens = normalise(word.text)
        heard += tokens
        word_of += [index] * len(tokens)
    lined_up = align(heard, script)
    found: list[int | None] = [None] * len(words)
    for token, at in enumerate(lined_up):
        if at is not None and found[word_of[token]] is None:
            found[word_of[token]] = owner[at]
    out = []
    for index, word in enumerate(words):
        sentence = found[index]
        if sentence is None:
            before = _first(found[index - 1 :: -1] if index else [])
            after = _first(found[index + 1 :])
            if before is None or after is None or before == after:
                sentence = before if before is not None else after
            if sentence is None:  # at a boundary, or nothing lined up: the time decides
                sentence = by_time(spans, (word.start + word.end) / 2, before, after)
        out.append(sentence)
    return out


def _first(found: Sequence[int | None]) -> int | None:
    return next((k for k in found if k is not None), None)


def by_time(
    spans: Sequence[dict],  # type: ignore[type-arg]
    t: float,
    low: int | None = None,
    high: int | None = None,
) -> int:
    """The sentence around time t, or the nearest, among sentences low..high."""
    first = 0 if low is None else low
    last = len(spans) - 1 if high is None else high
    candidates = range(first, last + 1)

    def distance(k: int) -> float:
        s = spans[k]
        return 0.0 if s["start"] <= t <= s["end"] else min(abs(t - s["start"]), abs(t - s["end"]))

    return min(candidates, key=distance)
