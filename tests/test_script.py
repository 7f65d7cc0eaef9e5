"""Scripts on disk: round trip, staleness, hand edits, and the committed IMNM script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import folders
from imnm_audio.cli import main
from imnm_audio.content import load_project
from imnm_audio.errors import ContentError
from imnm_audio.pipeline import script_source_hash
from imnm_audio.script import dump_script, load_script

REPO = Path(__file__).resolve().parents[1]


def run(project: Path, *args: str) -> int:
    return main(
        [*args, "--content", str(project / "content"), "--scripts", str(project / "scripts")]
    )


def test_script_round_trips_through_yaml(project: Path) -> None:
    assert run(project, "script", "-q") == 0
    path = project / "scripts" / "tcf.yaml"
    script = load_script(path)
    assert dump_script(script) == path.read_text(encoding="utf-8")
    assert not script.edited_by_hand


def test_check_passes_on_fresh_scripts(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(project, "script", "-q")
    assert run(project, "script", "--check") == 0
    assert "Scripts up to date: 1." in capsys.readouterr().out


def test_check_fails_and_names_a_missing_script(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(project, "script", "--check") == 1
    assert "tcf.yaml: missing" in capsys.readouterr().out


def test_check_fails_and_names_a_stale_script(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "script", "-q")
    sheet = project / "content" / "tcf" / "factsheet.md"
    sheet.write_text(sheet.read_text().replace("It is not real.", "It is imaginary."))
    assert run(project, "script", "--check") == 1
    assert "tcf.yaml: stale" in capsys.readouterr().out


def test_a_new_lexicon_term_makes_the_script_stale(project: Path) -> None:
    """A new term changes the script's words ({condition}): a person must review them."""
    run(project, "script", "-q")
    lexicon = project / "content" / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text() + "  - term: condition\n    say: con-DISH-un\n")
    assert run(project, "script", "--check") == 1


def test_a_pronunciation_change_leaves_the_reviewed_script_fresh(project: Path) -> None:
    """How a term sounds lives in the lexicon, not in the script: its words stay the same,
    so there is nothing new in it to review (the build re-synthesises the clips)."""
    run(project, "script", "-q")
    before = (project / "scripts" / "tcf.yaml").read_text()
    lexicon = project / "content" / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text().replace("say: T C F", "say: tee see eff"))
    assert run(project, "script", "--check") == 0
    assert "{TCF}" in before


def test_an_old_format_script_is_refused_with_the_command_that_migrates_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "script", "-q")
    path = project / "scripts" / "tcf.yaml"
    path.write_text(path.read_text().replace("format: 2", "format: 1"))
    assert main(["build", "--formats", "none", *folders(project)]) == 2
    err = capsys.readouterr().err
    assert "tcf.yaml, line" in err and "imnm-audio script --migrate" in err


def test_stale_script_is_regenerated_when_not_edited(project: Path) -> None:
    run(project, "script", "-q")
    sheet = project / "content" / "tcf" / "factsheet.md"
    sheet.write_text(sheet.read_text().replace("It is not real.", "It is imaginary."))
    assert run(project, "script", "-q") == 0
    text = (project / "scripts" / "tcf.yaml").read_text()
    assert "It is imaginary." in text and "It is not real." not in text


def test_hand_edited_stale_script_is_not_overwritten(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "script", "-q")
    path = project / "scripts" / "tcf.yaml"
    path.write_text(path.read_text().replace("spoken: It is not real.", "spoken: It is fake."))
    assert load_script(path).edited_by_hand
    sheet = project / "content" / "tcf" / "factsheet.md"
    sheet.write_text(sheet.read_text().replace("made-up", "invented"))
    assert run(project, "script") == 1
    err = capsys.readouterr().err
    assert "edited by hand" in err and "--force" in err
    assert "It is fake." in path.read_text()
    assert run(project, "script", "--check") == 1
    assert run(project, "script", "-q", "--force") == 0
    assert "It is fake." not in path.read_text()


def test_hand_edited_fresh_script_is_kept(project: Path) -> None:
    run(project, "script", "-q")
    path = project / "scripts" / "tcf.yaml"
    path.write_text(path.read_text().replace("spoken: It is not real.", "spoken: It is fake."))
    assert run(project, "script", "-q") == 0
    assert "It is fake." in path.read_text()


def test_script_with_a_bad_chapter_id_is_refused(project: Path) -> None:
    run(project, "script", "-q")
    path = project / "scripts" / "tcf.yaml"
    path.write_text(path.read_text().replace("- id: what-is-tcf", "- id: ../../etc"))
    with pytest.raises(ContentError, match="not usable as a file name"):
        load_script(path)


def test_committed_imnm_script_is_fresh() -> None:
    project = load_project(REPO / "content", ["imnm"])
    script = load_script(REPO / "scripts" / "imnm.yaml")
    assert script.source_hash == script_source_hash(project, project.factsheets[0]), (
        "scripts/imnm.yaml is stale: run 'imnm-audio script', review and commit it"
    )


def test_command_line_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "imnm_audio", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("imnm-audio ")


def _as_format_1(project: Path, edit: tuple[str, str] | None = None) -> Path:
    """The project's script as imnm-audio wrote it before format 2: Piper's forms in
    'spoken', and the source hash of that version (narration rules 4, the lexicon's
    text)."""
    import hashlib
    import json
    from dataclasses import asdict

    from imnm_audio.pronounce import render

    path = project / "scripts" / "tcf.yaml"
    loaded = load_project(project / "content")
    script = load_script(path)
    old_hash = hashlib.sha256(
        json.dumps(
            {
                "factsheet": loaded.factsheets[0].source_hash,
                "lexicon": (project / "content" / "lexicon.yaml").read_text(encoding="utf-8"),
                "voice": asdict(script.voice),
                "rules": 4,
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()
    text = path.read_text()
    for segment in script.segments:
        old = render(segment.spoken, loaded.lexicon, "piper")
        text = text.replace(f"spoken: {segment.spoken}\n", f"spoken: {old}\n")
        text = text.replace(f"spoken: '{segment.spoken}'\n", f"spoken: '{old}'\n")
    if edit:
        text = text.replace(*edit)
    text = text.replace("format: 2", "format: 1").replace(script.source_hash, old_hash)
    path.write_text(text)
    return path


def test_migrating_an_unedited_script_gives_the_script_narration_writes_now(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "content" / "lexicon.yaml").write_text(
        (project / "content" / "lexicon.yaml").read_text()
        + "  - term: imaginary\n    say: ih-MA-jin-airy\n"
        + "    engines:\n      piper: '[[ ɪmˈædʒɪnˌɛɹi ]]'\n"
    )
    sheet = project / "content" / "tcf" / "factsheet.md"
    sheet.write_text(sheet.read_text().replace("It is not real.", "It is imaginary."))
    run(project, "script", "-q")
    fresh = (project / "scripts" / "tcf.yaml").read_text()
    path = _as_format_1(project)
    assert "[[ ɪmˈædʒɪnˌɛɹi ]]" in path.read_text()
    assert run(project, "script", "--migrate") == 0
    assert "tcf.yaml: migrated to format 2\n" in capsys.readouterr().out
    assert path.read_text() == fresh  # terms marked again, fresh and not edited by hand
    assert run(project, "script", "--check") == 0


def test_migrating_keeps_hand_edits_and_marks_their_terms(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "script", "-q")
    path = _as_format_1(project, ("spoken: It is not real.", "spoken: T C F is not real at all."))
    assert run(project, "script", "--migrate") == 0
    assert "1 segment edited by hand kept" in capsys.readouterr().out
    script = load_script(path)
    spoken = [s.spoken for s in script.segments]
    assert "{TCF} is not real at all." in spoken  # the edit, its lexicon form marked
    assert not any("[[" in s for s in spoken)
    assert script.edited_by_hand
    assert run(project, "script", "-q") == 0  # fresh: nothing to regenerate, edit kept
    assert "{TCF} is not real at all." in path.read_text()


def test_a_marked_term_the_lexicon_lacks_is_named_before_any_synthesis(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "script", "-q")
    path = project / "scripts" / "tcf.yaml"
    path.write_text(path.read_text().replace("spoken: It is not real.", "spoken: It is {unreal}."))
    assert main(["build", "--formats", "none", "--no-cache", *folders(project)]) == 2
    err = capsys.readouterr().err
    assert "marks {unreal} as a lexicon term, but the lexicon has no entry for it" in err
    assert "lexicon.yaml" in err and "remove the braces" in err
    assert not (project / "audio" / "tcf").exists()
