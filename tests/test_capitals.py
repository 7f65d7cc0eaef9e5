"""Words in capitals are said as words or spelled as letters from evidence (capitals.py):
a heading or a warning in capitals is never spelled, an initialism is, and a long name
in capitals nobody knows is said as a word and put up for review."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import PODCAST, folders, write_project
from imnm_audio.capitals import capitals, pronounceable
from imnm_audio.cli import main
from imnm_audio.content import Lexicon
from imnm_audio.narrate.rules import Context, speak
from imnm_audio.vocabulary import review_words

NO_TERMS = Lexicon(Path("lexicon.yaml"), ())


def readings(text: str, language: str = "en-GB") -> dict[str, str]:
    return {c.word: c.reading for c in capitals(text, language)}


def test_a_run_of_words_in_capitals_is_shouting_said_as_words() -> None:
    found = readings("IMPORTANT: DO NOT STOP TAKING YOUR STEROIDS SUDDENLY.")
    assert set(found.values()) == {"word"}


def test_an_initialism_inside_shouting_is_still_spelled() -> None:
    assert readings("SEE YOUR GP TODAY") == {
        "SEE": "word",
        "YOUR": "word",
        "GP": "letters",
        "TODAY": "word",
    }
    # "US" after "THE" is the country; after a verb it is the word.
    assert readings("IN THE US CALL NOW")["US"] == "letters"
    assert readings("PLEASE CALL US TODAY")["US"] == "word"


@pytest.mark.parametrize(
    "word, reading",
    [
        ("NHS", "letters"),  # three letters alone
        ("GP", "letters"),
        ("TPMT", "letters"),  # no vowel pattern
        ("COPD", "letters"),  # an end no English word has
        ("HMGCR", "letters"),
        ("IVIG", "letters"),  # short and unknown: an initialism
        ("USA", "letters"),  # the dictionary spells it
        ("NICE", "word"),  # an English word
        ("COVID", "word"),
        ("WARNING", "word"),
        ("IMURAN", "new"),  # a name nobody knows: said, and reviewed
        ("CYTOXAN", "new"),
    ],
)
def test_a_word_in_capitals_on_its_own_is_read_from_evidence(word: str, reading: str) -> None:
    assert readings(f"Ask about {word} today.") == {word: reading}


def test_a_vowel_pattern_is_what_can_be_said_as_a_word() -> None:
    assert pronounceable("STRENGTH") is False  # one vowel in eight: the dictionary says it
    assert all(pronounceable(w) for w in ("NICE", "COVID", "IMURAN", "WHAT", "STEROIDS"))
    assert not any(pronounceable(w) for w in ("NHS", "NSAID", "IMNM", "MRSA", "DVLA"))


def test_letters_with_digits_keep_the_number() -> None:
    said = speak("See NICE NG12 and take vitamin B12.", Context(NO_TERMS, "en-GB"))
    assert said == "See nice N G 12 and take vitamin B12."


def test_a_name_in_capitals_said_as_a_word_is_listed_for_review() -> None:
    words = {w.word: w.why for w in review_words(["AZATHIOPRINE (IMURAN) is used."], NO_TERMS)}
    assert "said as a word" in words["IMURAN"] and "said as a word" in words["AZATHIOPRINE"]
    # Ordinary words in capitals are not review words; initialisms are, as letters.
    words = {w.word: w.why for w in review_words(["DO NOT STOP. ASK YOUR GP."], NO_TERMS)}
    assert set(words) == {"GP"} and "spelled as letters" in words["GP"]


CAPITALS_FACTSHEET = """\
---
title: Steroids and you
short_title: Steroids
organisation: Test Charity
language: en-GB
source_url: https://example.org/steroids
summary: Taking steroids safely.
published: 2026-02-01
resources:
  - title: Test Charity
    url: https://example.org/
---

## WHAT ARE STEROIDS?

Steroids calm the immune system and ease muscle inflammation. Most people take them as
tablets each morning with food.

## IMPORTANT SAFETY ADVICE

IMPORTANT: DO NOT STOP TAKING YOUR STEROIDS SUDDENLY. Your body needs time to make its
own again, so your doctor will lower the dose slowly over several weeks.
"""


@pytest.mark.slow
def test_a_leaflet_in_capitals_is_said_as_words_and_passes_the_check(
    tmp_path: Path, shared_cache: Path
) -> None:
    root = write_project(tmp_path, CAPITALS_FACTSHEET, PODCAST, slug="steroids")
    assert (
        main(["build", "-q", "--no-hold", "--formats", "none", *folders(root, shared_cache)]) == 0
    )
    script = yaml.safe_load((root / "scripts" / "steroids.yaml").read_text(encoding="utf-8"))
    spoken = " ".join(s["spoken"] for c in script["chapters"] for s in c["segments"])
    # No word of the factsheet is spelled: no run of three single capitals anywhere.
    assert not re.search(r"\b[A-Z] [A-Z] [A-Z]\b", spoken), spoken
    assert "do not stop taking your steroids suddenly" in spoken
    assert main(["check", "--no-cache", "-q", *folders(root)]) == 0
    report = json.loads((root / "audio" / "steroids" / "steroids.check.json").read_text())
    assert report["passed"] and not report["suspects"]
