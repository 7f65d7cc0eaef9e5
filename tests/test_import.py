"""`imnm-audio import`: real PDFs (one column with running header and footer, and two
columns), a Word document and a saved web page, all made here from the IMNM factsheet,
come back as the same factsheet; bad files get exit 2 and leave nothing behind."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from documents import make_blank_pdf, make_docx, make_html, make_image_pdf, make_pdf
from imnm_audio.cli import main
from imnm_audio.content import BulletList, load_factsheet
from imnm_audio.content.markdown import shown
from imnm_audio.script import load_script

IMNM = REPO / "content" / "imnm" / "factsheet.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    for name in ("podcast.yaml", "lexicon.yaml"):
        shutil.copy(REPO / "content" / name, content / name)
    return tmp_path


def words(path: Path) -> list[str]:
    """Every word a reader sees, section titles, lead-ins and list items included."""
    sheet = load_factsheet(path)
    out: list[str] = []
    for section in sheet.sections:
        out += section.title.split()
        for block in section.blocks:
            items = block.items if isinstance(block, BulletList) else [block]
            for item in items:
                out += (getattr(item, "lead", None) or "").split() + shown(item.text).split()
    return [re.sub(r"[^\w'-]", "", w.lower()) for w in out if re.search(r"\w", w)]


def bullets(path: Path) -> list[tuple[str | None, str]]:
    return [
        (item.lead, shown(item.text))
        for section in load_factsheet(path).sections
        for block in section.blocks
        if isinstance(block, BulletList)
        for item in block.items
    ]


def fill_in(path: Path) -> None:
    """What a person does after importing: write the values the document did not say."""
    values = {
        "organisation": "Myositis Support and Understanding",
        "summary": "What IMNM is and how it is managed.",
        "published": "2026-11-24",
        "language": "en-US",
        "source_url": "https://www.example.org/",
    }
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key = line.split(":", 1)[0]
        todo = "TODO (import)" in line and not line.startswith("#")
        lines.append(f"{key}: {values[key]}" if todo else line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make(kind: str, folder: Path, factsheet: Path = IMNM) -> Path:
    if kind == "pdf-one-column":
        return make_pdf(factsheet, folder / "sheet.pdf")
    if kind == "pdf-two-columns":
        return make_pdf(factsheet, folder / "sheet-2col.pdf", columns=2)
    if kind == "docx":
        return make_docx(factsheet, folder / "sheet.docx")
    return make_html(factsheet, folder / "sheet.html")


@pytest.mark.parametrize("kind", ["pdf-one-column", "pdf-two-columns", "docx", "html"])
def test_a_document_comes_back_as_the_same_factsheet(
    kind: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make(kind, tmp_path)
    assert main(["import", str(source), "--content", str(project / "content")]) == 0
    target = project / "content" / "imnm" / "factsheet.md"  # the slug from "(IMNM)"
    text = target.read_text(encoding="utf-8")
    assert "TODO (import)" in text and "published" in capsys.readouterr().out

    # Placeholders stop the script, naming the file, the line and the field.
    assert (
        main(
            ["script", "--content", str(project / "content"), "--scripts", str(project / "scripts")]
        )
        == 2
    )
    err = capsys.readouterr().err
    line = next(
        i
        for i, t in enumerate(text.splitlines(), 1)
        if "TODO (import)" in t and not t.startswith("#")
    )
    field = text.splitlines()[line - 1].split(":")[0]
    assert f"{target}, line {line}: '{field}' is still the placeholder" in err
    assert not (project / "scripts").exists()

    fill_in(target)
    original, imported = load_factsheet(IMNM), load_factsheet(target)
    assert [s.title for s in imported.sections] == [s.title for s in original.sections]
    assert bullets(target) == bullets(IMNM)
    a, b = words(IMNM), words(target)
    matched = sum(
        m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    )
    assert matched / len(a) >= 0.98 and len(b) <= len(a) * 1.02, (matched, len(a), len(b))
    assert imported.meta.title == original.meta.title
    assert imported.meta.short_title == "IMNM"
    assert [r.url for r in imported.meta.resources] == ["https://www.understandingmyositis.org/"]
    front = yaml.safe_load(text.split("---")[1])
    if kind != "docx":  # the PDF's footer and the page's site name say who wrote it
        assert front["organisation"] == "Myositis Support and Understanding"
        # ... and its own address: the footer's, or the page's canonical link.
        assert imported.meta.source_url.startswith("https://www.understandingmyositis.org/")
    else:  # it only links to the site: whose it is, a person says (the hint names it)
        assert front["source_url"].startswith("TODO (import)")
        assert "www.understandingmyositis.org" in front["source_url"]
    # The QR code is kept for readers and marked so it is not said.
    assert re.search(r'<span class="visual">or use this QR\s+code</span>', text)

    assert (
        main(
            ["script", "--content", str(project / "content"), "--scripts", str(project / "scripts")]
        )
        == 0
    )
    script = load_script(project / "scripts" / "imnm.yaml")
    last = [s for s in script.segments if "www.understandingmyositis.org" in s.display][0]
    assert "QR code" in last.display and "QR" not in last.spoken
    assert len(script.chapters) == len(original.sections) + 2


def test_an_existing_factsheet_is_replaced_only_with_force(project: Path, tmp_path: Path) -> None:
    source = make_html(IMNM, tmp_path / "page.html")
    target = project / "content" / "imnm" / "factsheet.md"
    target.parent.mkdir()
    target.write_text("mine\n", encoding="utf-8")
    content = ["--content", str(project / "content")]
    assert main(["import", str(source), *content]) == 2
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert main(["import", str(source), "--slug", "imnm-web", *content]) == 0
    assert (project / "content" / "imnm-web" / "factsheet.md").is_file()
    assert main(["import", str(source), "--force", *content]) == 0
    assert target.read_text(encoding="utf-8").startswith("---\n# Imported from page.html")


def _encrypted(folder: Path) -> Path:
    return make_pdf(IMNM, folder / "locked.pdf", encrypt="secret")


def _not_a_pdf(folder: Path) -> Path:
    (folder / "notes.pdf").write_text("These are my notes about IMNM.\n", encoding="utf-8")
    return folder / "notes.pdf"


def _pdf_named_docx(folder: Path) -> Path:
    return make_pdf(IMNM, folder / "sheet.docx")


def _zero_bytes(folder: Path) -> Path:
    (folder / "download.pdf").write_bytes(b"")  # a download that never finished
    return folder / "download.pdf"


def _odt(folder: Path) -> Path:
    (folder / "sheet.odt").write_bytes(b"PK\x03\x04 not really")
    return folder / "sheet.odt"


def _empty_docx(folder: Path) -> Path:
    import docx

    docx.Document().save(str(folder / "blank.docx"))
    return folder / "blank.docx"


def _page_without_content(folder: Path) -> Path:
    page = '<html lang="en"><body><nav><a href="/">Home</a> <a href="/donate">Donate</a></nav>'
    (folder / "menu.html").write_text(page + "</body></html>", encoding="utf-8")
    return folder / "menu.html"


@pytest.mark.parametrize(
    ("make_bad", "says"),
    [
        (_encrypted, "protected by a password"),
        (lambda f: make_image_pdf(f / "scan.pdf"), "OCR"),
        (lambda f: make_blank_pdf(f / "blank.pdf"), "empty"),
        (_empty_docx, "no text to import"),
        (_page_without_content, "no text to import"),
        (_odt, "OpenDocument"),
        (_not_a_pdf, "the name says a PDF, but the file is plain text"),
        (_pdf_named_docx, "the name says a Word document (.docx), but the file is a PDF"),
        (lambda f: f / "missing.pdf", "no such file"),
        (_zero_bytes, "this file is empty"),
    ],
    ids=[
        "encrypted",
        "scanned",
        "empty-pdf",
        "empty-docx",
        "empty-page",
        "unsupported",
        "text-named-pdf",
        "pdf-named-docx",
        "missing",
        "zero-bytes",
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(
    make_bad, says: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    source = make_bad(folder)
    before = sorted(p.name for p in (project / "content").rglob("*"))
    assert main(["import", str(source), "--content", str(project / "content")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {source}: ") and says in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in (project / "content").rglob("*")) == before


OWN = """\
---
title: Living with Test Condition (TCF)
short_title: TCF
organisation: Test Charity
language: en-GB
source_url: https://www.example.org/tcf
summary: How to take the medicines for TCF.
published: 2026-01-15
resources:
  - title: Test Charity
    url: https://www.example.org/
---

# Living with Test Condition (TCF)

## Taking your medicine

**Note:** always read the leaflet that comes with your medicine.

### Before you start

1. Tell your doctor about other medicines you take.
2. Ask how long the course of treatment lasts.

- **Tablets.** Take them with food, at the same time each day.
  - Morning doses work best for some people.
  - Evening doses suit others.
- **Injections.** A nurse will show you how to give them.

## More help

Scan the QR code to watch our video about injections. You can also call our
helpline on 0800 123 4567, or visit www.example.org for more.
"""


def structure(path: Path) -> list[object]:
    out: list[object] = []
    for section in load_factsheet(path).sections:
        out.append(("section", section.title))
        for block in section.blocks:
            if isinstance(block, BulletList):
                out.append([(i.lead, i.text, i.level, block.ordered) for i in block.items])
            else:
                out.append((type(block).__name__, getattr(block, "lead", None), shown(block.text)))
    return out


@pytest.mark.parametrize("kind", ["pdf-one-column", "pdf-two-columns", "docx", "html"])
def test_sub_headings_numbered_and_nested_lists_and_lead_ins_survive(
    kind: str, project: Path, tmp_path: Path
) -> None:
    original = tmp_path / "own" / "tcf" / "factsheet.md"
    original.parent.mkdir(parents=True)
    original.write_text(OWN, encoding="utf-8")
    source = make(kind, tmp_path, original)
    assert main(["import", str(source), "--content", str(project / "content")]) == 0
    target = project / "content" / "tcf" / "factsheet.md"
    fill_in(target)
    assert structure(target) == structure(original)
    assert (
        main(
            [
                "script",
                "--content",
                str(project / "content"),
                "--scripts",
                str(project / "scripts"),
                "tcf",
            ]
        )
        == 0
    )
    script = load_script(project / "scripts" / "tcf.yaml")
    said = " ".join(s.spoken for s in script.segments)
    shown_text = " ".join(s.display for s in script.segments)
    # The sentence about the QR code is for readers only; the rest of its paragraph is said.
    assert "QR" not in said and "Scan the QR" not in shown_text
    assert "helpline" in said
    note = next(s for s in script.segments if s.display == "Note:")
    assert note.strong and note.block == "p1"


def test_pdf_lines_are_rejoined_across_hyphens_and_pages_and_furniture_goes(
    project: Path, tmp_path: Path
) -> None:
    """Drawn line by line, as a layout program places them: a word hyphenated at a line
    end, a hyphenated compound, a paragraph running onto the next page, a running
    header, page numbers, and a visual-only line."""
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "drawn.pdf"
    canvas = Canvas(str(pdf), pagesize=(420, 595))
    pages = [
        [
            ("Helvetica-Bold", 18, "Living with TCF"),
            ("Helvetica-Bold", 13, "What is TCF?"),
            ("Helvetica", 10, "TCF is a rare condition that needs careful treat-"),
            ("Helvetica", 10, "ment with cholesterol-"),
            ("Helvetica", 10, "lowering drugs and regular check-ups at the"),
        ],
        [
            ("Helvetica", 10, "clinic. Most people live well with it."),
            ("Helvetica-Bold", 13, "Where can I find out more?"),
            ("Helvetica", 10, "Visit www.example.org or scan the QR code below."),
        ],
    ]
    for number, lines in enumerate(pages, 1):
        canvas.setFont("Helvetica", 8)
        canvas.drawString(40, 570, "Test Charity · Living with TCF")
        canvas.drawCentredString(210, 20, str(number))
        y = 520
        for font, size, text in lines:
            canvas.setFont(font, size)
            y -= size * 1.4 + (8 if size > 10 else 0)
            canvas.drawString(40, y, text)
        canvas.showPage()
    canvas.save()

    assert main(["import", str(pdf), "--content", str(project / "content"), "--slug", "tcf"]) == 0
    text = (project / "content" / "tcf" / "factsheet.md").read_text(encoding="utf-8")
    body = " ".join(text.split("\n---\n", 1)[1].split())
    assert body == (
        "# Living with TCF ## What is TCF? TCF is a rare condition that needs careful "
        "treatment with cholesterol-lowering drugs and regular check-ups at the clinic. "
        "Most people live well with it. ## Where can I find out more? Visit "
        'www.example.org <span class="visual">or scan the QR code below</span>.'
    )
    assert "Test Charity" not in body


@pytest.mark.browser
@pytest.mark.parametrize("columns", [1, 2])
def test_a_pdf_printed_by_a_browser_comes_back_as_the_same_factsheet(
    browser, columns: int, project: Path, tmp_path: Path
) -> None:
    """Chromium's PDF: embedded subset fonts, CSS columns, a running header and a
    'Page 1 of 2' footer, and list bullets drawn as shapes, not text."""
    from documents import make_browser_pdf

    source = make_browser_pdf(browser, IMNM, tmp_path / "printed.pdf", columns=columns)
    assert main(["import", str(source), "--content", str(project / "content")]) == 0
    target = project / "content" / "imnm" / "factsheet.md"
    fill_in(target)
    assert structure(target) == structure(IMNM)
    assert "Page" not in target.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def test_hyphens_at_line_ends_are_told_from_compounds() -> None:
    from imnm_audio.importer.pdf import _hyphenated

    assert _hyphenated("treat", "ment") and _hyphenated("inflam", "mation")
    assert not _hyphenated("cholesterol", "lowering") and not _hyphenated("anti", "rheumatic")
    assert not _hyphenated("long", "term") and not _hyphenated("self", "care")


def test_ligatures_and_soft_hyphens_are_undone() -> None:
    from imnm_audio.importer.pdf_layout import _plain

    assert _plain("conﬁrmed ﬂares aﬀect") == "confirmed flares affect"
    assert _plain("treat\xadment") == "treat-ment"


def test_visual_only_phrases_are_marked() -> None:
    from imnm_audio.importer.document import mark_visual

    assert mark_visual("Go to www.x.org or use this QR code to learn more!") == (
        'Go to www.x.org <span class="visual">or use this QR code</span> to learn more!'
    )
    assert mark_visual("Call us. Scan the QR code to watch. Thanks.") == (
        'Call us. <span class="visual">Scan the QR code to watch.</span> Thanks.'
    )
    assert mark_visual("Weak muscles (see diagram below) tire.") == (
        'Weak muscles <span class="visual">(see diagram below)</span> tire.'
    )
    assert mark_visual("Rest when you can.") == "Rest when you can."


def test_a_scanned_page_among_text_pages_is_named(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "both.pdf"
    canvas = Canvas(str(pdf))
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(50, 780, "What is TCF?")
    canvas.setFont("Helvetica", 10)
    for n, line in enumerate(["TCF is a rare condition of the muscles.", "It can be treated."]):
        canvas.drawString(50, 750 - 14 * n, line)
    canvas.showPage()
    canvas.drawImage(ImageReader(Image.new("L", (300, 400), 200)), 50, 300, 300, 400)
    canvas.showPage()
    canvas.save()
    assert main(["import", str(pdf), "--content", str(project / "content"), "--slug", "tcf"]) == 0
    assert "note: page 2 is a picture with no text (scanned?)" in capsys.readouterr().out


def test_the_copyright_line_names_its_holder_in_any_format() -> None:
    from imnm_audio.importer.document import copyright_holder

    assert copyright_holder("© Test Charity · www.example.org   Page 2") == "Test Charity"
    assert copyright_holder("Charity no. 123. © 2026 Test Charity. All rights reserved.") == (
        "Test Charity"
    )
    assert copyright_holder("Copyright 2019-2024 Test Charity, registered in England") == (
        "Test Charity"
    )
    assert copyright_holder("Privacy policy | Copyright policy | Terms") is None


def test_a_pdfs_links_keep_the_text_under_them(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    from imnm_audio.importer.pdf import read_pdf

    path = tmp_path / "links.pdf"
    page = canvas.Canvas(str(path))
    page.setFont("Helvetica", 12)
    page.drawString(72, 700, "Visit Test Charity online.")
    page.linkURL("https://www.example.org/help", (70, 695, 230, 714), relative=0)
    page.drawString(72, 660, "Call the helpline.")
    page.linkURL("tel:+441234567890", (70, 655, 190, 674), relative=0)
    page.drawString(72, 620, "Nothing to see here.")
    page.linkURL("javascript:alert(1)", (70, 615, 200, 634), relative=0)
    page.linkURL("https://www.example.org/empty", (300, 300, 400, 320), relative=0)  # no text
    page.save()
    assert read_pdf(path).links == [
        ("Visit Test Charity online.", "https://www.example.org/help"),
        ("Call the helpline.", "tel:+441234567890"),
    ]


def test_a_link_over_two_overlapping_lines_keeps_each_line_whole(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    from imnm_audio.importer.pdf import read_pdf

    # A feedback box: "Have your say" with the address set small over the same band,
    # under one link. Sorted by place, their letters interleaved ("Hwawvwe. uyhocuwr").
    path = tmp_path / "overlap.pdf"
    page = canvas.Canvas(str(path))
    page.setFont("Helvetica", 12)
    page.drawString(72, 720, "Tell us what you think of this leaflet.")
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 700, "Have your say")
    page.setFont("Helvetica", 9)
    page.drawString(74, 702, "www.example.org/feedback")
    page.linkURL("https://www.example.org/feedback", (70, 696, 200, 716), relative=0)
    page.save()
    ((text, url),) = read_pdf(path).links
    assert url == "https://www.example.org/feedback"
    assert "Have your say" in text and "www.example.org/feedback" in text, text
