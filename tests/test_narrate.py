"""Each narration rule on a small input, then the whole IMNM script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imnm_audio.content import Lexicon, Term, VoiceSettings, load_factsheet, load_lexicon
from imnm_audio.narrate import (
    Context,
    apply_lexicon,
    define_acronyms_in_parentheses,
    expand_first_use,
    narrate,
    rewrite_visual_references,
    speak,
    speak_slashes,
    speak_urls,
    split_sentences,
    spoken_url,
)
from imnm_audio.pronounce import TERM_MARK_RE, render

REPO = Path(__file__).resolve().parents[1]


def ctx(*terms: Term) -> Context:
    return Context(lexicon=Lexicon(Path("lexicon.yaml"), tuple(terms)))


def said(text: str, c: Context, engine: str = "piper") -> str:
    """What an engine is given for this display text: the script's words, rendered."""
    return render(speak(text, c), c.lexicon, engine)


def test_markup_and_phoneme_brackets_from_the_text_are_dropped() -> None:
    assert speak("A <b>bold</b> [[[x]]] claim.", ctx()) == "A bold [x] claim."


def test_qr_code_reference_is_dropped() -> None:
    text = "Go to example.org or use this QR code to learn more!"
    assert rewrite_visual_references(text, ctx()) == "Go to example.org to learn more!"


def test_acronym_in_parentheses_is_said_once_after_its_meaning() -> None:
    c = ctx()
    out = define_acronyms_in_parentheses("Creatine Kinase (CK) is an enzyme.", c)
    assert out == "Creatine Kinase, or CK, is an enzyme."
    assert "CK" in c.introduced


def test_first_use_expansion_happens_once() -> None:
    c = ctx(Term("TCF", "T C F", expand="test condition, or T C F"))
    assert said("TCF is rare.", c) == "test condition, or T C F is rare."
    assert said("TCF is rare.", c) == "T C F is rare."


def test_acronym_defined_in_the_text_is_not_expanded_again() -> None:
    c = ctx(Term("TCF", "T C F", expand="test condition, or T C F"))
    assert said("Test Condition (TCF) is rare. TCF hurts.", c) == (
        "Test Condition, or T C F, is rare. T C F hurts."
    )


def test_lexicon_matches_whole_words_only() -> None:
    c = ctx(Term("IV", "I V"))
    assert speak("IV steroids, not IVIG or XIV.", c) == "{IV} steroids, not I V I G or X I V."
    assert said("IV steroids, not IVIG or XIV.", c) == "I V steroids, not I V I G or X I V."


def test_lexicon_case_insensitive_terms_keep_a_capital_at_sentence_start() -> None:
    c = ctx(Term("immune-mediated", "immune mediated", match_case=False))
    assert said("Immune-Mediated disease.", c) == "Immune mediated disease."


def test_lexicon_uses_the_engine_specific_form() -> None:
    term = Term("rituximab", "rih-TUK-sih-mab", engines=(("piper", "[[ ɹɪtˈʌksɪmæb ]]"),))
    assert apply_lexicon("like rituximab.", ctx(term)).count("\ue000") == 1
    assert speak("like rituximab.", ctx(term)) == "like {rituximab}."  # the script's words
    assert said("like rituximab.", ctx(term)) == "like [[ ɹɪtˈʌksɪmæb ]]."
    # Other engines get the respelling, its stress capitals lowered so none is spelled.
    assert said("like rituximab.", ctx(term), engine="gtts") == "like rih-tuk-sih-mab."


def test_lexicon_entries_that_mention_each_other_do_not_loop() -> None:
    c = ctx(Term("AB", "CD"), Term("CD", "AB"))
    assert said("AB and CD.", c) == "CD and AB."


def test_unknown_acronyms_are_spelled_as_letters() -> None:
    assert speak("An MRI and two ECGs.", ctx()) == "An M R I and two E C Gs."


def test_capitalised_ordinary_words_are_not_spelled() -> None:
    assert speak("Do NOT stop.", ctx()) == "Do not stop."


def test_hyphen_before_spelled_letters_becomes_a_space() -> None:
    assert speak("Anti-SRP myopathy.", ctx()) == "Anti S R P myopathy."


def test_each_lexicon_is_read_with_its_own_terms() -> None:
    # Lexicons made and dropped one after another (as in a long-running process or a
    # test run) are often given the same id(); each must still be read with its own terms.
    for n in range(20):
        spoken = said(f"say W{n}X now", ctx(Term(f"W{n}X", f"word {n}")))
        assert spoken == f"say word {n} now", n


def test_and_or_is_read_as_a_choice() -> None:
    assert speak_slashes("tests and/or rest", ctx()) == "tests and or or rest"
    c = ctx(Term("and/or", "and, or"))
    assert said("tests and/or rest", c) == "tests and, or rest"


def test_urls_are_spoken_as_a_listener_can_write_them_down() -> None:
    # The site by its parts; a path as what the page is, never spelled or "slash"-ed.
    assert spoken_url("https://www.example.org/get-help/") == "the get help page on example dot org"
    assert spoken_url("https://example.org") == "example dot org"
    assert speak("Go to nhs.uk/conditions/myositis.", ctx()) == (
        "Go to the myositis page on nhs dot uk."
    )
    assert speak_urls("See www.example.org today.", ctx()).startswith("See \ue000")
    assert speak("See www.example.org today.", ctx()) == "See example dot org today."


def test_sentences_split_at_full_stops_but_not_abbreviations() -> None:
    assert split_sentences("One. Two, e.g. Three! Four? five.") == [
        "One.",
        "Two, e.g. Three!",
        "Four? five.",
    ]


def test_expand_first_use_leaves_text_without_the_term() -> None:
    c = ctx(Term("TCF", "T C F", expand="x"))
    assert expand_first_use("Nothing here.", c) == "Nothing here."


# ---------------------------------------------------------------- the IMNM script


@pytest.fixture(scope="module")
def imnm_script():  # type: ignore[no-untyped-def]
    sheet = load_factsheet(REPO / "content" / "imnm" / "factsheet.md")
    lexicon = load_lexicon(REPO / "content" / "lexicon.yaml")
    return (
        narrate(sheet, lexicon, VoiceSettings(), "content/imnm/factsheet.md", "x"),
        sheet,
        lexicon,
    )


def test_every_section_is_a_chapter_in_order_between_intro_and_closing(imnm_script) -> None:  # type: ignore[no-untyped-def]
    script, sheet, _ = imnm_script
    ids = [c.id for c in script.chapters]
    assert ids == ["introduction", *[s.id for s in sheet.sections], "closing"]


def test_every_lexicon_term_is_marked_and_no_engine_syntax_is_in_the_script(imnm_script) -> None:  # type: ignore[no-untyped-def]
    script, _, lexicon = imnm_script
    for segment in script.segments:
        assert "[[" not in segment.spoken, segment.spoken
        unmarked = TERM_MARK_RE.sub("", segment.spoken)
        for term in lexicon.terms:
            flags = 0 if term.match_case else re.IGNORECASE
            pattern = r"(?<![\w.])" + re.escape(term.term) + r"(?!\w)"
            assert not re.search(pattern, unmarked, flags), (term.term, segment.spoken)


def test_no_run_together_capitals_are_spoken(imnm_script) -> None:  # type: ignore[no-untyped-def]
    script, _, lexicon = imnm_script
    for segment in script.segments:
        for engine in ("piper", "gtts", "espeak"):
            spoken = render(segment.spoken, lexicon, engine)
            assert not re.search(r"\b[A-Z]{2,}\b", spoken), (engine, spoken)


def test_display_text_is_the_factsheet_text(imnm_script) -> None:  # type: ignore[no-untyped-def]
    script, sheet, _ = imnm_script
    source = " ".join(sheet.path.read_text(encoding="utf-8").replace("**", "").split())
    for chapter in script.chapters[1:-1]:
        for segment in chapter.segments:
            assert segment.display in source, segment.display


def test_intro_lists_the_chapters_and_closing_gives_the_address_and_advice(imnm_script) -> None:  # type: ignore[no-untyped-def]
    script, sheet, _ = imnm_script
    intro = " ".join(s.spoken for s in script.chapters[0].segments)
    assert "5 sections" in intro
    closing = " ".join(s.spoken for s in script.chapters[-1].segments)
    assert "{www.understandingmyositis.org}" in closing
    piper = render(closing, sheet_lexicon := imnm_script[2], "piper")
    assert "understanding [[ mˌaɪoʊsˈaɪɾɪs ]] dot org" in piper
    assert "understanding myositis dot org" in render(closing, sheet_lexicon, "gtts")
    assert "visit My-oh-sy-tis Support" in render(closing, sheet_lexicon, "gtts")
    assert "m, y, o, s, i, t, i, s" in closing
    assert "Talk with your doctor" in closing
    assert any(s.rate < 1 for s in script.chapters[-1].segments)


def test_imnm_is_spoken_as_letters_and_iv_not_as_four(imnm_script) -> None:  # type: ignore[no-untyped-def]
    script, sheet, lexicon = imnm_script
    written = " ".join(s.spoken for s in script.segments)
    assert "What is {IMNM}?" in written  # the script names the term, for every engine
    spoken = render(written, lexicon, "piper")
    # Piper gets every letter stressed, in two pairs; other engines get spaced capitals.
    assert "What is [[ ˈaɪ ˈɛm, ˈɛn ˈɛm ]]?" in spoken and "oral or I V steroids" in spoken
    assert not re.search(r"\bIMNM\b", spoken)
    assert "What is I M N M?" in render(written, lexicon, "gtts")
    assert "and, or muscle biopsy" in spoken
    assert "QR code" not in spoken


def test_pauses_are_longer_between_sections_than_sentences(imnm_script) -> None:  # type: ignore[no-untyped-def]
    script, _, _ = imnm_script
    for chapter in script.chapters:
        assert chapter.segments[-1].pause_ms > max(s.pause_ms for s in chapter.segments[:-1])


def _sheet(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "vis" / "factsheet.md"
    path.parent.mkdir()
    front = (
        "---\ntitle: Visual Test\nshort_title: VT\norganisation: Test Charity\n"
        "language: en-GB\nsource_url: https://example.org/\nsummary: A test.\n"
        "published: 2026-01-01\nresources: []\n---\n\n"
    )
    path.write_text(front + body, encoding="utf-8")
    return path


def test_visual_only_text_is_shown_but_not_said(tmp_path: Path) -> None:
    """<span class="visual"> (written by `imnm-audio import`): a clause stays in the
    display and leaves the speech; a whole sentence of it leaves the script."""
    path = _sheet(
        tmp_path,
        '## Help\n\nGo to www.example.org <span class="visual">or scan the QR code</span> '
        'today. <span class="visual">Scan the code below.</span> Call us any time.\n\n'
        '- <span class="visual">See the picture.</span>\n- Rest often.\n',
    )
    sheet = load_factsheet(path)
    script = narrate(sheet, Lexicon(Path("l.yaml"), ()), VoiceSettings(), "x", "h")
    help_ = next(c for c in script.chapters if c.id == "help")
    displays = [s.display for s in help_.segments]
    assert displays == [
        "Help",
        "Go to www.example.org or scan the QR code today.",
        "Call us any time.",
        "Rest often.",
    ]
    spoken = help_.segments[1].spoken
    assert "QR" not in spoken and "scan" not in spoken and spoken.endswith("today.")
    assert [s.block for s in help_.segments[1:]] == ["p1", "p1", "ul1.2"]


def test_visual_span_cut_by_a_sentence_break_stays_paired() -> None:
    text = "Go. \ue000Scan it. It is here.\ue001 Then go."
    assert split_sentences(text) == [
        "Go.",
        "\ue000Scan it.\ue001",
        "\ue000It is here.\ue001",
        "Then go.",
    ]


def test_a_bold_lead_in_of_a_paragraph_is_said(tmp_path: Path) -> None:
    path = _sheet(tmp_path, "## Medicines\n\n**Note:** take them with food.\n")
    script = narrate(load_factsheet(path), Lexicon(Path("l.yaml"), ()), VoiceSettings(), "x", "h")
    chapter = next(c for c in script.chapters if c.id == "medicines")
    assert [(s.display, s.strong, s.block) for s in chapter.segments[1:]] == [
        ("Note:", True, "p1"),
        ("take them with food.", False, "p1"),
    ]
