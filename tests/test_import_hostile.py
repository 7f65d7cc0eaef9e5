"""`imnm-audio import` on what charities and attackers actually send: bombs and huge
pages are refused within the limits, text nobody sees never reaches a factsheet, only
web, mail and phone links survive, nothing from a file name or a document reaches the
YAML unescaped, and real leaflet structure (numbered question headings, capitals, small
capitals, cover pages, running headers with page numbers, footnotes, tables, sideways
and mirrored pages) comes out as a factsheet the script takes. Every document is made
here (tests/hostile.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

import hostile
from conftest import REPO
from imnm_audio.cli import main
from imnm_audio.content import BulletList, load_factsheet
from imnm_audio.importer import limits


@pytest.fixture
def project(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    for name in ("podcast.yaml", "lexicon.yaml"):
        shutil.copy(REPO / "content" / name, content / name)
    return tmp_path


def run_import(
    source: Path, project: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    code = main(["import", str(source), "--content", str(project / "content"), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def written(project: Path) -> list[Path]:
    return sorted((project / "content").glob("*/factsheet.md"))


def front_and_body(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def fill_in(path: Path) -> None:
    """What a person does: every placeholder written (front matter and opening heading)."""
    values = {
        "title": "A leaflet",
        "short_title": "Leaflet",
        "organisation": "A charity",
        "language": "en-GB",
        "source_url": "https://www.example.org/",
        "summary": "What the leaflet says.",
        "published": "2026-11-24",
    }
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key = line.split(":", 1)[0]
        if line.startswith("## TODO (import)"):
            line = "## About this leaflet"
        elif "TODO (import)" in line and not line.startswith("#"):
            line = f"{key}: {values[key]}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def script_takes(path: Path, project: Path) -> None:
    fill_in(path)
    slug = path.parent.name
    assert (
        main(
            [
                "script",
                slug,
                "--content",
                str(project / "content"),
                "--scripts",
                str(project / "scripts"),
                "-q",
            ]
        )
        == 0
    )


# ---------------------------------------------------------------- bombs and limits


def deep_docx(path: Path) -> Path:
    return hostile.deep_docx(path, depth=20_000)  # under the inflation limit: the XML's


@pytest.mark.parametrize(
    "make, suffix, says",
    [
        (
            hostile.zip_bomb_docx,
            ".docx",
            "part word/document.xml unpacks to more than 40 MB (296 MB or more)",
        ),
        (hostile.lying_bomb_docx, ".docx", "the zip is damaged"),
        (
            hostile.many_runs_docx,
            ".docx",
            "this Word document has 2,289,135 characters in 300,002 differently formatted",
        ),
        (hostile.entity_docx, ".docx", "declares its own entities (a DTD)"),
        (hostile.malformed_docx, ".docx", "its XML is damaged"),
        (deep_docx, ".docx", "its XML is damaged"),
        (hostile.many_pages_pdf, ".pdf", "this PDF has 1000 pages; imnm-audio imports at most"),
        (hostile.huge_page_pdf, ".pdf", "page 1 has more than 40,000 characters"),
        (hostile.stream_bomb_pdf, ".pdf", "page 1 has more than 16 MB of drawing instructions"),
    ],
    ids=[
        "zip-bomb",
        "lying-zip-bomb",
        "300000-runs",
        "entities",
        "malformed",
        "deep",
        "1000-pages",
        "huge-page",
        "stream-bomb",
    ],
)
def test_a_bomb_or_an_oversized_document_is_refused_naming_the_limit(
    make, suffix: str, says: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make(tmp_path / f"hostile{suffix}")
    code, _, err = run_import(source, project, capsys)
    assert code == 2, err
    assert says in err and "Traceback" not in err
    assert str(source.name) in err.splitlines()[0]
    assert written(project) == []


def test_the_reading_is_stopped_at_its_time_and_memory_limits(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """The child process that reads a file is watched: past the time or the memory it
    is given, it is stopped and the user told which limit and what to do."""
    source = hostile.leaflet_pdf(tmp_path / "leaflet.pdf")
    monkeypatch.setattr(limits, "TIME_LIMIT", 0.05)
    code, _, err = run_import(source, project, capsys)
    assert code == 2 and "took more than 0 seconds, so it was stopped" in err
    assert "A factsheet is a few pages" in err
    monkeypatch.setattr(limits, "TIME_LIMIT", 45.0)
    monkeypatch.setattr(limits, "MEMORY_LIMIT", 8 * limits.MB)
    code, _, err = run_import(source, project, capsys)
    assert code == 2 and "needed more than 8 MB of memory" in err
    assert written(project) == []


# ------------------------------------------------------------- only what a reader sees


def test_hidden_text_in_a_pdf_is_left_out_and_counted(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = hostile.hidden_text_pdf(tmp_path / "hidden.pdf")
    code, out, _ = run_import(source, project, capsys, "--slug", "hidden")
    assert code == 0
    text = " ".join(written(project)[0].read_text(encoding="utf-8").split())
    assert "0900" not in text and "cure" not in text and "DRAFT" not in text
    # What a reader does see stays: white on a dark box, and the text after the stamps.
    assert "Keep this leaflet: you may need to read it again." in text
    assert "Ask your pharmacist" in text
    for reason in (
        "in the colour of the background",
        "smaller than 2 points",
        "outside the page",
        "clipped away",
        "drawn invisibly",
        "set at an angle",
    ):
        assert re.search(rf"\d+ characters {re.escape(reason)}[^;]*\(page 1\)", out), reason
    script_takes(written(project)[0], project)


def test_an_ocr_layer_over_its_picture_is_kept(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ocrmypdf writes the recognised text invisibly over the scan: a reader sees the
    picture of that text, so it is imported (and invisible text elsewhere is not)."""
    source = hostile.ocr_layer_pdf(tmp_path / "scan-with-text.pdf")
    code, _, err = run_import(source, project, capsys, "--slug", "scan")
    assert code == 0, err
    text = " ".join(written(project)[0].read_text(encoding="utf-8").split())
    assert "calms the immune system" in text and "0900" not in text


def test_hidden_text_in_a_word_document_is_left_out(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = hostile.hidden_docx(tmp_path / "hidden.docx")
    code, out, _ = run_import(source, project, capsys, "--slug", "hidden")
    assert code == 0
    text = " ".join(written(project)[0].read_text(encoding="utf-8").split())
    assert "0900" not in text and "Keep this leaflet." in text
    assert re.search(r"\d+ characters a reader of the document cannot see", out)


def test_a_hostile_page_gives_no_hidden_text_no_script_link_and_not_another_site(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = hostile.hostile_page(tmp_path / "page.html")
    code, out, _ = run_import(source, project, capsys, "--slug", "page")
    assert code == 0
    path = written(project)[0]
    text = path.read_text(encoding="utf-8")
    assert "0900" not in text and "Template" not in text
    assert re.search(r"\d+ characters the page hides from its visitors", out)
    for scheme in ("javascript:", "vbscript:", "data:", "file:"):
        assert scheme not in text
    # The links' words stay, as plain text; the real site stays a link.
    assert "See our help page, open your local records, read our leaflet" in " ".join(text.split())
    front, _ = front_and_body(path)
    # Its canonical link is not a web address: the address is left to a person, with
    # the site it links to named as a hint, never taken as its own.
    assert str(front["source_url"]).startswith("TODO (import)")
    assert "www.other-organisation.example" in str(front["source_url"])
    script_takes(path, project)


@pytest.mark.parametrize("make", [hostile.links_pdf, hostile.links_docx])
def test_only_web_mail_and_phone_links_survive(
    make, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = ".pdf" if make is hostile.links_pdf else ".docx"
    source = make(tmp_path / f"links{suffix}")
    code, _, _ = run_import(source, project, capsys, "--slug", "links")
    assert code == 0
    path = written(project)[0]
    text = path.read_text(encoding="utf-8")
    for scheme in ("javascript:", "data:", "file:"):
        assert scheme not in text
    assert "Your local records" in text  # the words, not the link
    front, _ = front_and_body(path)
    assert [r["url"] for r in front["resources"]] == ["https://www.example-charity.org/"]


def test_a_file_name_cannot_add_to_the_front_matter(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = hostile.hostile_page(tmp_path / "page.html")
    evil = source.with_name("leaflet\nepisode: 999\n'\"\u2028---\n.html")
    source.rename(evil)
    code, _, err = run_import(evil, project, capsys, "--slug", "evil")
    assert code == 0, err
    path = written(project)[0]
    front, _ = front_and_body(path)
    assert "episode" not in front
    header = [line for line in path.read_text(encoding="utf-8").splitlines() if "Imported" in line]
    assert len(header) == 1 and header[0].startswith("# Imported from leaflet episode: 999")


# ---------------------------------------------------------------- real leaflet structure


def test_a_printed_leaflet_keeps_its_sections_cover_tables_and_warnings(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = hostile.leaflet_pdf(tmp_path / "leaflet.pdf")
    code, out, _ = run_import(source, project, capsys, "--slug", "leaflet")
    assert code == 0
    path = written(project)[0]
    front, body = front_and_body(path)
    # The cover is front matter, not sections.
    assert front["title"] == "Package leaflet: Methotrexate 2.5 mg tablets"
    assert front["organisation"] == "Acme Pharma Ltd"
    assert front["source_url"] == "https://www.acme-pharma.example/"  # its own footer's
    assert "March 2024" in str(front["published"])
    fill_in(path)
    sheet = load_factsheet(path)
    assert [s.title for s in sheet.sections] == [
        "1. WHAT METHOTREXATE IS AND WHAT IT IS USED FOR",
        "2. HOW DOES THIS MEDICINE WORK?",
        "3. HOW TO TAKE METHOTREXATE",
        "POSSIBLE SIDE EFFECTS",
    ]
    flat = " ".join(body.split())
    assert "THE DIGITAL MILLENNIUM" in flat  # small capitals joined
    assert "the cells that cause" in flat and "cells1" not in flat  # the footnote mark
    assert "1 footnote marks were taken out" in out
    assert "page 2 of 3" not in body and "page 3 of 3" not in body  # the running header
    items = [
        i.text
        for s in sheet.sections
        for b in s.blocks
        if isinstance(b, BulletList)
        for i in b.items
    ]
    assert items == ["Age 2 to 5: 5 ml", "Age 6 to 11: 10 ml", "Age 12 and over: 15 ml"]
    assert "IMPORTANT: DO NOT STOP TAKING YOUR STEROIDS SUDDENLY" in flat  # a sentence
    script_takes(path, project)


def test_a_word_leaflet_keeps_numbered_headings_lists_tables_and_footnotes(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = hostile.leaflet_docx(tmp_path / "leaflet.docx")
    code, _, _ = run_import(source, project, capsys, "--slug", "leaflet")
    assert code == 0
    path = written(project)[0]
    _, body = front_and_body(path)
    assert "\n- Take folic acid on the other days.\n- Do not drink alcohol.\n" in body
    assert "    " not in body  # no line a Markdown reader takes for code
    assert "[1]" not in body and "footnote" not in body
    fill_in(path)
    sheet = load_factsheet(path)
    assert [s.title for s in sheet.sections] == ["WHAT IS METHOTREXATE?", "HOW DO I TAKE IT?"]
    first = sheet.sections[0].blocks
    assert first[-1].lead == "Note:" and "some cancers" in first[-1].text
    rows = [i.text for b in sheet.sections[1].blocks if isinstance(b, BulletList) for i in b.items]
    assert "Age 2 to 5: 5 ml" in rows and "Age 6 to 11: 10 ml" in rows
    script_takes(path, project)


@pytest.mark.parametrize("lang", ["pt-BR", None])
def test_a_leaflet_page_in_portuguese(
    lang: str | None, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its language is the page's, or (undeclared) the one its text is in; its slug keeps
    the accented letters as letters; its footnote mark goes; words either side of a link
    stay apart."""
    source = hostile.leaflet_page(tmp_path / "varfarina.html", lang=lang)
    code, out, err = run_import(source, project, capsys)
    assert code == 0, err
    path = project / "content" / "varfarina-sodica" / "factsheet.md"
    front, body = front_and_body(path)
    assert front["language"] == (lang or "pt")
    flat = " ".join(body.split())
    assert "[1]" not in flat and "#fn1" not in flat
    assert "latim warfarin" in flat and "latimwarfarin" not in flat
    assert "Idade Adultos: 5 mg" in flat
    assert [r["title"] for r in front["resources"]] == ["fibrilação", "latim"]


def test_a_mirrored_page_is_refused_naming_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_import(hostile.mirrored_pdf(tmp_path / "m.pdf"), project, capsys)
    assert code == 2 and "the text on page 1 is mirrored" in err
    assert written(project) == []


def test_garbled_text_is_refused_naming_the_page(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_import(hostile.garbled_pdf(tmp_path / "g.pdf"), project, capsys)
    assert code == 2 and "the text on page 1 of this PDF is not in words" in err
    assert "ocrmypdf" in err and written(project) == []


def test_a_sideways_page_is_read_the_right_way_up(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = hostile.sideways_pdf(tmp_path / "sideways.pdf")
    code, out, err = run_import(source, project, capsys, "--slug", "sideways")
    assert code == 0, err
    assert "page 1 is set sideways" in out
    text = " ".join(written(project)[0].read_text(encoding="utf-8").split())
    assert "Methotrexate is a medicine that calms the immune system." in text
