"""Scripts on disk: round trip, staleness, hand edits, and the committed IMNM script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from imnm_audio.build import script_source_hash
from imnm_audio.cli import main
from imnm_audio.content import load_project
from imnm_audio.errors import ContentError
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


def test_lexicon_change_makes_the_script_stale(project: Path) -> None:
    run(project, "script", "-q")
    lexicon = project / "content" / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text().replace("say: T C F", "say: tee see eff"))
    assert run(project, "script", "--check") == 1


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
