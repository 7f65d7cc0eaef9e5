"""Proof-listening and output verification: does the audio say what the script says?

Three kinds of check, each a list of findings with a pass/fail:
- speech (`speech.py`): recognise the episode offline and compare it with the spoken
  text, segment by segment (word error rate) and term by term (key-term recall);
- structure (`structure.py`): chapters, chapter files, JSON chapters, duration and
  tags agree;
- sound (`sound.py`): loudness, true peak, clipping, silent gaps, the hold-line files.
`episode.py` runs them on a built episode; `report.py` writes what a person reads.
"""

from .episode import check_episode
from .report import CheckReport, Finding, SegmentResult, lexicon_hint, summary, write_reports
from .speech import key_terms

__all__ = [
    "CheckReport",
    "Finding",
    "SegmentResult",
    "check_episode",
    "key_terms",
    "lexicon_hint",
    "summary",
    "write_reports",
]
