"""Writing a lexicon entry from the studio: comments, order and other entries kept; the
same term replaced where it stands; a refused entry leaves the file as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from imnm_audio.content.lexicon import load_lexicon
from imnm_audio.content.lexicon_edit import set_entry
from imnm_audio.errors import ContentError


@pytest.fixture
def lexicon(tmp_path: Path) -> Path:
    path = tmp_path / "lexicon.yaml"
    shutil.copy(REPO / "content" / "lexicon.yaml", path)
    return path


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_a_new_entry_goes_after_the_last_and_keeps_every_comment(lexicon: Path) -> None:
    assert "ocrelizumab" not in [t.term for t in load_lexicon(lexicon).terms]
    before = lexicon.read_text(encoding="utf-8")
    count = len(load_lexicon(lexicon).terms)
    set_entry(lexicon, "ocrelizumab", "ok-reh-LIZ-yoo-mab", "Tried: heard 3 of 3.")
    after = lexicon.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # nothing before it moved
    assert comments(after) == comments(before)
    terms = load_lexicon(lexicon).terms
    assert len(terms) == count + 1
    assert (terms[-1].term, terms[-1].say, terms[-1].note) == (
        "ocrelizumab",
        "ok-reh-LIZ-yoo-mab",
        "Tried: heard 3 of 3.",
    )


def test_the_same_term_is_replaced_where_it_stands(lexicon: Path) -> None:
    old = load_lexicon(lexicon)
    index = next(i for i, t in enumerate(old.terms) if t.term == "azathioprine")
    before = lexicon.read_text(encoding="utf-8")
    set_entry(lexicon, "Azathioprine".lower(), "AZ-uh-THY-oh-preen", None)
    new = load_lexicon(lexicon)
    assert [t.term for t in new.terms] == [t.term for t in old.terms]
    entry = new.terms[index]
    assert entry.say == "AZ-uh-THY-oh-preen"
    assert entry.note == old.terms[index].note  # no new note: the old one kept
    assert entry.match_case is False  # a key the studio does not edit, kept
    assert comments(lexicon.read_text(encoding="utf-8")) == comments(before)
    others = [t for i, t in enumerate(new.terms) if i != index]
    assert others == [t for i, t in enumerate(old.terms) if i != index]


def test_engine_forms_of_a_replaced_entry_are_kept(lexicon: Path) -> None:
    old = next(t for t in load_lexicon(lexicon).terms if t.engines)
    set_entry(lexicon, old.term, "something else", "changed")
    new = next(t for t in load_lexicon(lexicon).terms if t.term == old.term)
    assert new.engines == old.engines and new.say == "something else"


def test_a_refused_entry_leaves_the_file_as_it_was(lexicon: Path) -> None:
    before = lexicon.read_bytes()
    with pytest.raises(ContentError, match="TODO"):
        set_entry(lexicon, "ocrelizumab", "TODO", None)
    with pytest.raises(ContentError, match="unbalanced"):
        set_entry(lexicon, "ocrelizumab", "[[ ɒkrəlɪzjʊmæb", None)
    assert lexicon.read_bytes() == before
    assert sorted(p.name for p in lexicon.parent.iterdir()) == ["lexicon.yaml"]


def test_quotes_and_colons_in_a_note_survive(lexicon: Path) -> None:
    set_entry(lexicon, "A&E", "A and E", 'Heard: "A and E" 3 of 3; # not a comment')
    entry = next(t for t in load_lexicon(lexicon).terms if t.term == "A&E")
    assert entry.note == 'Heard: "A and E" 3 of 3; # not a comment'


def test_an_entry_in_another_language_is_its_own(lexicon: Path) -> None:
    set_entry(lexicon, "azathioprine", "a-sa-tio-PRI-na", "es", language="es")
    terms = [t for t in load_lexicon(lexicon).terms if t.term == "azathioprine"]
    assert sorted(t.language for t in terms) == ["en", "es"]


def test_an_entry_taken_out_leaves_the_others_and_the_comments(lexicon: Path) -> None:
    from imnm_audio.content.lexicon_edit import remove_entry

    old = load_lexicon(lexicon)
    before = lexicon.read_text(encoding="utf-8")
    remove_entry(lexicon, "azathioprine")
    new = load_lexicon(lexicon)
    assert [t.term for t in new.terms] == [t.term for t in old.terms if t.term != "azathioprine"]
    assert [t for t in new.terms] == [t for t in old.terms if t.term != "azathioprine"]
    after = lexicon.read_text(encoding="utf-8")
    assert "azathioprine" not in after.lower().replace("# azathioprine", "")
    kept = [c for c in comments(before) if "azathioprine" not in c.lower()]
    assert [c for c in comments(after) if "azathioprine" not in c.lower()] == kept
    with pytest.raises(ContentError, match="no entry for 'azathioprine'"):
        remove_entry(lexicon, "azathioprine")
    assert lexicon.read_text(encoding="utf-8") == after


def test_the_last_entry_taken_out_leaves_a_lexicon_the_build_takes(tmp_path: Path) -> None:
    from imnm_audio.content.lexicon_edit import remove_entry

    path = tmp_path / "lexicon.yaml"
    path.write_text('# words\nterms:\n  - term: "IMNM"\n    say: "I M N M"\n', encoding="utf-8")
    remove_entry(path, "IMNM")
    assert load_lexicon(path).terms == () or list(load_lexicon(path).terms) == []
    assert path.read_text(encoding="utf-8").startswith("# words\n")
