"""The document as its reader has it (issue 46): only what a reader sees, in the order
it is shown, with links that say where they go; boxes and columns read as laid out;
and an import that says what it found (its sections, where its title came from) and
warns when it is unsure. Every trick of the issue is one small document made here
(tests/hostile_pdf.py for PDFs written operator by operator; the pages and Word files
below): the text a reader never sees must not reach the factsheet, the text a reader
does see must reach it once, and what was left out is named in the import's notes."""

from __future__ import annotations

import io
import json
import re
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import yaml

import hostile
import hostile_pdf
from conftest import REPO
from imnm_audio.cli import main

SECRET_WORD = "cure"  # in every line a trick hides
BODY_START = "Methotrexate is a medicine that calms the immune system."


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


def imported(project: Path) -> tuple[dict[str, object], str]:
    """The one factsheet written: its front matter, and its text on one line."""
    (path,) = sorted((project / "content").glob("*/factsheet.md"))
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), " ".join(body.split())


def nothing_written(project: Path) -> bool:
    return not list((project / "content").glob("*/*"))


# ------------------------------------------------------------------------------ PDF


@pytest.mark.parametrize("trick", list(hostile_pdf.HIDDEN_TRICKS))
def test_pdf_text_a_reader_cannot_see_is_left_out_and_named(
    trick: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, reason = hostile_pdf.HIDDEN_TRICKS[trick]
    code, out, err = run_import(make(tmp_path / "leaflet.pdf"), project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert BODY_START in text  # the paragraph every reader sees
    assert SECRET_WORD not in text, f"text {trick} was imported"
    assert re.search(
        rf"note: text a reader cannot see was left out: \d+ characters [^.]*{reason}", out
    )


@pytest.mark.parametrize("trick", list(hostile_pdf.SHOWN_TRICKS))
def test_pdf_text_a_reader_sees_is_kept_once(
    trick: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make = hostile_pdf.SHOWN_TRICKS[trick]
    code, _, err = run_import(make(tmp_path / "leaflet.pdf"), project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert text.count(hostile_pdf.SHOWN) == 1, f"text {trick}: {text[-200:]}"
    assert BODY_START in text and SECRET_WORD not in text


def test_a_type3_font_whose_glyphs_draw_is_read(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other side of 'glyphs that paint nothing': the same font drawing its glyphs."""
    source = hostile_pdf.drawn_type3(tmp_path / "leaflet.pdf")
    code, out, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    assert "call the clinic now" in imported(project)[1] and "paint nothing" not in out


# ------------------------------------------------------------------------- web pages


def page(body: str, head: str = "", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="{charset}">{head}'
        "<title>Methotrexate | A charity</title></head><body><main><article>"
        "<h1>Methotrexate and you</h1><h2>What is methotrexate?</h2>"
        f"<p>{hostile_pdf.BODY}</p>{body}"
        f"<h2>Your blood tests</h2><p>{hostile_pdf.BODY_2} Ask the clinic when the next "
        "test is due, and bring your record book with you to every appointment.</p>"
        "</article></main></body></html>"
    )


SECRET_LINE = f"<p {{}}>Hidden: {hostile_pdf.SECRET}.</p>"
HIDDEN_PAGES = {
    "height 0 with overflow hidden": ("", 'style="height:0;overflow:hidden"'),
    "width 0 with overflow hidden (a style sheet)": (
        "<style>.fold { width: 0px; overflow: hidden }</style>",
        'class="fold"',
    ),
    "transform: scale(0)": ("", 'style="transform: scale(0)"'),
    "white on white through a class": (
        "<style>body { background: #ffffff } .note { color: #fff }</style>",
        'class="note"',
    ),
    "inline color #fff on a white page": ("", 'style="color:#fff"'),
}


@pytest.mark.parametrize("trick", list(HIDDEN_PAGES))
def test_page_text_its_visitors_cannot_see_is_left_out_and_named(
    trick: str, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head, attribute = HIDDEN_PAGES[trick]
    source = tmp_path / "page.html"
    source.write_text(page(SECRET_LINE.format(attribute), head), encoding="utf-8")
    code, out, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert BODY_START in text and SECRET_WORD not in text, trick
    assert re.search(
        r"note: \d+ characters (the page hides|in the colour of their background)", out
    )


def test_text_for_screen_readers_is_kept(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a screen-reader user gets of the page, they get in the episode: visually
    hidden text (both the class and the clipped 1-pixel box) and a picture's alt text."""
    sheet = (
        "<style>.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; "
        "clip: rect(0 0 0 0) }</style>"
    )
    body = (
        '<p>Ring the clinic <span class="sr-only">(opens the phone app)</span> on 0161 496 '
        "0000 with any questions.</p>"
        '<p><span style="position:absolute;width:1px;height:1px;overflow:hidden;'
        'clip:rect(1px,1px,1px,1px)">Warning:</span> Do not take it every day.</p>'
    )
    source = tmp_path / "page.html"
    source.write_text(page(body, sheet), encoding="utf-8")
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert "(opens the phone app)" in text and "Warning: Do not take it every day." in text


def test_a_pictures_words_are_read_where_it_is(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A screen-reader user hears a picture's alt text, an SVG's title; a decorative
    picture (empty alt, role="presentation") and a file name as alt say nothing."""
    body = (
        '<p><img src="dose.png" alt="A calendar with Monday circled"></p>'
        '<p><svg role="img" viewBox="0 0 8 8"><title>A tablet and a glass of water</title>'
        '<circle r="4"/></svg> Swallow the tablets whole.</p>'
        '<p><img src="line.png" alt=""><img src="x.png" alt="Decoration" role="presentation">'
        '<img src="IMG_0042.jpg" alt="IMG_0042.jpg"> Keep them in the box they came in.</p>'
    )
    source = tmp_path / "page.html"
    source.write_text(page(body), encoding="utf-8")
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert "A calendar with Monday circled." in text
    assert "A tablet and a glass of water. Swallow the tablets whole." in text
    assert "Decoration" not in text and "IMG_0042" not in text
    assert "Keep them in the box they came in." in text


def test_a_cards_picture_heading_and_text_are_set_apart(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list of cards (a link holding a picture, a heading and a line of text, each a
    block): read as a browser shows them, not run together ("aspirin.Probing")."""
    card = (
        '<li><a href="https://www.example.org/{0}"><div><img src="p.jpg" alt="{1}"></div>'
        "<div><h3>{2}</h3><p>{3}</p></div></a></li>"
    )
    body = (
        "<h2>Health highlights</h2><ul>"
        + "".join(
            card.format(n, *words)
            for n, words in enumerate(
                [
                    ("An older man reading a label", "Probing aspirin", "A low dose may help."),
                    ("A sunrise over the hills", "Recovery month", "Treatments that work."),
                ]
            )
        )
        + "</ul>"
    )
    source = tmp_path / "page.html"
    source.write_text(page(body), encoding="utf-8")
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert "An older man reading a label. Probing aspirin A low dose may help." in text
    assert "A sunrise over the hills. Recovery month Treatments that work." in text


def test_a_word_pictures_alt_text_is_read(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import docx
    from PIL import Image

    picture = tmp_path / "calendar.png"
    Image.new("RGB", (40, 30), "white").save(picture)
    document = docx.Document()
    document.add_paragraph("Methotrexate and you", style="Title")
    document.add_paragraph(hostile_pdf.BODY)
    document.add_picture(str(picture))
    shape = document.inline_shapes[0]
    shape._inline.docPr.set("descr", "A calendar with Monday circled")
    document.add_paragraph(hostile_pdf.BODY_2)
    source = tmp_path / "leaflet.docx"
    document.save(str(source))
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert "A calendar with Monday circled." in text


def test_a_page_in_utf7_is_refused_and_nothing_written(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "page.html"
    smuggled = "+ADw-script+AD4-alert(1)+ADw-/script+AD4-"
    source.write_bytes(page(f"<p>{smuggled}</p>", charset="utf-7").encode("ascii"))
    code, _, err = run_import(source, project, capsys)
    assert code == 2 and "UTF-7 encoding" in err and "save it again" in err
    assert nothing_written(project)


def test_a_charset_declared_deep_in_the_head_is_found(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Russian page whose <meta charset> comes after 4.9 KB of other head elements
    (as real pages' are): it is read in Windows-1251, not refused."""
    filler = "".join(
        f'<meta name="twitter:item{i}" content="{"x" * 60}">' for i in range(4900 // 95)
    )
    text = (
        "Метотрексат — это лекарство, которое успокаивает иммунную систему. Его принимают "
        "один раз в неделю, в один и тот же день, во время еды или после неё. Врач будет "
        "регулярно проверять вашу кровь, пока вы его принимаете."
    )
    html = (
        f'<!DOCTYPE html><html lang="ru"><head>{filler}'
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        "<title>Метотрексат</title></head><body><main><article><h1>Метотрексат и вы</h1>"
        f"<h2>Что такое метотрексат?</h2><p>{text}</p><h2>Анализы крови</h2><p>{text}</p>"
        "</article></main></body></html>"
    )
    assert html.index("charset=windows") > 4900
    source = tmp_path / "page.html"
    source.write_bytes(html.encode("cp1251"))
    code, _, err = run_import(source, project, capsys, "--slug", "ru")
    assert code == 0, err
    front, body = imported(project)
    assert front["title"] == "Метотрексат и вы" and text in body


def test_a_page_built_by_javascript_is_refused_with_the_way_to_save_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "page.html"
    source.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Methotrexate</title>'
        '<script src="/static/app.3f2a.js" defer></script></head>'
        '<body><div id="root"><p>Loading…</p></div></body></html>',
        encoding="utf-8",
    )
    code, _, err = run_import(source, project, capsys)
    assert code == 2 and "built by JavaScript" in err and "'Loading…'" in err
    assert "print it to PDF" in err
    assert nothing_written(project)


LINKS_BODY = (
    "<h2>Where can I find out more?</h2>"
    '<p>Read <a href="help/methotrexate.html">our page on methotrexate</a> for more.</p>'
    '<p>Or <a href="jav&#x09;ascript:alert(document.cookie)">check your dose</a> here.</p>'
    '<p>Log in at <a href="https://www.nhs.uk@evil.example/login">the NHS app</a> today.</p>'
    '<p>See <a href="https://evil.example/meds">https://www.nhs.uk/medicines/methotrexate/'
    "</a> for the NHS page.</p>"
)


def test_links_resolve_against_base_and_never_say_one_site_and_go_to_another(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "page.html"
    base = '<base href="https://www.charity.example/leaflets/">'
    source.write_text(page(LINKS_BODY, base), encoding="utf-8")
    code, out, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    front, text = imported(project)
    urls = [r["url"] for r in front["resources"]]  # type: ignore[index]
    # A relative link is where <base href> puts it, as a browser resolves it.
    assert "https://www.charity.example/leaflets/help/methotrexate.html" in urls
    # A tab in the scheme does not make it a web address; a user name is not a site.
    assert not [u for u in urls if "javascript" in u.lower() or "@" in u]
    assert "javascript" not in text.lower() and "nhs.uk@" not in text
    assert "check your dose" in text and "the NHS app" in text  # the words stay
    # The link that shows nhs.uk and goes elsewhere says where it goes, and is named.
    assert "https://evil.example/meds" in text and "www.nhs.uk/medicines" not in text
    assert "the link shown as 'https://www.nhs.uk/medicines/methotrexate/' goes to another " in out


def test_text_reads_in_the_order_it_is_shown(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A phone number stored backwards inside a right-to-left override (a character, or
    <bdo dir=rtl>) is shown forwards; zero-width spaces, joiners and soft hyphens are
    not spoken."""
    body = (
        "<h2>Contact us</h2>"
        "<p>Call the helpline on \u202e7654 321 0080\u202c from nine until five.</p>"
        '<p>Or the pharmacy on <bdo dir="rtl">0000 694 1610</bdo> at any time.</p>'
        "<p>Ask about immuno\u200bsuppres\u00adsants and metho\u2060trexate\u200d today.</p>"
    )
    source = tmp_path / "page.html"
    source.write_text(page(body), encoding="utf-8")
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert "Call the helpline on 0800 123 4567 from nine until five." in text
    assert "Or the pharmacy on 0161 496 0000 at any time." in text
    assert "Ask about immunosuppressants and methotrexate today." in text
    assert not re.search("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u00ad]", text)


# ------------------------------------------------------------------------------ Word


def docx_with(target: Path, xml_runs: str, parts: dict[str, bytes] | None = None) -> Path:
    """A Word leaflet whose second paragraph is `xml_runs`, with extra package parts."""
    data = hostile._docx(
        [("Title", "Methotrexate and you"), ("Normal", hostile_pdf.BODY), ("Normal", "HERE")]
    )
    xml = hostile._document_xml(data)
    xml = re.sub(r"<w:r>(?:(?!<w:r>).)*?HERE.*?</w:r>", xml_runs, xml, flags=re.S)
    target.write_bytes(
        hostile._replace_parts(data, {"word/document.xml": xml.encode(), **(parts or {})})
    )
    return target


def test_word_text_in_a_right_to_left_override_reads_as_shown(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = (
        hostile._run("Call the helpline on \u202e7654 321 0080\u202c today. ")
        + hostile._run("Or the pharmacy on ")
        + '<w:bdo w:val="rtl">'
        + hostile._run("0000 694 1610")
        + "</w:bdo>"
        + hostile._run(" at any time. ")
        + hostile._run("Ask about immuno\u200bsuppres\u00adsants and metho\u2060trexate\u200d.")
    )
    source = docx_with(tmp_path / "leaflet.docx", runs)
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert "Call the helpline on 0800 123 4567 today." in text
    assert "Or the pharmacy on 0161 496 0000 at any time." in text
    assert "Ask about immunosuppressants and methotrexate." in text


def test_word_altchunk_content_is_read_where_it_shows(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Text pasted in as HTML (an altChunk part) shows in Word where its marker is."""
    chunk = (
        b"<html><body><h2>Taking your tablets</h2><p>Take them once a week with a glass of "
        b"water, on the same day each week.</p></body></html>"
    )
    source = docx_with(
        tmp_path / "leaflet.docx",
        '</w:p><w:altChunk r:id="rIdChunk1" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/><w:p>',
    )
    data = source.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
        types = package.read("[Content_Types].xml").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdChunk1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/aFChunk" Target="chunk1.html"/></Relationships>',
    )
    types = types.replace(
        "</Types>", '<Override PartName="/word/chunk1.html" ContentType="text/html"/></Types>'
    )
    source.write_bytes(
        hostile._replace_parts(
            data,
            {
                "word/_rels/document.xml.rels": rels.encode(),
                "[Content_Types].xml": types.encode(),
                "word/chunk1.html": chunk,
            },
        )
    )
    code, out, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    _, text = imported(project)
    assert "## Taking your tablets Take them once a week with a glass of water" in text
    assert text.index(BODY_START) < text.index("Taking your tablets")


def test_a_word_dtd_after_a_long_comment_is_still_refused(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = hostile.entity_docx(tmp_path / "laughs.docx").read_bytes()
    xml = hostile._document_xml(data).replace("?>", "?><!--" + "x" * 5000 + "-->", 1)
    source = tmp_path / "leaflet.docx"
    source.write_bytes(hostile._replace_parts(data, {"word/document.xml": xml.encode()}))
    code, _, err = run_import(source, project, capsys)
    assert code == 2 and "declares its own entities (a DTD)" in err
    assert nothing_written(project)


def test_a_file_named_like_an_option_is_imported(
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hostile.leaflet_docx(tmp_path / "-leaflet.docx")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_import(Path("-leaflet.docx"), project, capsys, "--slug", "x")
    assert code == 0, err
    assert "from the Word document -leaflet.docx" in out


# ------------------------------------------------------------------------------ size


def test_a_huge_file_is_refused_from_its_size_before_a_byte_is_read(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 3 GB file (sparse: it costs no disk) is refused from the file system's size,
    without reading it: the import's memory stays far below the file."""
    source = tmp_path / "leaflet.pdf"
    with source.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        out.truncate(3 * 1024**3)
    tracemalloc.start()
    try:
        code, _, err = run_import(source, project, capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 2 and "3.0 GB" in err and "at most 50 MB" in err
    assert peak < 16 * 1024**2, f"{peak / 1024**2:.0f} MB held to refuse a file by its size"
    assert nothing_written(project)


# ---------------------------------------------------------------------------- layout


def sections_and_items(path: Path) -> list[tuple[str, list[str]]]:
    """Each heading (## or ###) of a factsheet with the list items under it."""
    out: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").split("\n---\n", 1)[1].splitlines():
        if line.startswith("#"):
            out.append((line.lstrip("# ").strip(), []))
        elif line.startswith("- ") and out:
            out[-1][1].append(line[2:].strip())
    return out


def test_boxes_and_columns_keep_their_own_items(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A traffic light's three boxes each keep their heading and their items; two
    columns under one heading are read one after the other; a list set in two columns
    keeps every item apart (none merged pairwise with its neighbour across)."""
    source = hostile.traffic_light_pdf(tmp_path / "leaflet.pdf")
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    found = dict(sections_and_items(project / "content" / "x" / "factsheet.md"))
    for heading, items in {**hostile.TRAFFIC_LIGHT, **hostile.HYGIENE}.items():
        assert found.get(heading) == items, (heading, found)
    packed = [
        i
        for heading, items in found.items()
        if "hospital" in heading or "bag" in heading
        for i in items
    ]
    assert packed == hostile.PACKING
    text = (project / "content" / "x" / "factsheet.md").read_text(encoding="utf-8")
    assert "(cid:" not in text


def test_the_same_document_always_gives_the_same_factsheet(tmp_path: Path) -> None:
    """Two heading styles exactly as prominent as each other (bold, and bold italic, at
    one size): the import runs in a fresh interpreter, whose string hashing differs run
    to run, so any choice made by a set's order would show here."""
    import os
    import subprocess
    import sys

    from reportlab.pdfgen.canvas import Canvas

    source = tmp_path / "leaflet.pdf"
    canvas = Canvas(str(source))
    y = 780.0
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(60, y, "Living with myositis")
    for n, (font, heading) in enumerate(
        [("Helvetica-Bold", "What is myositis"), ("Helvetica-BoldOblique", "Your feelings")] * 3
    ):
        y -= 40
        canvas.setFont(font, 13)
        canvas.drawString(60, y, f"{heading} {n}")
        canvas.setFont("Helvetica", 10)
        for line in range(3):
            y -= 14
            canvas.drawString(60, y, f"Some words of the section {n}, line {line}, as a leaflet")
    canvas.save()
    made = set()
    for seed in range(6):
        content = tmp_path / f"content-{seed}"
        content.mkdir()
        for name in ("podcast.yaml", "lexicon.yaml"):
            shutil.copy(REPO / "content" / name, content / name)
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        subprocess.run(
            [sys.executable, "-m", "imnm_audio", "import", str(source), "--content", str(content),
             "--slug", "x", "-q"],
            check=True,
            env=env,
        )  # fmt: skip
        text = (content / "x" / "factsheet.md").read_text(encoding="utf-8")
        made.add(re.sub(r"on \d{4}-\d{2}-\d{2}", "", text))
    assert len(made) == 1


# ----------------------------------------------------------------- what the import says


def plain_pdf(target: Path, title: str | None = None, words: int = 500) -> Path:
    """Paragraphs of body text and no heading; `title` in the PDF's properties."""
    lines = []
    sentence = "The clinic will tell you how to take your tablets and what to expect. "
    text = (sentence * (words // len(sentence.split()) + 1)).split()[:words]
    for at in range(0, len(text), 14):
        lines.append(" ".join(text[at : at + 14]))
    content = b"".join(
        hostile_pdf.text_at(60, 800 - 14 * (n % 52), line) for n, line in enumerate(lines[:52])
    )
    info = b"/Info << /Title (%s) >>" % title.encode() if title else b""
    hostile_pdf.write_pdf(target, content)
    if info:
        data = target.read_bytes().replace(b"trailer\n<<", b"trailer\n<< " + info)
        data = (
            data.replace(b"/Root 1 0 R", b"/Root 1 0 R " + info, 1)
            if b"/Info" not in data
            else data
        )
        target.write_bytes(data)
    return target


def test_the_import_names_its_sections_and_where_the_title_came_from(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = hostile.traffic_light_pdf(tmp_path / "leaflet.pdf")
    code, out, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0 and not err
    assert (
        "  6 sections: (the opening, its heading to write), Red: call 999, Amber: see a GP "
        "today, Green: care for your child at home, Stopping it spreading, If your child goes "
        "into hospital." in out
    )
    assert "  title: Diarrhoea and vomiting in children (from the first page)" in out
    report = json.loads((project / "content" / "x" / "import.json").read_text(encoding="utf-8"))
    assert report["title_from"] == "page" and report["warnings"] == []
    assert report["sections"][1:] == list(hostile.TRAFFIC_LIGHT) + [
        "Stopping it spreading",
        "If your child goes into hospital",
    ]


@pytest.mark.parametrize(
    "name, title, says",
    [
        ("Acid_and_chemical_burns.pdf", None, "came from the file's name"),
        ("scan0001.pdf", "Acid_and_chemical_burns", "came from the document's properties"),
    ],
)
def test_one_long_section_and_a_title_not_on_the_page_are_warned_of(
    name: str,
    title: str | None,
    says: str,
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = plain_pdf(tmp_path / name, title)
    code, out, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0
    says = f"the title 'Acid and chemical burns' {says}"
    assert "this document of 500 words gave one section" in err and says in err
    front, _ = imported(project)
    assert front["title"] == "Acid and chemical burns"
    header = (project / "content" / "x" / "factsheet.md").read_text(encoding="utf-8")
    assert "# Check: this document of 500 words gave one section" in header
    assert f"# Check: {says}" in header
    report = json.loads((project / "content" / "x" / "import.json").read_text(encoding="utf-8"))
    assert len(report["warnings"]) == 2


def test_a_file_name_that_says_nothing_is_not_a_title(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = plain_pdf(tmp_path / "scan0001.pdf")
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0
    front, _ = imported(project)
    assert str(front["title"]).startswith("TODO (import)") and "came from" not in err


# ---------------------------------------------------------------------------- titles


def cover_pdf(target: Path, cover: list[tuple[str, float, bool]]) -> Path:
    """A cover page of (text, size, bold) lines, centred, then a page of two sections."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(target))
    y = 540.0
    for text, size, bold in cover:
        y -= size  # the line's own height, then a third of it between lines
        canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        canvas.drawCentredString(297, y, text)
        y -= size * 0.35
    canvas.showPage()
    y = 780.0
    for heading in ("What is it for?", "How do I take it?"):
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawString(60, y, heading)
        canvas.setFont("Helvetica", 10)
        for line in range(4):
            y -= 14
            canvas.drawString(
                60, y, f"The words of the section, line {line}, as a leaflet has them."
            )
        y -= 30
    canvas.save()
    return target


@pytest.mark.parametrize(
    "cover, title",
    [
        # The maker's name and the form set larger than the medicine's name: a by-line.
        (
            [("loratadine", 22, False), ("Acme Laboratories Ltd.", 25, False),
             ("film-coated tablets", 25, False), ("10 mg", 25, False)],
            "loratadine",
        ),
        # All set alike: the title stops at the maker.
        (
            [("ácido acetilsalicílico", 16, True), ("Acme Farmacêutica S/A", 16, True),
             ("Comprimido", 16, True)],
            "ácido acetilsalicílico",
        ),
        # A short title set large under the series it belongs to, in capitals.
        (
            [("A GUIDE FOR FAMILIES LIVING WITH MYOSITIS", 16, False),
             ("Going back to school", 30, False), ("Version 2, 2026", 12, False)],
            "A GUIDE FOR FAMILIES LIVING WITH MYOSITIS: Going back to school",
        ),
    ],
)  # fmt: skip
def test_the_title_is_the_documents_not_its_makers(
    cover: list[tuple[str, float, bool]],
    title: str,
    project: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = cover_pdf(tmp_path / "leaflet.pdf", cover)
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    front, _ = imported(project)
    assert front["title"] == title


def test_headings_side_by_side_are_two_headings(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two headings on one line, each over its own column (a surveillance bulletin's):
    two sections, each with its own text, not one heading made of both."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    source = tmp_path / "bulletin.pdf"
    canvas = Canvas(str(source))
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(40, 790, "Weekly cholera bulletin")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(
        40, 765, "Cases and deaths reported to the ministry in the week to 5 October."
    )
    canvas.setFillColor(colors.Color(0.1, 0.3, 0.6))
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(40, 707, "CASES AND DEATHS IN THE LAST 24 HOURS")
    canvas.drawString(330, 707, "CUMULATIVE CASES AND DEATHS")
    canvas.setFillColor(colors.black)
    canvas.setFont("Helvetica", 10)
    for n, (left, right) in enumerate(
        [("New cases were reported in three provinces.", "Since January, 1,204 cases."),
         ("No deaths were reported this week.", "Since January, 21 deaths.")]
    ):  # fmt: skip
        canvas.drawString(40, 680 - 14 * n, left)
        canvas.drawString(330, 680 - 14 * n, right)
    canvas.save()
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    text = (project / "content" / "x" / "factsheet.md").read_text(encoding="utf-8")
    body = " ".join(text.split("\n---\n", 1)[1].split())
    assert (
        "## CASES AND DEATHS IN THE LAST 24 HOURS New cases were reported in three provinces. "
        "No deaths were reported this week. ## CUMULATIVE CASES AND DEATHS Since January, "
        "1,204 cases. Since January, 21 deaths." in body
    ), body


def test_headings_side_by_side_in_a_banner_are_two_lines(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same two headings white on one coloured banner, over two charts with no text:
    each its own line, never one line that runs one into the other."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    source = tmp_path / "bulletin.pdf"
    canvas = Canvas(str(source))
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(40, 790, "Weekly cholera bulletin")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(
        40, 765, "Cases and deaths reported to the ministry in the week to 5 October."
    )
    canvas.setFillColor(colors.Color(0.1, 0.3, 0.6))
    canvas.rect(30, 700, 535, 22, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(40, 707, "CASES AND DEATHS IN THE LAST 24 HOURS")
    canvas.drawString(330, 707, "CUMULATIVE CASES AND DEATHS")
    canvas.setFillColor(colors.Color(0.8, 0.8, 0.8))
    canvas.rect(40, 560, 230, 120, stroke=0, fill=1)  # the two charts
    canvas.rect(330, 560, 230, 120, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(40, 530, "The ministry updates these figures every Monday and Thursday.")
    canvas.save()
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    text = (project / "content" / "x" / "factsheet.md").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if "CASES AND DEATHS" in ln]
    assert len(lines) == 2, lines


def test_the_page_objects_made_here_are_pdfplumbers(tmp_path: Path) -> None:
    """The import makes pdfplumber's page objects itself (four times faster for glyphs):
    they must be exactly what pdfplumber would make, on pages of every kind made here."""
    import pdfplumber

    from imnm_audio.importer.pdf_visible import read_visible

    sources = [
        hostile.traffic_light_pdf(tmp_path / "traffic.pdf"),
        hostile.leaflet_pdf(tmp_path / "leaflet.pdf"),
        hostile.hidden_text_pdf(tmp_path / "hidden.pdf"),
        hostile_pdf.filled_form(tmp_path / "form.pdf"),
    ]
    compared = 0
    for source in sources:
        with pdfplumber.open(source) as pdf:
            for page in pdf.pages:
                read_visible(page)
                made = page._objects
                assert made == page.parse_objects()
                compared += len(made.get("char", []))
    assert compared > 1000


def test_a_table_of_names_and_their_details_is_read_row_by_row(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A contacts table without rules (a name in bold on the left, the role and a phone
    number on the right, wrapping) is read a row at a time: each row a paragraph that
    starts with its label, so a number is never run into the next row's name; a label
    over two lines is one label; tight one-line rows ("Telephone", "Email") stay apart."""
    from reportlab.pdfgen.canvas import Canvas

    source = tmp_path / "contacts.pdf"
    canvas = Canvas(str(source))
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(60, 780, "Migraine and headache")
    canvas.setFont("Helvetica", 11)
    canvas.drawString(60, 750, "Headaches are common, and most can be treated at home with rest.")
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(60, 720, "Useful contacts")
    rows = [
        ("Dr Ann Thomas", ["Consultant Neurologist and Headache Specialist"]),
        ("Colette Smith", ["Clinical Nurse Specialist in Headache Disorders", "024 7696 7419"]),
        ("Chelsea Baldwin", ["Secretary to Dr Thomas 024 7696 5114"]),
    ]
    y = 695.0
    for name, details in rows:
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(60, y, name)
        canvas.setFont("Helvetica", 11)
        for n, detail in enumerate(details):
            canvas.drawString(200, y - 13 * n, detail)
        y -= 13 * len(details) + 9
    y -= 10
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(60, y, "Certainty of the")
    canvas.drawString(60, y - 13, "evidence")
    canvas.setFont("Helvetica", 11)
    for n, line in enumerate(
        ["Evidence was uncertain for recurrence and minor complications when",
         "the two were compared, and the group made the advice by consensus."]
    ):  # fmt: skip
        canvas.drawString(200, y - 13 * n, line)
    y -= 45
    for label, value in [("Telephone", "0161 496 0000"), ("Email", "help@example.org")]:
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(60, y, label)
        canvas.setFont("Helvetica", 11)
        canvas.drawString(200, y, value)
        y -= 13
    canvas.save()
    code, _, err = run_import(source, project, capsys, "--slug", "x")
    assert code == 0, err
    body = (project / "content" / "x" / "factsheet.md").read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in body.split("\n---\n", 1)[1].split("\n\n")]
    for expected in [
        "**Dr Ann Thomas:** Consultant Neurologist and Headache Specialist",
        "**Colette Smith:** Clinical Nurse Specialist in Headache Disorders 024 7696 7419",
        "**Chelsea Baldwin:** Secretary to Dr Thomas 024 7696 5114",
        "**Certainty of the evidence:** Evidence was uncertain for recurrence and minor "
        "complications when the two were compared, and the group made the advice by consensus.",
        "**Telephone:** 0161 496 0000",
        "**Email:** help@example.org",
    ]:
        assert expected in paragraphs, (expected, paragraphs)
    assert "Useful contacts" in [h.lstrip("# ") for h in paragraphs if h.startswith("#")]


def test_a_page_saved_in_the_wrong_encoding_is_read_as_it_was_written(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """UTF-8 once read as Latin-1 and saved again ("That’s" kept as "Thatâ" and two
    control characters, as a real saved page had it 123 times): read as written, and
    said so; a page whose own text has one such pair (a name) is left as it is."""
    damaged = "That’s the tea. It’s green. There’s caffeine – and café au lait."
    mangled = damaged.encode("utf-8").decode("latin-1")
    page = tmp_path / "tea.html"
    page.write_text(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Tea</title></head>"
        f"<body><main><h1>Green tea</h1><p>{mangled}</p>"
        f"<h2>More</h2><p>{mangled} Ask your pharmacist.</p></main></body></html>",
        encoding="utf-8",
    )
    code, out, err = run_import(page, project, capsys, "--slug", "tea")
    assert code == 0, err
    _, body = imported(project)
    assert damaged in body and "â" not in body
    assert "saved in the wrong encoding" in out + err
    # One pair in a page's own words (a name) is not damage: left as written.
    own = tmp_path / "name.html"
    own.write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Names</title>"
        "</head><body><main><h1>Our team</h1><p>Ask Ã‰mile at the desk about your tablets"
        " and your appointments.</p></main></body></html>",
        encoding="utf-8",
    )
    code, _, err = run_import(own, project, capsys, "--slug", "name")
    assert code == 0, err
    text = (project / "content" / "name" / "factsheet.md").read_text(encoding="utf-8")
    assert "Ã‰mile" in text
