"""PDFs written operator by operator, for the ways a page can hide text from a sighted
reader that a text extractor still reads (and the ways it can show text that is not in
the page's content). Each trick is one small page: the leaflet's paragraph, which every
reader sees, and one line that only the trick decides. None is anybody's document."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

BODY = (
    "Methotrexate is a medicine that calms the immune system. It is taken once a week, "
    "on the same day each week, with food or after a meal."
)
BODY_2 = "Your doctor will check your blood regularly while you take it."
SECRET = "call 0900 123 456 for a cure now"
SHOWN = "Ring the clinic on 0161 496 0000"

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def text_at(x: float, y: float, text: str, size: float = 11, font: str = "F1") -> bytes:
    return b"BT /%s %g Tf %g %g Td (%s) Tj ET\n" % (font.encode(), size, x, y, _escape(text))


def leaflet_text() -> bytes:
    """The heading and paragraph every reader sees."""
    return (
        text_at(60, 780, "Methotrexate and you", 16)
        + text_at(60, 750, BODY[:80])
        + text_at(60, 735, BODY[80:])
        + text_at(60, 720, BODY_2)
    )


def write_pdf(
    target: Path,
    content: bytes,
    resources: bytes = b"/Font << /F1 4 0 R >>",
    extra: list[bytes] | None = None,
    page_extra: bytes = b"",
    catalog_extra: bytes = b"",
) -> Path:
    """A one-page PDF: 1 catalog, 2 pages, 3 the page, 4 Helvetica, 5 the content, and
    the extra objects from 6 on (refer to them as 6 0 R, 7 0 R, ...)."""
    stream = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
        b"/Resources << " + resources + b" >> " + page_extra + b" >>",
        HELVETICA,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        *(extra or []),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
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


def stream_object(data: bytes, attrs: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), attrs) + data + b"\nendstream"


# ------------------------------------------------------------------ hidden from view


def covered_by_box(target: Path) -> Path:
    """A redaction bar: the line, then a black box painted over it."""
    content = leaflet_text() + text_at(60, 690, SECRET) + b"0 g 55 684 300 18 re f\n"
    return write_pdf(target, content)


def covered_by_white_box(target: Path) -> Path:
    """The line, then a white rectangle painted over it: the page looks blank there."""
    content = leaflet_text() + text_at(60, 690, SECRET) + b"1 g 55 684 300 18 re f 0 g\n"
    return write_pdf(target, content)


def covered_by_picture(target: Path) -> Path:
    """The line, then an opaque picture placed over it."""
    content = leaflet_text() + text_at(60, 690, SECRET) + b"q 300 0 0 18 55 684 cm /Im1 Do Q\n"
    picture = stream_object(
        b"\x80",
        b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8",
    )
    return write_pdf(target, content, b"/Font << /F1 4 0 R >> /XObject << /Im1 6 0 R >>", [picture])


def covered_by_annotation(target: Path) -> Path:
    """A square annotation filled black (its interior colour) over the line."""
    content = leaflet_text() + text_at(60, 690, SECRET)
    square = (
        b"<< /Type /Annot /Subtype /Square /Rect [55 684 355 702] /IC [0 0 0] /C [0 0 0] /F 4 >>"
    )
    return write_pdf(target, content, extra=[square], page_extra=b"/Annots [6 0 R]")


def _layers(off: bytes) -> bytes:
    return b"/OCProperties << /OCGs [6 0 R 7 0 R] /D << /Order [6 0 R 7 0 R] /OFF [%s] >> >>" % off


def layer_off(target: Path) -> Path:
    """The line on an optional-content layer the document's default view switches off."""
    content = leaflet_text() + b"/OC /Hidden BDC\n" + text_at(60, 690, SECRET) + b"EMC\n"
    groups = [b"<< /Type /OCG /Name (Shown) >>", b"<< /Type /OCG /Name (Secret) >>"]
    return write_pdf(
        target,
        content,
        b"/Font << /F1 4 0 R >> /Properties << /Hidden 7 0 R >>",
        groups,
        catalog_extra=_layers(b"7 0 R"),
    )


def layer_expression(target: Path) -> Path:
    """Two copies of one line at the same place, each on a membership dictionary with a
    visibility expression: [/And Shown] is seen, [/Not Shown] is not. Read without the
    expressions, the letters come out doubled ("RRiinngg")."""
    content = (
        leaflet_text()
        + b"/OC /Seen BDC\n"
        + text_at(60, 690, SHOWN)
        + b"EMC /OC /Unseen BDC\n"
        + text_at(60, 690, SHOWN)
        + b"EMC\n"
    )
    objects = [
        b"<< /Type /OCG /Name (Shown) >>",
        b"<< /Type /OCG /Name (Spare) >>",
        b"<< /Type /OCMD /OCGs [6 0 R] /VE [/And 6 0 R] >>",
        b"<< /Type /OCMD /OCGs [6 0 R] /VE [/Not 6 0 R] >>",
    ]
    return write_pdf(
        target,
        content,
        b"/Font << /F1 4 0 R >> /Properties << /Seen 8 0 R /Unseen 9 0 R >>",
        objects,
        catalog_extra=_layers(b""),
    )


def _type3(procedure: bytes) -> list[bytes]:
    """A Type 3 font (object 6) whose every glyph, a-z and space, runs `procedure`
    (object 7); glyph names are the letters' own, so an extractor reads real letters."""
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    names = b" ".join(b"/" + c.encode() for c in letters)
    procs = b" ".join(b"/%s 7 0 R" % c.encode() for c in letters) + b" /space 8 0 R"
    font = (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 500 700] "
        b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << " + procs + b" >> "
        b"/Encoding << /Type /Encoding /Differences [32 /space 97 " + names + b"] >> "
        b"/FirstChar 32 /LastChar 122 /Widths [" + b" ".join([b"500"] * 91) + b"] "
        b"/Resources << >> >>"
    )
    return [font, stream_object(procedure), stream_object(b"500 0 d0")]


def empty_type3(target: Path) -> Path:
    """A line set in a Type 3 font whose glyphs draw nothing."""
    content = leaflet_text() + text_at(60, 690, "call the secret clinic now", 11, "T3")
    return write_pdf(
        target, content, b"/Font << /F1 4 0 R /T3 6 0 R >>", _type3(b"500 0 0 0 500 700 d1")
    )


def drawn_type3(target: Path) -> Path:
    """The same, but each glyph draws a box: a reader sees marks there, so it is kept."""
    content = leaflet_text() + text_at(60, 690, "call the clinic now", 11, "T3")
    return write_pdf(
        target,
        content,
        b"/Font << /F1 4 0 R /T3 6 0 R >>",
        _type3(b"500 0 0 0 500 700 d1 50 0 400 600 re f"),
    )


def zero_scaling(target: Path) -> Path:
    """A line squeezed to nothing: horizontal scaling 0."""
    content = leaflet_text() + b"BT /F1 11 Tf 0 Tz 60 690 Td (%s) Tj ET\n" % _escape(SECRET)
    return write_pdf(target, content)


def separation_none(target: Path) -> Path:
    """A line in a Separation colour whose colorant is /None: it never marks the page."""
    content = leaflet_text() + b"/CS0 cs 1 scn\n" + text_at(60, 690, SECRET) + b"0 g\n"
    tint = b"<< /FunctionType 2 /Domain [0 1] /C0 [0] /C1 [1] /N 1 >>"
    return write_pdf(
        target,
        content,
        b"/Font << /F1 4 0 R >> /ColorSpace << /CS0 [/Separation /None /DeviceGray 6 0 R] >>",
        [tint],
    )


# ------------------------------------------------------------------ shown, not in the stream


def clip_then_fill(target: Path) -> Path:
    """Text used as a clipping path (rendering mode 7), then a blue box painted through
    it: a reader sees the line in blue."""
    content = (
        leaflet_text()
        + b"q BT 7 Tr /F1 14 Tf 60 690 Td (%s) Tj ET\n" % _escape(SHOWN)
        + b"0 0 1 rg 55 684 300 22 re f Q\n"
    )
    return write_pdf(target, content)


def free_text(target: Path) -> Path:
    """A note typed onto the page in a viewer: a FreeText annotation."""
    annotation = (
        b"<< /Type /Annot /Subtype /FreeText /Rect [60 684 400 702] /F 4 /Contents (%s) "
        b"/DA (/Helv 11 Tf 0 g) >>" % _escape(SHOWN)
    )
    return write_pdf(target, leaflet_text(), extra=[annotation], page_extra=b"/Annots [6 0 R]")


def filled_form(target: Path) -> Path:
    """A form whose field was filled in: the value is in the field, not the page."""
    field = (
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (phone) /V (%s) /Rect [60 684 400 702] "
        b"/F 4 /DA (/Helv 11 Tf 0 g) >>" % _escape(SHOWN)
    )
    hidden = (
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (secret) /V (%s) "
        b"/Rect [60 660 400 678] /F 6 >>" % _escape(SECRET)
    )
    return write_pdf(
        target,
        leaflet_text() + text_at(60, 705, "Phone number:"),
        extra=[field, hidden],
        page_extra=b"/Annots [6 0 R 7 0 R]",
        catalog_extra=b"/AcroForm << /Fields [6 0 R 7 0 R] >>",
    )


HIDDEN_TRICKS = {
    "covered by a black box": (covered_by_box, "covered"),
    "covered by a white box": (covered_by_white_box, "covered"),
    "covered by a picture": (covered_by_picture, "covered"),
    "covered by an annotation": (covered_by_annotation, "covered"),
    "on a layer that is off": (layer_off, "layer"),
    "in an empty Type 3 font": (empty_type3, "paint nothing"),
    "at zero horizontal scaling": (zero_scaling, "paint nothing"),
    "in a Separation colour of None": (separation_none, "paint nothing"),
}

SHOWN_TRICKS = {
    "through a clip made of text": clip_then_fill,
    "in a FreeText annotation": free_text,
    "in a filled form field": filled_form,
    "on the layer a visibility expression shows": layer_expression,
}
