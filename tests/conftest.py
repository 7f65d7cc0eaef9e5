"""Shared fixtures: a small two-section project written into a temporary folder."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]

FACTSHEET = """\
---
title: Test Condition Factsheet (TCF)
short_title: TCF
organisation: Test Charity
language: en-US
source_url: https://example.org/tcf
summary: A short factsheet used by the tests.
published: 2026-01-15
episode: 3
resources:
  - title: Test Charity
    url: https://www.example.org/help
---

# Test Condition Factsheet (TCF)

## What is TCF?

Test Condition Factsheet (TCF) is a made-up condition. It is not real.

## How is TCF treated?

Treatment can include:

- **Rest.** Sleep helps.
- **Medicine.** IV fluids may be given.
"""

PODCAST = """\
title: Test Show
description: A show for tests.
author: Test Charity
owner:
  name: Test Charity
  email: owner@example.org
language: en-US
categories:
  - Health & Fitness > Medicine
base_url: https://example.org/audio/
link: https://example.org/
voice:
  engine: piper
  voice: en_US-joe-medium
  rate: 1.0
audio:
  bitrate_kbps: 96
  sample_rate: 44100
  channels: 1
  chime: true
"""

LEXICON = """\
terms:
  - term: TCF
    say: T C F
  - term: IV
    say: I V
"""


def write_project(
    root: Path,
    factsheet: str = FACTSHEET,
    podcast: str = PODCAST,
    lexicon: str = LEXICON,
    slug: str = "tcf",
) -> Path:
    content = root / "content"
    (content / slug).mkdir(parents=True, exist_ok=True)
    (content / slug / "factsheet.md").write_text(textwrap.dedent(factsheet), encoding="utf-8")
    (content / "podcast.yaml").write_text(podcast, encoding="utf-8")
    (content / "lexicon.yaml").write_text(lexicon, encoding="utf-8")
    return root


def folders(root: Path, cache: Path | None = None) -> list[str]:
    """The command-line options that point a command at a project folder (and a cache)."""
    args = [
        "--content",
        str(root / "content"),
        "--scripts",
        str(root / "scripts"),
        "--out",
        str(root / "audio"),
    ]
    return args + (["--cache", str(cache)] if cache is not None else [])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with content/ (one two-section factsheet), ready for the CLI."""
    return write_project(tmp_path)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clip cache for the session, so the same small sentences are synthesised once."""
    return tmp_path_factory.mktemp("clip-cache")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    """The small project built once with the real Piper voice and ffmpeg; read-only for tests."""
    from imnm_audio.cli import main

    root = write_project(tmp_path_factory.mktemp("built"))
    code = main(
        [
            "build",
            "-q",
            *folders(root, shared_cache),
        ]
    )
    assert code == 0
    return root


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def decode(path: Path, rate: int = 44100) -> np.ndarray:
    from imnm_audio.ffmpeg import decode_pcm

    return decode_pcm(path, rate)


def speech_onset(
    samples: np.ndarray, rate: int, start: float, threshold_db: float = -40.0, search: float = 2.0
) -> float:
    """Time of the first 5 ms window from `start - 0.3 s` (after the cue) above the threshold."""
    frame = rate // 200
    begin = max(0, int((start - 0.3) * rate))
    chunk = samples[begin : begin + int(search * rate)].astype(np.float64) / 32768.0
    usable = len(chunk) // frame * frame
    rms = np.sqrt(np.mean(chunk[:usable].reshape(-1, frame) ** 2, axis=1))
    loud = np.nonzero(rms > 10 ** (threshold_db / 20))[0]
    assert len(loud), "no speech found"
    return (begin + loud[0] * frame) / rate


# Debian's Chromium, driven by Playwright: the page, the library and printed PDFs.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing; .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
