"""The command line: help on every command, exit codes, and errors without tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FACTSHEET, write_project
from imnm_audio.cli import main

COMMANDS = ["import", "script", "build", "voices", "cache"]


def cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process; `env` adds to this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "imnm_audio", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        timeout=600,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    done = cli(command, "--help")
    assert done.returncode == 0
    assert "usage: imnm-audio " + command in done.stdout


def test_no_command_prints_help_and_exits_2() -> None:
    done = cli()
    assert done.returncode == 2 and "usage:" in done.stdout


def test_bad_yaml_exits_2_with_one_message_and_no_traceback(tmp_path: Path) -> None:
    write_project(tmp_path, factsheet=FACTSHEET.replace("language:", "langauge:"))
    done = cli("script", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: content/tcf/factsheet.md, line 5:")
    assert "Did you mean 'language'?" in done.stderr
    assert not (tmp_path / "scripts").exists()


def test_verbose_twice_shows_the_traceback_for_maintainers(tmp_path: Path) -> None:
    write_project(tmp_path, factsheet=FACTSHEET.replace("language:", "langauge:"))
    done = cli("script", "-vv", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" in done.stderr


def test_missing_content_folder_says_how_to_fix(tmp_path: Path) -> None:
    done = cli("build", "--content", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert done.returncode == 2
    assert "content folder does not exist" in done.stderr and "--content" in done.stderr


def test_unknown_slug_lists_the_known_ones(tmp_path: Path) -> None:
    write_project(tmp_path)
    done = cli("script", "other", cwd=tmp_path)
    assert done.returncode == 2 and "Known factsheets: tcf" in done.stderr


def test_folders_can_be_given_from_anywhere(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project")
    code = main(
        [
            "script",
            "-q",
            "--content",
            str(root / "content"),
            "--scripts",
            str(tmp_path / "elsewhere"),
        ]
    )
    assert code == 0 and (tmp_path / "elsewhere" / "tcf.yaml").is_file()


def test_output_cut_short_by_a_pipe_is_not_an_error() -> None:
    done = subprocess.run(
        f"{sys.executable} -m imnm_audio voices | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.startswith("hibari") and "Traceback" not in done.stderr


def test_cache_info_and_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    from imnm_audio.cache import ClipCache
    from imnm_audio.engines.base import Clip

    ClipCache(tmp_path).put("ab" * 32, Clip(np.zeros(100, dtype=np.int16), 22050))
    assert main(["cache", "info", "--cache", str(tmp_path)]) == 0
    assert ": 1 entries (clips and encoded audio)," in capsys.readouterr().out
    ClipCache(tmp_path).put_bytes("cd" * 32, ".mp3", b"frames")
    assert main(["cache", "info", "--cache", str(tmp_path)]) == 0
    assert ": 2 entries (clips and encoded audio)," in capsys.readouterr().out
    assert main(["cache", "clear", "--cache", str(tmp_path)]) == 0
    assert "Removed 2 entries" in capsys.readouterr().out
    assert main(["cache", "info", "--cache", str(tmp_path)]) == 0
    assert ": 0 entries" in capsys.readouterr().out


def test_serve_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    done = cli("serve", "--out", str(tmp_path / "audio"))
    assert done.returncode == 2
    assert "nothing to serve yet" in done.stderr and "imnm-audio build" in done.stderr
