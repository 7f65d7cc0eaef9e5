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

import numpy as np
import pytest
import yaml

from conftest import PODCAST, REPO, copy_project, folders, write_project
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
    code = main(["check", "--no-cache", *folders(root)])
    out = capsys.readouterr().out
    folder = root / "audio" / "imnm"
    report = json.loads((folder / "imnm.check.json").read_text())
    if broken is None:
        assert code == 0, out
        assert report["suspects"] == []
        return
    assert code == 1, out
    # Piper's takes differ (its model draws noise as it speaks): in one take in many the
    # recogniser hears the whole stretch around the mangled word as nothing, twice, and
    # the check then lists the word as "could not be confirmed" (a real fault and a
    # recogniser's gap cannot be told apart there without a second opinion). It still
    # fails, naming the word. (A CI run of 2026-12-08 failed here with no suspect at all,
    # once; 42 takes made since, alone and after the check's tests, all named IMNM as
    # spoken wrong. Its output is now kept in the assertion.)
    if not report["suspects"]:
        unconfirmed = [s["term"] for s in report["unconfirmed"]]
        assert broken in unconfirmed, (out, report["unconfirmed"])
        return
    assert report["suspects"], out  # what the check said, should a take fail otherwise
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


# ---------------------------------------------------------------- broad damage, any voice
#
# The suspect rule catches a word said wrongly. These controls are for the word-error
# finding: damage to the whole sound that a listener hears at once, made to a correct
# build of the short sheet (the hardest case: a short episode is allowed the most word
# errors by chance), with each offline voice.

OTHER_TEXT = """\
---
title: Garden Birds
short_title: Birds
organisation: Test Charity
language: en-US
source_url: https://example.org/birds
summary: Other text, for a control.
published: 2026-01-15
resources: []
---

## Birds in winter

Robins sing through the coldest months, and blackbirds search the lawn for worms.
A feeder with seeds and fresh water brings sparrows, finches and blue tits every morning.
Starlings gather in great noisy flocks over the fields before sunset.
"""

OFFLINE = {"piper": "en_US-joe-medium", "hibari": "heart"}


def _with_engine(settings: str, engine: str) -> str:
    return settings.replace("engine: piper", f"engine: {engine}").replace(
        "voice: en_US-joe-medium", f"voice: {OFFLINE[engine]}"
    )


@pytest.fixture(scope="module")
def correct_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The short sheet built correctly with each offline voice, and the other text
    built with each, once for the module."""
    built = {}
    cache = tmp_path_factory.mktemp("control-cache")
    for engine in OFFLINE:
        for name, text in (("imnm", FACTSHEET), ("birds", OTHER_TEXT)):
            root = write_project(
                tmp_path_factory.mktemp(f"{engine}-{name}"),
                text,
                _with_engine(_settings(), engine),
                _lexicon(None),
                slug=name,
            )
            build = ["build", "-q", "--no-hold", "--formats", "none", *folders(root, cache)]
            assert main(build) == 0
            built[f"{engine}-{name}"] = root
    return built


def _replace_audio(mp3: Path, samples: np.ndarray, rate: int) -> None:
    """The episode's MP3 with other samples (the same length), its tags and chapters kept."""
    from mutagen.id3 import ID3

    from imnm_audio.export.mp3 import encode_mp3

    tags = ID3(mp3)
    fresh = mp3.with_suffix(".new.mp3")
    encode_mp3(samples, rate, fresh, bitrate_kbps=96, sample_rate=rate, channels=1)
    tags.save(fresh)
    fresh.replace(mp3)


def _damage(root: Path, other: Path, damage: str) -> None:
    from imnm_audio.ffmpeg import decode_pcm

    rate = 44100
    mp3 = root / "audio" / "imnm" / "imnm.mp3"
    samples = decode_pcm(mp3, rate)
    n = len(samples)
    if damage == "other-voice-other-text":
        # The first section, spoken by the other voice reading other text.
        timings = json.loads((root / "audio" / "imnm" / "timings.json").read_text())
        section = timings[1]
        start, end = int(section["start"] * rate), int(section["end"] * rate)
        words = decode_pcm(other / "audio" / "birds" / "birds.mp3", rate)
        birds = json.loads((other / "audio" / "birds" / "timings.json").read_text())[1]
        piece = words[int(birds["start"] * rate) :][: end - start]
        samples[start : start + len(piece)] = piece
        samples[start + len(piece) : end] = 0
    elif damage == "sped-up":
        fast = decode_pcm(mp3, rate, filters="atempo=1.5")
        samples = np.zeros(n, np.int16)
        samples[: len(fast)] = fast[:n]
    else:  # loud noise: white noise 6 dB above the speech
        speech = samples.astype(np.float64)
        level = np.sqrt(np.mean(speech[np.abs(speech) > 300] ** 2))
        noise = np.random.default_rng(7).normal(0, level * 2, n)
        samples = np.clip(speech * 0.5 + noise * 0.5, -32768, 32767).astype(np.int16)
    _replace_audio(mp3, samples, rate)


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["other-voice-other-text", "sped-up", "loud-noise"])
@pytest.mark.parametrize("engine", sorted(OFFLINE))
def test_broad_damage_fails_on_word_errors_with_each_voice(
    tmp_path: Path,
    correct_builds: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    engine: str,
    damage: str,
) -> None:
    root = copy_project(correct_builds[f"{engine}-imnm"], tmp_path / "project")
    other = correct_builds[f"{'hibari' if engine == 'piper' else 'piper'}-birds"]
    _damage(root, other, damage)
    code = main(["check", "--no-cache", *folders(root)])
    out = capsys.readouterr().out
    report = json.loads((root / "audio" / "imnm" / "imnm.check.json").read_text())
    wer = next(f for f in report["findings"] if f["name"] == "word error rate")
    assert code == 1, out
    assert not wer["passed"], wer  # the word-error finding itself, not another one


@pytest.mark.slow
@pytest.mark.parametrize("engine", sorted(OFFLINE))
def test_a_correct_short_build_passes_with_each_voice(
    tmp_path: Path, correct_builds: dict[str, Path], engine: str
) -> None:
    # The other side of the controls above: the same build, undamaged, passes.
    root = copy_project(correct_builds[f"{engine}-imnm"], tmp_path / "project")
    assert main(["check", "--no-cache", "-q", *folders(root)]) == 0


TWO_TERMS = """\
---
title: Two Medicines
short_title: Medicines
organisation: Test Charity
language: en-US
source_url: https://example.org/medicines
summary: A sheet with two key terms, both said wrongly in the control.
published: 2026-01-15
resources: []
---

## Medicines

Your doctor may suggest azathioprine. Some people are given methotrexate instead.
Both are taken for a long time, and you will have regular blood tests.
"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", sorted(OFFLINE))
def test_two_key_terms_both_said_wrongly_fail_with_each_voice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    lexicon = (
        "terms:\n"
        "  - term: azathioprine\n    say: banana\n"
        "  - term: methotrexate\n    say: pineapple\n"
    )
    root = write_project(
        tmp_path, TWO_TERMS, _with_engine(_settings(), engine), lexicon, slug="medicines"
    )
    assert main(["build", "-q", "--no-hold", "--formats", "none", *folders(root)]) == 0
    code = main(["check", "--no-cache", *folders(root)])
    out = capsys.readouterr().out
    report = json.loads((root / "audio" / "medicines" / "medicines.check.json").read_text())
    assert code == 1, out
    assert {s["term"] for s in report["suspects"]} == {"azathioprine", "methotrexate"}, out
