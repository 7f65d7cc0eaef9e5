"""Loading content: what is read, and every mistake a user can make, with its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FACTSHEET, LEXICON, PODCAST, write_project
from imnm_audio.content import (
    BulletList,
    Paragraph,
    load_factsheet,
    load_lexicon,
    load_podcast,
    load_project,
)
from imnm_audio.errors import ContentError

REPO = Path(__file__).resolve().parents[1]


def factsheet_error(tmp_path: Path, text: str) -> ContentError:
    write_project(tmp_path, factsheet=text)
    with pytest.raises(ContentError) as caught:
        load_factsheet(tmp_path / "content" / "tcf" / "factsheet.md")
    return caught.value


def test_imnm_factsheet_has_the_five_question_sections_in_order() -> None:
    sheet = load_factsheet(REPO / "content" / "imnm" / "factsheet.md")
    assert [s.title for s in sheet.sections] == [
        "What is IMNM?",
        "What are the symptoms of IMNM?",
        "How is IMNM diagnosed?",
        "How is IMNM managed?",
        "Where can I find more information?",
    ]
    assert sheet.meta.language == "en-US"
    assert sheet.meta.resources[0].url.startswith("https://")


def test_imnm_factsheet_keeps_the_original_wording() -> None:
    seed = REPO.parent / "shared" / "seeds" / "imnm-factsheet.txt"
    if not seed.exists():
        pytest.skip("../shared/seeds is not beside the repository")
    original = " ".join(seed.read_text(encoding="utf-8").replace("**", "").split())
    sheet = load_factsheet(REPO / "content" / "imnm" / "factsheet.md")
    for section in sheet.sections:
        assert section.title in original
        for block in section.blocks:
            texts = (
                [block.text]
                if isinstance(block, Paragraph)
                else [f"{i.lead} {i.text}" if i.lead else i.text for i in block.items]
                if isinstance(block, BulletList)
                else []
            )
            for text in texts:
                assert text in original, text


def test_bold_lead_ins_become_list_item_leads(project: Path) -> None:
    sheet = load_factsheet(project / "content" / "tcf" / "factsheet.md")
    items = [b for b in sheet.sections[1].blocks if isinstance(b, BulletList)][0].items
    assert [(i.lead, i.text) for i in items] == [
        ("Rest.", "Sleep helps."),
        ("Medicine.", "IV fluids may be given."),
    ]


def test_section_ids_come_from_headings(project: Path) -> None:
    sheet = load_factsheet(project / "content" / "tcf" / "factsheet.md")
    assert [s.id for s in sheet.sections] == ["what-is-tcf", "how-is-tcf-treated"]


def test_bare_web_address_in_text_is_collected_as_a_section_url(tmp_path: Path) -> None:
    write_project(
        tmp_path, factsheet=FACTSHEET.replace("It is not real.", "See www.example.org/tcf today.")
    )
    sheet = load_factsheet(tmp_path / "content" / "tcf" / "factsheet.md")
    assert sheet.sections[0].urls == ("https://www.example.org/tcf",)


def test_misspelt_front_matter_field_is_named_with_a_suggestion(tmp_path: Path) -> None:
    err = factsheet_error(tmp_path, FACTSHEET.replace("language:", "langauge:"))
    text = err.render()
    assert "factsheet.md, line 5" in text
    assert "'langauge' is not a known field" in text
    assert "Did you mean 'language'?" in text


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    err = factsheet_error(tmp_path, FACTSHEET.replace("organisation: Test Charity\n", ""))
    assert "has no 'organisation'" in err.render()


def test_wrong_type_is_named(tmp_path: Path) -> None:
    err = factsheet_error(tmp_path, FACTSHEET.replace("episode: 3", "episode: three"))
    assert "'episode' in the front matter must be a whole number" in err.render()
    assert err.line == 9


def test_web_address_without_http_is_refused(tmp_path: Path) -> None:
    err = factsheet_error(
        tmp_path, FACTSHEET.replace("https://www.example.org/help", "javascript:alert(1)")
    )
    assert "is not a valid web address" in err.render()


def test_duplicate_section_headings_are_refused(tmp_path: Path) -> None:
    err = factsheet_error(tmp_path, FACTSHEET.replace("## How is TCF treated?", "## What is TCF?"))
    assert "two sections have the same heading, 'What is TCF?'" in err.render()
    assert err.line is not None and err.line > 15


def test_long_headings_that_begin_alike_get_their_own_ids(tmp_path: Path) -> None:
    """Section ids are the heading's first 60 letters: two long headings that share
    them are different sections, numbered, not an error."""
    start = "Chapter 2: appointment, qualifications, percentage fee and compensation"
    body = FACTSHEET.replace("## What is TCF?", f"## {start} of trustees").replace(
        "## How is TCF treated?", f"## {start} of their staff"
    )
    path = tmp_path / "tcf" / "factsheet.md"
    path.parent.mkdir()
    path.write_text(body, encoding="utf-8")
    ids = [s.id for s in load_factsheet(path).sections]
    assert len(set(ids)) == len(ids)
    assert ids[0].startswith("chapter-2-appointment") and ids[1].endswith("-2")


def test_empty_section_is_refused(tmp_path: Path) -> None:
    err = factsheet_error(tmp_path, FACTSHEET + "\n## Empty heading?\n")
    assert "the section 'Empty heading?' has no text" in err.render()


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    err = factsheet_error(tmp_path, FACTSHEET.replace("short_title: TCF", "short_title: [TCF"))
    assert "is not valid YAML" in err.render()
    assert err.line is not None


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    bomb = FACTSHEET.replace("short_title: TCF", "short_title: &a TCF\nauthor: *a")
    assert "anchors and aliases" in factsheet_error(tmp_path, bomb).render()


def test_yaml_object_tags_are_refused(tmp_path: Path) -> None:
    tagged = FACTSHEET.replace("short_title: TCF", "short_title: !!python/object:os.system x")
    assert "is not valid YAML" in factsheet_error(tmp_path, tagged).render()


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    write_project(tmp_path)
    path = tmp_path / "content" / "tcf" / "factsheet.md"
    path.write_bytes(FACTSHEET.replace("made-up", "caf\xe9").encode("latin-1"))
    with pytest.raises(ContentError, match="not UTF-8"):
        load_factsheet(path)


def test_missing_front_matter_is_explained(tmp_path: Path) -> None:
    err = factsheet_error(tmp_path, "# Title\n\n## Q?\n\nText.\n")
    assert "does not start with YAML front matter" in err.render()


def test_text_before_the_first_section_is_refused(tmp_path: Path) -> None:
    err = factsheet_error(
        tmp_path, FACTSHEET.replace("## What is TCF?", "Stray text.\n\n## What is TCF?")
    )
    assert "text before the first section heading" in err.render()


def test_code_blocks_cannot_be_read_aloud(tmp_path: Path) -> None:
    err = factsheet_error(tmp_path, FACTSHEET + "\n```\ncode\n```\n")
    assert "a code block cannot be read aloud" in err.render()


def test_missing_factsheet_names_the_expected_path(project: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_project(project / "content", ["nope"])
    assert "content/nope/factsheet.md" in caught.value.render()
    assert "Known factsheets: tcf" in caught.value.render()


def test_podcast_settings_are_read(project: Path) -> None:
    podcast = load_podcast(project / "content" / "podcast.yaml")
    assert podcast.categories == (("Health & Fitness", "Medicine"),)
    assert podcast.audio.target_lufs == -19.0
    assert podcast.base_url == "https://example.org/audio/"


def test_stereo_targets_minus_sixteen_lufs(tmp_path: Path) -> None:
    write_project(tmp_path, podcast=PODCAST.replace("channels: 1", "channels: 2"))
    assert load_podcast(tmp_path / "content" / "podcast.yaml").audio.target_lufs == -16.0


def test_podcast_base_url_must_be_http(tmp_path: Path) -> None:
    write_project(tmp_path, podcast=PODCAST.replace("https://example.org/audio/", "ftp://x/"))
    with pytest.raises(ContentError, match="'base_url'.*not a valid web address"):
        load_podcast(tmp_path / "content" / "podcast.yaml")


def test_podcast_unknown_nested_key_is_named(tmp_path: Path) -> None:
    write_project(tmp_path, podcast=PODCAST.replace("  rate: 1.0", "  rat: 1.0"))
    with pytest.raises(ContentError, match="'rat' is not a known field of 'voice'.*'rate'"):
        load_podcast(tmp_path / "content" / "podcast.yaml")


def test_lexicon_duplicate_term_is_refused(tmp_path: Path) -> None:
    write_project(tmp_path, lexicon=LEXICON + "  - term: TCF\n    say: tee see eff\n")
    with pytest.raises(ContentError, match="'TCF' is in the lexicon twice"):
        load_lexicon(tmp_path / "content" / "lexicon.yaml")


def test_lexicon_unbalanced_phonemes_are_refused(tmp_path: Path) -> None:
    write_project(tmp_path, lexicon=LEXICON + '  - term: x\n    say: "[[ ɛks"\n')
    with pytest.raises(ContentError, match="unbalanced phoneme brackets"):
        load_lexicon(tmp_path / "content" / "lexicon.yaml")


def test_imnm_lexicon_covers_the_terms_engines_misread() -> None:
    lexicon = load_lexicon(REPO / "content" / "lexicon.yaml")
    terms = {t.term for t in lexicon.terms}
    assert {
        "IMNM",
        "NAM",
        "IIM",
        "HMGCR",
        "SRP",
        "CK",
        "MRI",
        "EMG",
        "IV",
        "IVIG",
        "rituximab",
        "statins",
        "and/or",
        "www.understandingmyositis.org",
        "Immune-Mediated",
    } <= terms


def test_control_characters_in_the_text_are_dropped(tmp_path: Path) -> None:
    write_project(
        tmp_path, factsheet=FACTSHEET.replace("It is not real.", "It is \x1b[31mnot\x07 real.")
    )
    sheet = load_factsheet(tmp_path / "content" / "tcf" / "factsheet.md")
    assert "It is [31mnot real." in sheet.sections[0].blocks[0].text


def test_a_section_may_be_called_introduction(tmp_path: Path) -> None:
    """The narration has chapters of its own called introduction and closing (and, on the
    hold line, welcome): a factsheet's "## Introduction" is a section with its own id."""
    path = tmp_path / "tcf" / "factsheet.md"
    path.parent.mkdir()
    path.write_text(FACTSHEET.replace("## What is TCF?", "## Introduction"), encoding="utf-8")
    sections = load_factsheet(path).sections
    assert sections[0].title == "Introduction" and sections[0].id == "introduction-section"
