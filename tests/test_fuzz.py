"""Property-based tests: any text either gives a clear ContentError or outputs every
reader parses. No audio is made here; timings are made up to drive the writers."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import srt
import webvtt
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import LEXICON, PODCAST, write_project
from imnm_audio.assemble import ChapterTiming, Episode, SegmentTiming
from imnm_audio.content import (
    Lexicon,
    Term,
    VoiceSettings,
    load_factsheet,
    load_lexicon,
    load_podcast,
)
from imnm_audio.errors import ContentError
from imnm_audio.export.feed import make_feed
from imnm_audio.export.page import episode_page
from imnm_audio.export.published import PublishedEpisode
from imnm_audio.export.transcripts import chapters_json, m3u
from imnm_audio.export.transcripts import srt as make_srt
from imnm_audio.export.transcripts import webvtt as make_vtt
from imnm_audio.narrate import Context, narrate, speak
from imnm_audio.script import dump_script, load_script

EXAMPLES = int(os.environ.get("IMNM_FUZZ_EXAMPLES", "150"))
NASTY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "]]>",
        "-->",
        "\"'&",
        "javascript:x",
        "\u202e",
        "e\u0301",
        "\U0001f600",
        "\x00",
        "\x1b[31m",
        "[[",
        "]]",
        "IMNM",
        "www.x.org",
        "#",
        "*",
        "- ",
        "\n\n",
        ": ",
        "{{",
        "&amp;",
        "\ufeff",
        "\u2028",
        "\t",
    ]
)
TEXT = st.lists(st.one_of(st.text(min_size=0, max_size=30), NASTY), max_size=8).map("".join)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"


def _factsheet(title: str, heading: str, body: str) -> str:
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f'---\ntitle: "{quoted}"\nshort_title: T\norganisation: Org\nlanguage: en-US\n'
        "source_url: https://example.org/\nsummary: s\npublished: 2026-01-01\n"
        "resources:\n  - title: Org\n    url: https://example.org/\n---\n\n"
        f"## {heading}\n\n{body}\n"
    )


def _episode(script) -> Episode:  # type: ignore[no-untyped-def]
    chapters, t = [], 0.0
    for chapter in script.chapters:
        segments = []
        for segment in chapter.segments:
            segments.append(SegmentTiming(segment.display, t, t + 1.0))
            t += 1.5
        chapters.append(
            ChapterTiming(
                chapter.id, chapter.title, chapter.urls, segments[0].start, t, tuple(segments)
            )
        )
    import numpy as np

    return Episode(np.zeros(10, dtype=np.int16), 22050, tuple(chapters), -3.0, (0.0,))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(title=TEXT, heading=TEXT, body=TEXT)
def test_any_factsheet_is_refused_clearly_or_every_output_parses(
    tmp_path: Path, title: str, heading: str, body: str
) -> None:
    root = write_project(tmp_path, factsheet="---\ntitle: x\n---\n")
    path = root / "content" / "tcf" / "factsheet.md"
    try:
        text = _factsheet("T " + title, "Q " + heading + "?", "Some " + body + " text.")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        sheet = load_factsheet(path)
    except (ContentError, UnicodeEncodeError) as err:
        event("refused: " + (err.message[:40] if isinstance(err, ContentError) else "surrogate"))
        if isinstance(err, ContentError):
            assert err.path is not None and err.render()
        return
    event("built every output")
    lexicon = load_lexicon(root / "content" / "lexicon.yaml")
    script = narrate(sheet, lexicon, VoiceSettings(), "f.md", "h")
    saved = root / "s.yaml"
    saved.write_text(dump_script(script), encoding="utf-8")
    assert load_script(saved).chapters == script.chapters
    assert all("[[" not in s.spoken or "]]" in s.spoken for s in script.segments)
    episode = _episode(script)
    webvtt.from_buffer(__import__("io").StringIO(make_vtt(episode)))
    list(srt.parse(make_srt(episode)))
    assert m3u(sheet.meta, episode, ["a.mp3"] * len(episode.chapters)).startswith("#EXTM3U")
    __import__("json").loads(chapters_json(sheet.meta, episode))
    published = PublishedEpisode("tcf", sheet.meta, 10.0, 1000, episode.chapters, ())
    podcast = load_podcast(root / "content" / "podcast.yaml")
    parser = _Tags()
    parser.feed(episode_page(podcast, published, {}))
    assert parser.scripts == 1  # only the page's own
    ET.fromstring(make_feed(podcast, [published], "https://example.org/a/", "cover.png"))
    from imnm_audio.export.book import book_chapters, make_daisy, make_epub

    chapters = book_chapters(script, episode.chapters)
    for text in make_daisy(sheet.meta, "tcf", "urn:x", chapters, "test").values():
        ET.fromstring(text.encode("utf-8"))  # every DAISY file is well-formed XML
    book = make_epub(sheet.meta, "tcf", "urn:x", chapters, b"", b"", "d")
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        for name in archive.namelist():
            if name.endswith((".xhtml", ".smil", ".opf")):
                ET.fromstring(archive.read(name))


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.lists(
        st.tuples(st.from_regex(r"[A-Za-z][A-Za-z/.\-]{0,6}", fullmatch=True), TEXT), max_size=6
    ),
    TEXT,
)
def test_lexicon_entries_that_mention_each_other_always_finish(entries, text) -> None:  # type: ignore[no-untyped-def]
    terms = {}
    for term, say in entries:
        terms.setdefault(term, Term(term, say or "x"))
    context = Context(Lexicon(Path("l.yaml"), tuple(terms.values())))
    assert isinstance(speak(text, context), str)


def test_thousands_of_sections_load(tmp_path: Path) -> None:
    body = "\n".join(f"## Question {n}?\n\nAnswer {n}.\n" for n in range(2000))
    write_project(tmp_path, factsheet=_factsheet("T", "First?", "x") + body)
    sheet = load_factsheet(tmp_path / "content" / "tcf" / "factsheet.md")
    assert len(sheet.sections) == 2001
    assert PODCAST and LEXICON
