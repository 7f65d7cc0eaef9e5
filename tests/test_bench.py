"""The benchmark script keeps working: one quick run on a reworded copy (no timing asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import run as bench  # noqa: E402


def test_reworded_copies_share_no_sentence() -> None:
    text = (REPO / "content" / "imnm" / "factsheet.md").read_text()
    one, two = bench.reword(text, 0), bench.reword(text, 1)
    body_one = set(one.split("\n---\n", 1)[1].split(". "))
    body_two = set(two.split("\n---\n", 1)[1].split(". "))
    assert "in sheet one." in one and not body_one & body_two - {""}


def test_report_has_every_figure_and_ratio() -> None:
    engine = {"warm": 0.5, "edit": 1.5, "rss": 380, "speech": 270.0, "audio": 480.0}
    rows = {
        "engines": {
            "hibari": {**engine, "floor": 4.0, "cold": 7.0},
            "piper": {**engine, "floor": 10.0, "cold": 12.0},
        },
        "scaling": [(1, 2.0, 370, 0.6, 120), (20, 2.1, 380, 1.4, 160)],
        "check": {"bare": 20.0, "bare_rss": 400, "check": 32.0, "check_rss": 520},
        "import": {
            "leaflet": {"pages": 20, "seconds": 3.0, "bare": 1.5, "peak_mb": 190, "exit": 0},
            "long": {"pages": 117, "seconds": 21.0, "bare": 7.0, "peak_mb": 520, "exit": 0},
            "corpus": {
                "who/guideline.pdf": {"pages": 125, "seconds": 16.4, "peak_mb": 188, "exit": 0}
            },
        },
    }
    text = bench.report(rows, 3)
    hibari, piper = text.split("### hibari")[1].split("### piper")
    assert "| floor: raw hibari synthesis | 4.00 s | | 1.00 | |" in hibari
    assert "| cold build (empty cache) | 7.00 s | ≤ 1.5 × floor | 1.75 | **missed** |" in hibari
    assert "| cold build (empty cache) | 12.00 s | ≤ 1.25 × floor | 1.20 | met |" in piper
    assert "| one-sentence edit (script + build) | 1.50 s | ≤ 15 % of cold | 12% | met |" in piper
    assert "| peak memory of the cold build | 380 MB | ≤ 400 MB | | met |" in piper
    assert "| 20 | 2.10 s | 380 MB | 1.40 s | 160 MB |" in text
    assert "380 MB at most, 10 MB between the fewest and the most factsheets (met" in text
    assert "| the whole check | 32.00 s | ≤ 1.5 × bare | 1.60 | **missed** |" in text
    assert "| import of the 20-page PDF | 3.00 s | < 5 s | 2.00 | met |" in text
    assert "| import of the 117-page PDF | 21.00 s | < 20 s | 3.00 | **missed** |" in text
    assert "| its peak memory | 520 MB | < 500 MB | | **missed** |" in text
    assert "| guideline.pdf | 125 | 16.4 s | 188 MB | met |" in text


def test_the_import_benchmark_imports_a_real_20_page_pdf() -> None:
    import import_speed

    figures = import_speed.measure(1, long_pages=4)
    leaflet, long = figures["leaflet"], figures["long"]
    assert leaflet["pages"] >= 20 and long["pages"] >= 4 and figures["corpus"] == {}
    assert leaflet["exit"] == 0 and leaflet["seconds"] > leaflet["bare"] > 0
    # The reading process's memory is in the peak (pdfplumber alone holds ~60 MB).
    assert leaflet["peak_mb"] > 100


def test_the_check_is_timed_against_bare_recognition_of_the_same_episode(
    built: Path, tmp_path: Path
) -> None:
    import check_speed

    from conftest import copy_project

    figures = check_speed.check_against_bare(copy_project(built, tmp_path / "p"), "tcf")
    assert figures["check"] > figures["bare"] > 0 and figures["check_rss"] > 100


@pytest.mark.parametrize("engine", bench.ENGINES)
def test_floor_synthesises_real_speech(engine: str) -> None:
    texts = [("Hello there.", 1.0), ("Slowly {IMNM} now.", 0.85)]
    seconds, speech = bench.floor_seconds(texts, engine)
    assert seconds > 0 and speech > 1.0


def test_rewriting_the_report_keeps_the_hand_written_notes(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    assert bench.NOTES in bench.kept_notes(report)  # no report yet: the marker alone
    report.write_text(f"# old table\n\n{bench.NOTES}\n\nProfile: Piper 15 s.\n")
    kept = bench.kept_notes(report)
    assert "Profile: Piper 15 s." in kept and "old table" not in kept
