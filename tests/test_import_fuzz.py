"""The importer never gives a traceback and never writes a factsheet it would refuse.

Two properties, with hypothesis:

- whatever blocks a reader hands on (any kinds, levels, texts, links), the factsheet
  written from them reads back as `imnm-audio script` reads it;
- the readers, given damaged copies of documents made here (truncated, bytes flipped,
  a Word part's XML mangled, tags and entities thrown into a page), either read them
  or refuse them with a ContentError: never another exception, never a hang.

`make stress` runs many more examples (IMNM_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import io
import os
import signal
import traceback
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from conftest import REPO
from documents import make_docx, make_html, make_pdf
from imnm_audio.errors import ContentError
from imnm_audio.importer import _read_back
from imnm_audio.importer.document import Block, Document, Run
from imnm_audio.importer.limits import LimitExceeded
from imnm_audio.importer.pdf import read_pdf
from imnm_audio.importer.structure import shape
from imnm_audio.importer.web import read_html
from imnm_audio.importer.word import check_package, read_docx
from imnm_audio.importer.write import factsheet_text

EXAMPLES = int(os.environ.get("IMNM_FUZZ_EXAMPLES", "150"))
READER_EXAMPLES = max(8, EXAMPLES // 15)
PIECE = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=6),
    st.sampled_from(
        list("-*#>=_`[]()<>!\\|~:\n\t ") + ["---", "1. ", "<!--", "&amp;", "\ue000", "  ", "==="]
    ),
)
TEXT = st.lists(PIECE, max_size=8).map("".join)
RUN = st.builds(
    Run,
    TEXT,
    st.booleans(),
    st.one_of(
        st.none(),
        st.sampled_from(
            [
                "https://www.example.org/a b",
                "javascript:x",
                "tel:+441234567890",
                "#fn1",
                "https://[bad",
                "mailto:a@b.org",
                "https://ex.org/x>y",
            ]
        ),
    ),
)
BLOCK = st.builds(
    Block,
    st.sampled_from(["heading", "p", "li"]),
    st.lists(RUN, min_size=0, max_size=4),
    st.integers(min_value=0, max_value=8),
    st.booleans(),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    blocks=st.lists(BLOCK, min_size=1, max_size=12),
    title=st.one_of(st.none(), TEXT),
    name=TEXT,
)
def test_whatever_a_reader_hands_on_is_written_as_a_factsheet_that_reads_back(
    blocks: list[Block], title: str | None, name: str
) -> None:
    doc = Document("PDF", blocks, title=title, organisation=title, summary=title)
    if not any(b.text for b in blocks if b.kind != "heading"):
        return  # the importer refuses a document with no text before it writes
    written = factsheet_text(doc, name or "x.pdf", "2026-12-03")
    _read_back(written.text, written.slug, Path("x.pdf"))  # raises if it would not read


# ------------------------------------------------------------------ damaged documents


@contextmanager
def no_hang(seconds: int = 30) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise AssertionError(f"the reader ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_or_refuse(path: Path, reader) -> None:  # noqa: ANN001
    """What `imnm-audio import` does with the file, in this process: it is read and
    written, or refused with a ContentError (LimitExceeded becomes one). A parser's own
    failure on a damaged file (pdfminer's IndexError, say) is reported by the reading
    process as "cannot be read"; an exception raised in imnm_audio's code is a bug."""
    with no_hang():
        try:
            if path.suffix == ".docx":
                check_package(path)
            doc = reader(path)
            if not doc.text.strip():
                return
            shape(doc, path)
            written = factsheet_text(doc, path.name, "2026-12-03")
            if "\n---\n" in written.text:
                _read_back(written.text, written.slug, path)
        except (ContentError, LimitExceeded):
            pass
        except Exception as err:
            innermost = traceback.extract_tb(err.__traceback__)[-1].filename
            if "imnm_audio" in innermost or "/tests/" in innermost:
                raise


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("originals")
    sheet = REPO / "content" / "imnm" / "factsheet.md"
    return {
        "pdf": hostile.leaflet_pdf(folder / "a.pdf").read_bytes(),
        "pdf-reportlab": make_pdf(sheet, folder / "b.pdf").read_bytes(),
        "docx": hostile.leaflet_docx(folder / "a.docx").read_bytes(),
        "docx-sheet": make_docx(sheet, folder / "b.docx").read_bytes(),
        "html": make_html(sheet, folder / "a.html").read_bytes(),
    }


def damage(data: bytes, draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["truncate", "flip", "splice"]))
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            at = draw(st.integers(0, len(out) - 1))
            out[at] = draw(st.integers(0, 255))
        return bytes(out)
    at = draw(st.integers(0, len(data)))
    junk = draw(
        st.sampled_from(
            [
                b"<<",
                b">>",
                b"endobj",
                b"stream\n",
                b"\x00" * 64,
                b"<w:p>",
                b"]]>",
                b"<!--",
                b"&lol;",
                b"<table><tr><td>",
                b"</li></ul>",
                b"(\\",
                b"%%EOF",
                b"<b><i><u>" * 200,
            ]
        )
    )
    return data[:at] + junk + data[at:]


def damage_a_part(data: bytes, draw: st.DrawFn) -> bytes:
    """One part of the Word package damaged, the package itself intact."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.endswith((".xml", ".rels"))]
        parts = {n: archive.read(n) for n in archive.namelist()}
    name = draw(st.sampled_from(sorted(names)))
    parts[name] = damage(parts[name], draw)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for part, body in parts.items():
            copy.writestr(part, body)
    return out.getvalue()


@pytest.mark.parametrize(
    "kind, suffix, reader",
    [
        ("pdf", ".pdf", read_pdf),
        ("pdf-reportlab", ".pdf", read_pdf),
        ("docx", ".docx", read_docx),
        ("docx-sheet", ".docx", read_docx),
        ("html", ".html", read_html),
    ],
)
def test_a_damaged_document_is_read_or_refused_never_a_traceback(
    kind: str,
    suffix: str,
    reader,
    originals: dict[str, bytes],
    tmp_path: Path,  # noqa: ANN001
) -> None:
    @settings(
        max_examples=READER_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        original = originals[kind]
        if suffix == ".docx" and data.draw(st.booleans()):
            damaged = damage_a_part(original, data.draw)
        else:
            damaged = damage(original, data.draw)
        path = tmp_path / f"damaged{suffix}"
        path.write_bytes(damaged)
        read_or_refuse(path, reader)

    check()
