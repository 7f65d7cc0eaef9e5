"""Controls that must fail: builds with a known mistake, checked with the real thresholds.

The check's thresholds (content/podcast.yaml, `check:`) were set from fresh syntheses of
correct builds (README, "How the check's thresholds were set"). These controls prove
them from the other side: each build has one mistake a listener would hear, and a
threshold that lets one pass is wrong. Real Piper, real ffmpeg, the bundled tiny.en.
(A medicine given a wrong `say:` is the control in test_vocabulary.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import PODCAST, REPO, folders, write_project
from imnm_audio.cli import main

FACTSHEET = """\
---
title: About IMNM
short_title: IMNM
organisation: Test Charity
language: en-US
source_url: https://example.org/imnm
summary: A short factsheet for the controls.
published: 2026-01-15
resources: []
---

## What is IMNM?

IMNM is a rare muscle disease. In IMNM, the immune system attacks the muscles.
A blood test for antibodies helps doctors find IMNM.

## How is it treated?

IV fluids may be given in hospital. IV medicines go straight into a vein.
"""


def _settings() -> str:
    """The test show's settings with the project's own check thresholds."""
    real = yaml.safe_load((REPO / "content" / "podcast.yaml").read_text(encoding="utf-8"))
    return PODCAST + yaml.safe_dump({"check": real["check"]})


def _lexicon(broken: str | None) -> str:
    """The project's lexicon, with `broken`'s entry saying the term as written: the
    engine then reads it its own way, as it did before the entry existed."""
    real = yaml.safe_load((REPO / "content" / "lexicon.yaml").read_text(encoding="utf-8"))
    for entry in real["terms"]:
        if entry["term"] == broken:
            entry.clear()
            entry.update(term=broken, say=broken)
    return yaml.safe_dump(real, allow_unicode=True)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("broken", "heard_instead"),
    # Piper reads a bare "IV" as "Roman four"; prompted with "IV", tiny.en writes that
    # as "four", "for" or "Roman IV" (the term with a word squeezed in: not counted).
    [(None, None), ("IMNM", None), ("IV", ("four", "for", "roman"))],
    ids=["correct", "IMNM-read-as-a-word", "IV-read-as-four"],
)
def test_a_control_fails_the_check_and_a_correct_build_passes(
    tmp_path: Path,
    shared_cache: Path,
    capsys: pytest.CaptureFixture[str],
    broken: str | None,
    heard_instead: tuple[str, ...] | None,
) -> None:
    root = write_project(tmp_path, FACTSHEET, _settings(), _lexicon(broken), slug="imnm")
    build = ["build", "-q", "--no-hold", "--formats", "none", *folders(root, shared_cache)]
    assert main(build) == 0
    code = main(["check", *folders(root)])
    out = capsys.readouterr().out
    folder = root / "audio" / "imnm"
    report = json.loads((folder / "imnm.check.json").read_text())
    if broken is None:
        assert code == 0, out
        assert report["suspects"] == []
        return
    assert code == 1, out
    suspect = report["suspects"][0]
    assert suspect["term"] == broken, report["suspects"]
    assert suspect["heard"] * 2 < suspect["wanted"]  # missed in most of its mentions
    if heard_instead:
        heard = " ".join(suspect["heard_as"]).lower().split()
        assert any(word in heard for word in heard_instead), suspect
    # The review page puts it first, with a player for each passage where it was missed.
    review = (folder / "review.html").read_text()
    assert review.index(f">{broken}</h3>") < review.index("Sentences heard least well")
    where = [s for s in report["segments"] if broken in s["missed_terms"]]
    assert len(where) >= 1 and review.count('src="imnm.mp3#t=') >= len(where)
