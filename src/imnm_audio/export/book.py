"""Talking books: EPUB 3 with Media Overlays, and a DAISY 2.02 full-text, full-audio book.

Both carry the factsheet's text, sentence by sentence, synchronised with the
episode's audio from the exact segment timings, so a reading app highlights the
sentence being spoken and a player can move by heading and sentence.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from html import escape

from ..assemble import ChapterTiming
from ..content import FactsheetMeta
from ..narrate import PAUSE_LEAD
from ..script import Script
from .structure import to_html, tree

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same bytes
ACTIVE_CLASS = "-epub-media-overlay-active"


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str
    start: float
    end: float
    kind: str  # "heading", "lead" or "text"
    block: str = ""  # Segment.block: paragraph, sub-heading or list item (structure.py)
    strong: bool = False
    pause: int = 0

    @property
    def display(self) -> str:
        return self.text


@dataclass(frozen=True)
class BookChapter:
    number: int
    id: str
    title: str
    sentences: tuple[Sentence, ...]
    urls: tuple[str, ...]

    @property
    def start(self) -> float:
        return self.sentences[0].start

    @property
    def end(self) -> float:
        return self.sentences[-1].end


def book_chapters(script: Script, timings: tuple[ChapterTiming, ...]) -> list[BookChapter]:
    """The script's segments with their times, marked as headings, lead-ins or text.

    A sentence's clip runs on to the start of the next one (the last to the end of its
    chapter), so players that jump from clip to clip keep the narration's pauses.
    """
    out = []
    n = 0
    for number, (chapter, timing) in enumerate(zip(script.chapters, timings, strict=True), 1):
        sentences = []
        spans = timing.segments
        for index, (segment, t) in enumerate(zip(chapter.segments, spans, strict=True)):
            n += 1
            heading = index == 0 and segment.display == chapter.title
            kind = "heading" if heading else "lead" if segment.pause_ms == PAUSE_LEAD else "text"
            end = spans[index + 1].start if index + 1 < len(spans) else timing.end
            sentences.append(
                Sentence(
                    f"s{n:04d}",
                    segment.display,
                    t.start,
                    end,
                    kind,
                    segment.block,
                    segment.strong or (not segment.block and kind == "lead"),
                    segment.pause_ms,
                )
            )
        out.append(BookChapter(number, chapter.id, chapter.title, tuple(sentences), chapter.urls))
    return out


def _body(chapter: BookChapter, heading_tag: str, subheading_tag: str) -> str:
    """A chapter as XHTML: its heading, then its paragraphs, sub-headings and lists
    (structure.py), every sentence a span with the id its media overlay points at."""
    parts: list[str] = []
    sentences = list(chapter.sentences)
    if sentences[0].kind == "heading":
        first = sentences.pop(0)
        parts.append(f'<{heading_tag} id="{first.id}">{escape(first.text)}</{heading_tag}>')
    else:
        parts.append(f"<{heading_tag}>{escape(chapter.title)}</{heading_tag}>")

    def span(i: int) -> str:
        return f'<span id="{sentences[i].id}">{escape(sentences[i].text)}</span>'

    nodes = tree(sentences, [s.pause for s in sentences])
    parts.append(to_html(nodes, sentences, span, subheading_tag))
    for url in chapter.urls:
        parts.append(f'<p><a href="{escape(url)}">{escape(url)}</a></p>')
    return "\n".join(parts)


def _clock(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}"


def _zip(files: list[tuple[str, bytes]], mimetype: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            info = zipfile.ZipInfo("mimetype", ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, mimetype)
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = (
                zipfile.ZIP_STORED if name.endswith((".mp3", ".png")) else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def book_identifier(link: str, slug: str) -> str:
    name = link.rstrip("/") + f"#{slug}-book"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


# ---------------------------------------------------------------- EPUB 3


CSS = f"""body {{ font-family: serif; line-height: 1.5; margin: 1em; }}
.{ACTIVE_CLASS} {{ background-color: #ffe07a; color: #000; }}
"""


NARRATOR = "text-to-speech"


def narrator(engine: str, voice: str) -> str:
    """Who reads the book, for its metadata: the synthetic voice, named."""
    names = {"hibari": "hibari", "piper": "Piper", "gtts": "Google", "espeak": "eSpeak NG"}
    return f"{names.get(engine, engine)} text-to-speech, voice {voice}"


def make_epub(
    meta: FactsheetMeta,
    slug: str,
    identifier: str,
    chapters: list[BookChapter],
    mp3: bytes,
    cover_png: bytes,
    description: str,
    narrator: str = NARRATOR,
) -> bytes:
    lang = escape(meta.language)
    modified = f"{meta.published}T00:00:00Z"
    files: list[tuple[str, bytes]] = []
    container = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="EPUB/package.opf" '
        'media-type="application/oebps-package+xml"/></rootfiles></container>\n'
    )
    files.append(("META-INF/container.xml", container.encode()))
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
        '<item id="cover" href="cover.png" media-type="image/png" properties="cover-image"/>',
        f'<item id="audio" href="audio/{slug}.mp3" media-type="audio/mpeg"/>',
    ]
    spine, durations, nav_items = [], [], []
    for c in chapters:
        name = f"chapter-{c.number:02d}"
        xhtml = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">
<head><meta charset="utf-8"/><title>{escape(c.title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/></head>
<body><section id="{c.id}" epub:type="chapter" role="doc-chapter" aria-label="{escape(c.title)}">
{_body(c, "h2", "h3")}
</section></body></html>
"""
        pars = "\n".join(
            f'<par id="p-{s.id}"><text src="{name}.xhtml#{s.id}"/>'
            f'<audio src="audio/{slug}.mp3" clipBegin="{s.start:.3f}s" clipEnd="{s.end:.3f}s"/>'
            "</par>"
            for s in c.sentences
        )
        smil = f"""<?xml version="1.0" encoding="UTF-8"?>
<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">
<body><seq id="seq-{c.number}" epub:textref="{name}.xhtml#{c.id}" epub:type="chapter">
{pars}
</seq></body></smil>
"""
        files += [(f"EPUB/{name}.xhtml", xhtml.encode()), (f"EPUB/{name}.smil", smil.encode())]
        manifest.append(
            f'<item id="{name}" href="{name}.xhtml" media-type="application/xhtml+xml" '
            f'media-overlay="{name}-overlay"/>'
        )
        manifest.append(
            f'<item id="{name}-overlay" href="{name}.smil" media-type="application/smil+xml"/>'
        )
        spine.append(f'<itemref idref="{name}"/>')
        seconds = sum(s.end - s.start for s in c.sentences)
        durations.append(
            f'<meta property="media:duration" refines="#{name}-overlay">{_clock(seconds)}</meta>'
        )
        nav_items.append(f'<li><a href="{name}.xhtml">{escape(c.title)}</a></li>')
    overlay_total = sum(s.end - s.start for c in chapters for s in c.sentences)
    nav = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">
<head><meta charset="utf-8"/><title>{escape(meta.title)}</title></head>
<body><nav epub:type="toc" id="toc" role="doc-toc"><h1>Contents</h1><ol>
{"".join(nav_items)}
</ol></nav>
<nav epub:type="landmarks" hidden="hidden"><ol>
<li><a epub:type="bodymatter" href="chapter-01.xhtml">Start</a></li></ol></nav>
</body></html>
"""
    summary = (
        "The full text of the factsheet, with every sentence synchronised with a "
        "recorded narration (synthetic speech); headings and a table of contents for "
        "navigation. No known hazards."
    )
    opf = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="{lang}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="uid">{escape(identifier)}</dc:identifier>
<dc:title>{escape(meta.title)}</dc:title>
<dc:creator>{escape(meta.organisation)}</dc:creator>
<dc:publisher>{escape(meta.organisation)}</dc:publisher>
<dc:language>{lang}</dc:language>
<dc:date>{escape(meta.published)}</dc:date>
<dc:description>{escape(description)}</dc:description>
<meta property="dcterms:modified">{modified}</meta>
<meta property="schema:accessMode">textual</meta>
<meta property="schema:accessMode">auditory</meta>
<meta property="schema:accessModeSufficient">textual</meta>
<meta property="schema:accessModeSufficient">auditory</meta>
<meta property="schema:accessModeSufficient">textual,auditory</meta>
<meta property="schema:accessibilityFeature">synchronizedAudioText</meta>
<meta property="schema:accessibilityFeature">structuralNavigation</meta>
<meta property="schema:accessibilityFeature">tableOfContents</meta>
<meta property="schema:accessibilityFeature">readingOrder</meta>
<meta property="schema:accessibilityHazard">none</meta>
<meta property="schema:accessibilitySummary">{summary}</meta>
<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>
<meta property="media:active-class">{ACTIVE_CLASS}</meta>
<meta property="media:narrator">{escape(narrator)}</meta>
<meta property="media:duration">{_clock(overlay_total)}</meta>
{chr(10).join(durations)}
</metadata>
<manifest>
{chr(10).join(manifest)}
</manifest>
<spine>
{chr(10).join(spine)}
</spine>
</package>
"""
    files += [
        ("EPUB/package.opf", opf.encode()),
        ("EPUB/nav.xhtml", nav.encode()),
        ("EPUB/style.css", CSS.encode()),
        ("EPUB/cover.png", cover_png),
        (f"EPUB/audio/{slug}.mp3", mp3),
    ]
    return _zip(sorted(files), mimetype=b"application/epub+zip")


# ---------------------------------------------------------------- DAISY 2.02


def _npt(seconds: float) -> str:
    return f"npt={seconds:.3f}s"


def make_daisy(
    meta: FactsheetMeta,
    slug: str,
    identifier: str,
    chapters: list[BookChapter],
    generator: str,
    narrator: str = NARRATOR,
) -> dict[str, str]:
    """The text files of a DAISY 2.02 book (the MP3 is copied beside them by the caller)."""
    lang = escape(meta.language)
    title = escape(meta.title)
    files: dict[str, str] = {}
    content_parts, toc = [], []
    elapsed = 0.0
    for c in chapters:
        smil_name = f"chapter{c.number:02d}.smil"
        body = _body(c, "h1", "h2")
        if c.sentences[0].kind != "heading":  # give the heading an id to point at
            body = body.replace("<h1>", f'<h1 id="h{c.number:02d}">', 1)
        content_parts.append(body)
        first = c.sentences[0].id
        toc.append(
            f'<h1 class="section" id="toc{c.number:02d}"><a href="{smil_name}#par-{first}">'
            f"{escape(c.title)}</a></h1>"
        )
        # A chapter's sub-headings are the next level of the book's navigation.
        toc += [
            f'<h2 id="toc-{s.id}"><a href="{smil_name}#par-{s.id}">{escape(s.text)}</a></h2>'
            for s in c.sentences
            if s.kind != "heading" and s.block.startswith("h")
        ]
        pars = []
        for s in c.sentences:
            pars.append(
                f'<par endsync="last" id="par-{s.id}">'
                f'<text src="content.html#{s.id}" id="text-{s.id}"/>'
                f'<audio src="{slug}.mp3" clip-begin="{_npt(s.start)}" '
                f'clip-end="{_npt(s.end)}" id="audio-{s.id}"/></par>'
            )
        duration = sum(s.end - s.start for s in c.sentences)
        files[smil_name] = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">
<smil>
<head>
<meta name="dc:format" content="Daisy 2.02"/>
<meta name="dc:title" content="{escape(c.title)}"/>
<meta name="dc:identifier" content="{escape(identifier)}"/>
<meta name="ncc:generator" content="{escape(generator)}"/>
<meta name="ncc:totalElapsedTime" content="{_clock(elapsed)}"/>
<meta name="ncc:timeInThisSmil" content="{_clock(duration)}"/>
<layout><region id="txtView"/></layout>
</head>
<body>
<seq dur="{duration:.3f}s">
{chr(10).join(pars)}
</seq>
</body>
</smil>
"""
        elapsed += duration
    files["content.html"] = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="{lang}" xml:lang="{lang}">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"/><title>{title}</title></head>
<body>
{chr(10).join(content_parts)}
</body></html>
"""
    names = [
        "ncc.html",
        "content.html",
        *[f"chapter{c.number:02d}.smil" for c in chapters],
        f"{slug}.mp3",
    ]
    meta_tags = {
        "dc:title": meta.title,
        "dc:creator": meta.organisation,
        "dc:date": meta.published,
        "dc:format": "Daisy 2.02",
        "dc:identifier": identifier,
        "dc:language": meta.language,
        "dc:publisher": meta.organisation,
        "ncc:charset": "utf-8",
        "ncc:generator": generator,
        "ncc:multimediaType": "audioFullText",
        "ncc:narrator": narrator,
        "ncc:pageFront": "0",
        "ncc:pageNormal": "0",
        "ncc:pageSpecial": "0",
        "ncc:maxPageNormal": "0",
        "ncc:setInfo": "1 of 1",
        "ncc:tocItems": str(len(toc)),
        "ncc:totalTime": _clock(elapsed),
        "ncc:depth": "2" if len(toc) > len(chapters) else "1",
        "ncc:files": str(len(names)),
    }
    metas = "\n".join(f'<meta name="{k}" content="{escape(v)}"/>' for k, v in meta_tags.items())
    files["ncc.html"] = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="{lang}" xml:lang="{lang}">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>
<title>{title}</title>
{metas}
</head>
<body>
{chr(10).join(toc)}
</body></html>
"""
    return files


def zip_folder(files: list[tuple[str, bytes]]) -> bytes:
    return _zip(sorted(files))
