"""Documents made here that reproduce what real and hostile files do to an importer:
hidden text, script links, bombs, mirrored and garbled pages, real leaflet structure
(numbered question headings, capitals, small capitals, cover pages, running headers
with page numbers, footnotes, tables). Each is small and made in the test's own folder;
none is anybody else's document."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

BODY = (
    "Methotrexate is a medicine that calms the immune system. It is taken once a week, "
    "on the same day each week, with food or after a meal. Your doctor will check your "
    "blood regularly while you take it, so keep every appointment."
)
SECRET = "call 0900 123 456 for a cure now"


# ------------------------------------------------------------------------------ PDF


def _canvas(target: Path):  # noqa: ANN202 - reportlab's Canvas
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    return Canvas(str(target), pagesize=A4), A4


def _lines(canvas, x: float, y: float, text: str, size: float = 11, width: int = 80) -> float:  # noqa: ANN001
    import textwrap

    canvas.setFont("Helvetica", size)
    for line in textwrap.wrap(text, width):
        canvas.drawString(x, y, line)
        y -= size * 1.35
    return y


def hidden_text_pdf(target: Path) -> Path:
    """A leaflet page with text nobody sees: white on the page, white on a white box,
    0.5 pt, off the page, clipped away, drawn invisibly (mode 3), a margin stamp at 90
    degrees and a watermark at 45; and white on a dark box, which a reader does see."""
    canvas, (width, height) = _canvas(target)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(60, height - 80, "Methotrexate and you")
    y = _lines(canvas, 60, height - 120, BODY)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(60, y - 10, "White on paper: " + SECRET)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(50, y - 60, 400, 30, stroke=0, fill=1)
    canvas.setFillColorRGB(0.99, 0.99, 0.99)
    canvas.drawString(60, y - 50, "White on a white box: " + SECRET)
    canvas.setFillColorRGB(0.1, 0.2, 0.5)
    canvas.rect(50, y - 110, 450, 30, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.drawString(60, y - 100, "Keep this leaflet: you may need to read it again.")
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont("Helvetica", 0.5)
    canvas.drawString(60, y - 130, "Tiny: " + SECRET)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(width + 40, y - 150, "Off the page: " + SECRET)
    canvas.saveState()
    path = canvas.beginPath()
    path.rect(60, y - 200, 5, 5)
    canvas.clipPath(path, stroke=0, fill=0)
    canvas.drawString(60, y - 180, "Clipped away: " + SECRET)
    canvas.restoreState()
    text = canvas.beginText(60, y - 220)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 11)
    text.textLine("Invisible: " + SECRET)
    text.setTextRenderMode(0)  # the mode is part of the graphics state: set it back
    canvas.drawText(text)
    canvas.saveState()
    canvas.translate(width - 20, 200)
    canvas.rotate(90)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(0, 0, "Stamp: " + SECRET)
    canvas.restoreState()
    canvas.saveState()
    canvas.translate(150, 150)
    canvas.rotate(45)
    canvas.setFont("Helvetica", 30)
    canvas.setFillColorRGB(0.8, 0.8, 0.8)
    canvas.drawString(0, 0, "DRAFT " + SECRET)
    canvas.restoreState()
    canvas.setFillColorRGB(0, 0, 0)
    _lines(canvas, 60, 120, "Ask your pharmacist if you have any questions about it.")
    canvas.showPage()
    canvas.save()
    return target


def links_pdf(target: Path) -> Path:
    """Visible link text over javascript:, file: and data: links, and one real site."""
    canvas, (_, height) = _canvas(target)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(60, height - 80, "Methotrexate and you")
    y = _lines(canvas, 60, height - 120, BODY)
    for index, (label, uri) in enumerate(
        [
            ("Your local records", "file:///etc/passwd"),
            ("Click for help", "javascript:alert(document.cookie)"),
            ("Our leaflet", "data:text/html,<script>alert(1)</script>"),
            ("Visit www.example-charity.org", "https://www.example-charity.org/"),
        ]
    ):
        line_y = y - 20 - index * 18
        canvas.drawString(60, line_y, label)
        canvas.linkURL(uri, (58, line_y - 3, 60 + len(label) * 6, line_y + 10), relative=0)
    canvas.showPage()
    canvas.save()
    return target


def many_pages_pdf(target: Path, pages: int = 1000) -> Path:
    canvas, (_, height) = _canvas(target)
    for number in range(pages):
        canvas.setFont("Helvetica", 11)
        canvas.drawString(60, height - 80, f"Page {number + 1}: {BODY[:60]}")
        canvas.showPage()
    canvas.save()
    return target


def huge_page_pdf(target: Path, glyphs: int = 60_000) -> Path:
    """One page with more characters than any factsheet page (tiny, but visible)."""
    canvas, (width, height) = _canvas(target)
    canvas.setFont("Helvetica", 3)
    line = "abcdefghij " * 30
    y = height - 10
    written = 0
    while written < glyphs:
        canvas.drawString(5, y, line)
        written += len(line.replace(" ", ""))
        y -= 1.0
        if y < 5:
            y = height - 10
    canvas.showPage()
    canvas.save()
    return target


def shapes_page_pdf(target: Path, shapes: int = 80_000) -> Path:
    canvas, (width, height) = _canvas(target)
    canvas.drawString(60, height - 60, BODY[:80])
    for index in range(shapes):
        x, y = 20 + (index % 500), 20 + (index // 500) % 700
        canvas.rect(x, y, 0.5, 0.5, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return target


def stream_bomb_pdf(target: Path, inflated: int = 64 * 1024 * 1024) -> Path:
    """A one-page PDF whose drawing instructions inflate from kilobytes to 64 MB."""
    content = b"BT /F1 11 Tf 60 760 Td (Methotrexate and you) Tj ET\n" + b" " * inflated
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    target.write_bytes(out.getvalue())
    return target


def mirrored_pdf(target: Path) -> Path:
    """A page printed mirrored: its text reads backwards to a text extractor."""
    canvas, (width, height) = _canvas(target)
    canvas.transform(-1, 0, 0, 1, width, 0)
    _lines(canvas, 60, height - 100, BODY + " " + BODY)
    canvas.showPage()
    canvas.save()
    return target


def ocr_layer_pdf(target: Path) -> Path:
    """A scanned page as ocrmypdf leaves it: the picture, and the recognised text drawn
    invisibly over it; plus invisible text where there is no picture."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    canvas, (_, height) = _canvas(target)
    picture = Image.new("L", (1000, 300), 255)
    ImageDraw.Draw(picture).text((10, 10), BODY[:60], fill=0)
    canvas.drawImage(ImageReader(picture), 50, height - 400, width=500, height=300)
    text = canvas.beginText(60, height - 150)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 10)
    for line in (BODY[:70], BODY[70:140], BODY[140:]):
        text.textLine(line)
    canvas.drawText(text)
    low = canvas.beginText(60, 100)
    low.setTextRenderMode(3)
    low.setFont("Helvetica", 10)
    low.textLine("Not over the picture: " + SECRET)
    low.setTextRenderMode(0)
    canvas.drawText(low)
    canvas.showPage()
    canvas.save()
    return target


def sideways_pdf(target: Path) -> Path:
    """A landscape page whose text is set sideways (turned a quarter), as a table or a
    page rotated the wrong way comes out of some programs."""
    canvas, (width, height) = _canvas(target)
    canvas.saveState()
    canvas.translate(width - 60, 60)
    canvas.rotate(90)
    _lines(canvas, 0, 0, BODY + " " + BODY, 11, 100)
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return target


def caesar(text: str, shift: int = 1) -> str:
    return "".join(
        chr((ord(c) - 97 + shift) % 26 + 97)
        if "a" <= c <= "z"
        else chr((ord(c) - 65 + shift) % 26 + 65)
        if "A" <= c <= "Z"
        else c
        for c in text
    )


def garbled_pdf(target: Path) -> Path:
    """What a PDF whose fonts map glyphs to the wrong letters gives an extractor: the
    page looks right in a viewer, its text is "Nfuipusfybuf jt b nfejdjof"."""
    canvas, (_, height) = _canvas(target)
    y = height - 80
    for _ in range(3):
        y = _lines(canvas, 60, y, caesar(BODY)) - 12
    canvas.showPage()
    canvas.save()
    return target


def leaflet_pdf(target: Path) -> Path:
    """A medicine leaflet laid out as real ones are: a cover page (title, the maker at
    heading size, a date), then pages with a running header carrying the page number,
    numbered question headings in capitals, an all-capitals heading, a warning in
    capitals, small capitals, footnote marks, a ruled table and a footer."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    canvas, (width, height) = _canvas(target)
    # The cover.
    canvas.setFont("Helvetica-Bold", 24)
    canvas.drawString(60, height - 200, "Package leaflet: Methotrexate 2.5 mg tablets")
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(60, height - 240, "Acme Pharma Ltd")
    canvas.drawString(60, height - 270, "March 2024")
    canvas.showPage()

    def furniture(page: int) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(60, height - 30, f"Methotrexate leaflet - page {page} of 3")
        canvas.drawString(60, 25, "© Acme Pharma Ltd · www.acme-pharma.example")
        canvas.drawRightString(width - 60, 25, str(page))

    furniture(2)
    y = height - 80

    def heading(text: str) -> None:
        nonlocal y
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(60, y, text)
        y -= 20

    def para(text: str) -> None:
        nonlocal y
        y = _lines(canvas, 60, y, text, 10, 95) - 10

    heading("1. WHAT METHOTREXATE IS AND WHAT IT IS USED FOR")
    para(
        "Methotrexate calms an overactive immune system. It is used for rheumatoid arthritis, "
        "psoriasis and some kinds of myositis."
    )
    heading("2. HOW DOES THIS MEDICINE WORK?")
    canvas.setFont("Helvetica", 10)
    # "It slows the cells" with a raised footnote mark after "cells".
    canvas.drawString(60, y, "It slows the cells")
    canvas.setFont("Helvetica", 6)
    canvas.drawString(60 + canvas.stringWidth("It slows the cells", "Helvetica", 10), y + 4, "1")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(
        60 + canvas.stringWidth("It slows the cells", "Helvetica", 10) + 5,
        y,
        " that cause inflammation, which eases pain and stiffness.",
    )
    y -= 24
    # Small capitals: a larger T, then smaller capitals.
    x = 60
    for word in ("THE", "DIGITAL", "MILLENNIUM"):
        canvas.setFont("Helvetica", 10)
        canvas.drawString(x, y, word[0])
        x += canvas.stringWidth(word[0], "Helvetica", 10)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(x, y, word[1:])
        x += canvas.stringWidth(word[1:], "Helvetica", 8) + canvas.stringWidth(" ", "Helvetica", 10)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(x, y, "leaflet series is written with patients.")
    y -= 24
    heading("3. HOW TO TAKE METHOTREXATE")
    para("Take it once a week, on the same day each week. The usual doses are:")
    table = Table(
        [["Age", "Dose"], ["2 to 5", "5 ml"], ["6 to 11", "10 ml"], ["12 and over", "15 ml"]],
        colWidths=[120, 120],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.7, colors.black),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 10),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 10),
            ]
        )
    )
    _, table_height = table.wrapOn(canvas, width, height)
    table.drawOn(canvas, 60, y - table_height)
    y -= table_height + 20
    para(
        "IMPORTANT: DO NOT STOP TAKING YOUR STEROIDS SUDDENLY, EVEN IF YOU FEEL BETTER, "
        "UNLESS YOUR DOCTOR TELLS YOU TO."
    )
    canvas.setFont("Helvetica", 7)
    canvas.drawString(60, 60, "1 Inflammation is the body's reaction to harm.")
    canvas.showPage()
    furniture(3)
    y = height - 80
    heading("POSSIBLE SIDE EFFECTS")
    para(
        "Like all medicines, it can cause side effects, although not everybody gets them. "
        "Tell your doctor at once if you have a sore throat, a fever or mouth ulcers."
    )
    canvas.showPage()
    canvas.save()
    return target


TRAFFIC_LIGHT = {
    "Red: call 999": [
        "is floppy or unresponsive",
        "has blue lips or a rash that does not fade when pressed",
        "is breathing very fast or making grunting noises",
    ],
    "Amber: see a GP today": [
        "has not passed urine for 12 hours",
        "has had diarrhoea for more than 7 days",
        "keeps being sick and cannot keep fluids down",
    ],
    "Green: care for your child at home": [
        "give small sips of fluid often",
        "carry on breastfeeding or giving milk feeds",
        "keep them off nursery for 48 hours",
    ],
}
PACKING = [
    "Nappies and wipes",
    "Pyjamas",
    "A favourite toy",
    "Bottles and formula",
    "Phone charger",
    "Snacks for yourself",
    "Medicines they take",
    "A change of clothes",
]
HYGIENE = {
    "Before touching food": ["wash your hands with soap", "dry them on a clean towel"],
    "After diarrhoea has stopped": ["wait 48 hours before swimming", "wash towels hot"],
}


def traffic_light_pdf(target: Path) -> Path:
    """A children's leaflet laid out as the NHS's are: three coloured boxes side by side
    (red, amber, green), each with its heading and its items; two columns of advice under
    one heading; and a packing list set in two columns, item below item."""
    from reportlab.lib import colors

    canvas, (width, height) = _canvas(target)
    canvas.setFont("Helvetica-Bold", 22)
    canvas.drawString(50, height - 70, "Diarrhoea and vomiting in children")
    y = _lines(
        canvas,
        50,
        height - 100,
        "Most children with diarrhoea and vomiting get better at home within a week. Use "
        "the colours below to decide what to do, and ask your health visitor if unsure.",
        11,
        90,
    )
    # The boxes touch, and their text runs to within a few points of their edges: only
    # the drawn boxes part one box's lines from the next one's.
    top, box_w = y - 20, 165
    shades = [
        colors.Color(0.75, 0.1, 0.1),
        colors.Color(0.95, 0.6, 0.1),
        colors.Color(0.2, 0.55, 0.2),
    ]
    for i, (heading, items) in enumerate(TRAFFIC_LIGHT.items()):
        x = 50 + i * box_w
        canvas.setFillColor(shades[i])
        canvas.rect(x, top - 230, box_w, 230, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 12)
        yy = top - 20
        for line in _fill(heading, "Helvetica-Bold", 12, box_w - 6):
            canvas.drawString(x + 3, yy, line)
            yy -= 15
        yy -= 6
        canvas.setFont("Helvetica", 10)
        for item in items:
            # The bullet hangs; the lines are justified, as a designer sets a narrow
            # box: full lines reach its edge.
            canvas.drawString(x + 3, yy, "\u2022")
            lines = _fill(item, "Helvetica", 10, box_w - 14)
            for n, line in enumerate(lines):
                last = n == len(lines) - 1
                _justified(canvas, x + 12, yy, line, box_w - 14, "Helvetica", 10, last)
                yy -= 13
            yy -= 4
        canvas.setFillColor(colors.black)
    y = top - 260
    canvas.setFont("Helvetica-Bold", 15)
    canvas.drawString(50, y, "Stopping it spreading")
    y -= 24
    for i, (heading, items) in enumerate(HYGIENE.items()):
        x = 50 + i * 250
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(x, y, heading)
        yy = y - 16
        canvas.setFont("Helvetica", 10)
        for item in items:
            canvas.drawString(x, yy, "\u2022 " + item)
            yy -= 14
    y -= 80
    canvas.setFont("Helvetica-Bold", 15)
    canvas.drawString(50, y, "If your child goes into hospital")
    y = _lines(canvas, 50, y - 20, "Pack a bag with these things:", 11) - 4
    canvas.setFont("Helvetica", 10)
    half = len(PACKING) // 2
    for row in range(half):
        canvas.drawString(50, y - row * 14, "\u2022 " + PACKING[row])
        canvas.drawString(300, y - row * 14, "\u2022 " + PACKING[half + row])
    canvas.showPage()
    canvas.save()
    return target


def _justified(
    canvas, x: float, y: float, line: str, width: float, font: str, size: float, last: bool
) -> None:  # noqa: ANN001, E501
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = line.split()
    if last or len(words) < 2:
        canvas.drawString(x, y, line)
        return
    gap = (width - sum(stringWidth(w, font, size) for w in words)) / (len(words) - 1)
    for word in words:
        canvas.drawString(x, y, word)
        x += stringWidth(word, font, size) + gap


def _fill(text: str, font: str, size: float, width: float) -> list[str]:
    """The text in lines as full as `width` points allows."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(lines[-1] + " " + word, font, size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


# ----------------------------------------------------------------------------- Word


def _docx(paragraphs: list[tuple[str, str]] | None = None) -> bytes:
    """A .docx from python-docx: (style, text) paragraphs."""
    import docx

    document = docx.Document()
    for style, text in paragraphs or [("Title", "Methotrexate and you"), ("Normal", BODY)]:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _replace_parts(
    data: bytes, parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression) as copy,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                copy.writestr(info, source.read(info))
        for name, body in parts.items():
            copy.writestr(name, body)
    return out.getvalue()


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def zip_bomb_docx(target: Path, inflated: int = 300 * 1024 * 1024) -> Path:
    """document.xml says (truthfully) it unpacks to 300 MB of nothing."""
    data = _docx()
    xml = _document_xml(data)
    head, tail = xml.split("</w:body>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                copy.writestr(info, source.read(info))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with copy.open(info, "w", force_zip64=True) as part:
            part.write(head.encode())
            chunk = b" " * (8 * 1024 * 1024)
            for _ in range(inflated // len(chunk)):
                part.write(chunk)
            part.write(("</w:body>" + tail).encode())
    target.write_bytes(out.getvalue())
    return target


def lying_bomb_docx(target: Path) -> Path:
    """A bomb whose zip directory understates how far document.xml inflates."""
    bomb = zip_bomb_docx(target, inflated=64 * 1024 * 1024).read_bytes()
    # The local and central headers both give the part's size; set both to 2 KB.
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        info = archive.getinfo("word/document.xml")
        real = info.file_size
    patched = bytearray(bomb)
    for found in re.finditer(re.escape(b"word/document.xml"), bomb):
        start = found.start()
        for header, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            name_at = 30 if header == b"PK\x03\x04" else 46
            origin = start - name_at
            if origin >= 0 and bomb[origin : origin + 4] == header:
                if int.from_bytes(bomb[origin + size_at : origin + size_at + 4], "little") == real:
                    patched[origin + size_at : origin + size_at + 4] = (2048).to_bytes(4, "little")
    target.write_bytes(bytes(patched))
    return target


def entity_docx(target: Path) -> Path:
    """document.xml with the "billion laughs" entity expansion."""
    data = _docx()
    xml = _document_xml(data)
    laughs = '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    for i in range(1, 10):
        laughs += f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">'
    laughs += "]>"
    xml = xml.replace("?>", "?>" + laughs, 1).replace(BODY, "&lol9;")
    target.write_bytes(_replace_parts(data, {"word/document.xml": xml.encode()}))
    return target


def malformed_docx(target: Path) -> Path:
    data = _docx()
    xml = _document_xml(data).replace("</w:body>", "<w:p><w:r><w:t>unclosed</w:body>")
    target.write_bytes(_replace_parts(data, {"word/document.xml": xml.encode()}))
    return target


def deep_docx(target: Path, depth: int = 100_000) -> Path:
    data = _docx()
    xml = _document_xml(data).replace(
        "</w:body>", "<w:sdt>" * depth + "</w:sdt>" * depth + "</w:body>"
    )
    target.write_bytes(_replace_parts(data, {"word/document.xml": xml.encode()}))
    return target


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _run(text: str, props: str = "") -> str:
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def many_runs_docx(target: Path, runs: int = 300_000) -> Path:
    """A Word file of 300,000 one-word runs: small on disk (0.8 MB), 20 MB of XML, and
    half a minute of mammoth's time."""
    data = _docx([("Title", "Methotrexate and you"), ("Normal", BODY), ("Normal", "HERE")])
    xml = _document_xml(data)
    words = "".join(_run(f"w{i} ") for i in range(runs))
    xml = re.sub(r"<w:r>(?:(?!<w:r>).)*?HERE.*?</w:r>", words, xml, flags=re.S)
    target.write_bytes(_replace_parts(data, {"word/document.xml": xml.encode()}))
    return target


def hidden_docx(target: Path) -> Path:
    """Hidden text (vanish), white text, 1-point text, and white on a dark shading
    (which a reader sees)."""
    data = _docx([("Title", "Methotrexate and you"), ("Normal", BODY), ("Normal", "PLACEHOLDER")])
    xml = _document_xml(data)
    runs = (
        _run("Hidden: " + SECRET + ". ", "<w:vanish/>")
        + _run("White: " + SECRET + ". ", '<w:color w:val="FFFFFF"/>')
        + _run("Tiny: " + SECRET + ". ", '<w:sz w:val="2"/>')
        + _run(
            "Keep this leaflet.", '<w:color w:val="FFFFFF"/><w:shd w:val="clear" w:fill="1F3864"/>'
        )
    )
    xml = re.sub(r"<w:r>(?:(?!<w:r>).)*?PLACEHOLDER.*?</w:r>", runs, xml, flags=re.S)
    target.write_bytes(_replace_parts(data, {"word/document.xml": xml.encode()}))
    return target


def links_docx(target: Path) -> Path:
    """Hyperlinks to file:, javascript: and a real site."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("Methotrexate and you", style="Title")
    document.add_paragraph(BODY)
    for label, url in (
        ("Your local records", "file:///etc/passwd"),
        ("Click for help", "javascript:alert(1)"),
        ("Our site", "https://www.example-charity.org/"),
    ):
        paragraph = document.add_paragraph("See ")
        rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = label
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
        paragraph.add_run(" for more.")
    document.save(str(target))
    return target


def leaflet_docx(target: Path) -> Path:
    """A Word leaflet: numbered question headings (bold list items), a list that starts
    at level 2, a table with a header row, and a footnote."""
    import docx

    document = docx.Document()
    document.add_paragraph("Methotrexate and you", style="Title")
    item = document.add_paragraph(style="List Number")
    item.add_run("WHAT IS METHOTREXATE?").bold = True
    document.add_paragraph("Methotrexate calms an overactive immune system. PLACEHOLDER")
    item = document.add_paragraph(style="List Number")
    item.add_run("HOW DO I TAKE IT?").bold = True
    document.add_paragraph("Take it once a week. Things to remember:")
    document.add_paragraph("Take folic acid on the other days.", style="List Bullet 2")
    document.add_paragraph("Do not drink alcohol.", style="List Bullet 2")
    document.add_paragraph("The usual doses are:")
    table = document.add_table(rows=3, cols=2)
    rows = [("Age", "Dose"), ("2 to 5", "5 ml"), ("6 to 11", "10 ml")]
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    document.add_paragraph("Ask your pharmacist about anything you are not sure of.")
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    # A footnote: python-docx cannot write one, so its part is added as Word writes it.
    xml = _document_xml(data).replace(
        "PLACEHOLDER</w:t></w:r>",
        '</w:t></w:r><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        '<w:footnoteReference w:id="1"/></w:r>',
    )
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {W_NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        '<w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r>'
        '<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> It is also used for some '
        "cancers, at much higher doses.</w:t></w:r></w:p></w:footnote></w:footnotes>"
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    types = types.replace(
        "</Types>",
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    target.write_bytes(
        _replace_parts(
            data,
            {
                "word/document.xml": xml.encode(),
                "word/footnotes.xml": footnotes.encode(),
                "word/_rels/document.xml.rels": rels.encode(),
                "[Content_Types].xml": types.encode(),
            },
        )
    )
    return target


# ------------------------------------------------------------------------- web pages


def hostile_page(target: Path) -> Path:
    """A page with hidden content (template, hidden, aria-hidden, display:none inline and
    from its style sheet, visibility:hidden), script and file links, a canonical link
    that is not a web address, and a link to another organisation's site."""
    page = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Methotrexate and you</title>
<link rel="canonical" href="javascript:alert(1)">
<style>.sneaky {{ display: none }} #quiet {{ visibility: hidden }}</style>
</head><body><main><article>
<h1>Methotrexate and you</h1>
<h2>What is methotrexate?</h2>
<p>{BODY}</p>
<template><p>Template: {SECRET}.</p></template>
<p hidden>Hidden attribute: {SECRET}.</p>
<p aria-hidden="true">Aria hidden: {SECRET}.</p>
<p style="display:none">Inline display none: {SECRET}.</p>
<p class="sneaky">Style sheet: {SECRET}.</p>
<p id="quiet">Visibility hidden: {SECRET}.</p>
<h2>Where can I find out more?</h2>
<p>See <a href="javascript:alert(document.cookie)">our help page</a>, open
<a href="file:///etc/passwd">your local records</a>, read
<a href="data:text/html,x">our leaflet</a>, run <a href="vbscript:msgbox(1)">the checker</a>,
or visit <a href="https://www.other-organisation.example/">another charity</a> for more
about living with myositis and the treatments that help.</p>
</article></main></body></html>"""
    target.write_text(page, encoding="utf-8")
    return target


def leaflet_page(target: Path, lang: str | None = "pt-BR") -> Path:
    """A Portuguese leaflet page: numbered question headings in capitals, a table with a
    header row, footnote links, and links inside sentences."""
    attr = f' lang="{lang}"' if lang else ""
    page = f"""<!DOCTYPE html><html{attr}><head><meta charset="utf-8">
<title>Varfarina sódica: bula para o paciente</title>
<link rel="canonical" href="https://www.exemplo-saude.example/bulas/varfarina">
</head><body><main><article>
<h1>Varfarina sódica</h1>
<ol><li><strong>PARA QUE ESTE MEDICAMENTO É INDICADO?</strong></li></ol>
<p>A varfarina é indicada para prevenir a formação de coágulos no sangue.<sup>
<a href="#fn1">[1]</a></sup> Ela é usada por pessoas com <a href="https://www.exemplo-saude.example/fibrilacao">fibrilação</a>
atrial e por quem tem válvulas cardíacas artificiais. O nome vem do
<a href="https://www.exemplo-saude.example/latim">latim</a> <i>warfarin</i>, de um laboratório.</p>
<ol start="2"><li><strong>COMO ESTE MEDICAMENTO FUNCIONA?</strong></li></ol>
<p>A varfarina diminui a ação da vitamina K, que o fígado usa para fazer os fatores de
coagulação. O efeito começa em dois a três dias.</p>
<table><tr><th>Idade</th><th>Dose</th></tr><tr><td>Adultos</td><td>5 mg</td></tr>
<tr><td>Idosos</td><td>2,5 mg</td></tr></table>
<p>Converse com o seu médico antes de mudar a dose ou parar o tratamento.</p>
<ol class="footnotes"><li id="fn1">Um coágulo pode bloquear um vaso sanguíneo.</li></ol>
</article></main></body></html>"""
    target.write_text(page, encoding="utf-8")
    return target
