"""Lists, bold lead-ins and sub-headings kept from the factsheet to every transcript and book."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PODCAST, folders, write_project
from imnm_audio.cli import main
from imnm_audio.export.structure import to_html, to_text, tree
from imnm_audio.script import Segment

XHTML = "{http://www.w3.org/1999/xhtml}"
SMIL3 = "{http://www.w3.org/ns/SMIL}"

STRUCTURED = """\
---
title: Living with Myositis
short_title: Living
organisation: Test Charity
language: en-GB
source_url: https://example.org/living
summary: Daily life with myositis.
published: 2026-02-01
episode: 4
resources:
  - title: Test Charity
    url: https://www.example.org/help
---

## Day to day

Rest when you need to. Pace yourself.

### At home

Small changes help:

1. Sit to wash and dress.
2. Keep things you use often within reach.

### At work

- **Talk to your employer.** They can make changes.
  - Ask for a desk near the door.
  - Ask to work from home.
- **Plan breaks.** Short breaks help.

  A longer break at lunch helps too.
"""

LEXICON = "terms:\n  - term: myositis\n    say: my-oh-SY-tis\n"


def _segments(*blocks: tuple[str, str, bool]) -> list[Segment]:
    return [Segment(text, text, 350, block=block, strong=strong) for text, block, strong in blocks]


def test_blocks_become_paragraphs_headings_and_nested_lists() -> None:
    segments = _segments(
        ("Rest.", "p1", False),
        ("Pace yourself.", "p1", False),
        ("At home", "h1", False),
        ("Sit.", "ol1.1", False),
        ("Reach.", "ol1.2", False),
        ("Talk.", "ul2.1", True),
        ("They help.", "ul2.1", False),
        ("A desk.", "ul2.1.1", False),
        ("Home.", "ul2.1.2", False),
        ("Breaks.", "ul2.2", True),
        ("After.", "p2", False),
    )
    html = to_html(tree(segments), segments, lambda i: f"[{segments[i].display}]", "h5")
    assert html.split("\n") == [
        "<p>[Rest.] [Pace yourself.]</p>",
        "<h5>[At home]</h5>",
        "<ol><li>[Sit.]</li><li>[Reach.]</li></ol>",
        "<ul><li><strong>[Talk.]</strong> [They help.]<ul><li>[A desk.]</li><li>[Home.]</li>"
        "</ul></li><li><strong>[Breaks.]</strong></li></ul>",
        "<p>[After.]</p>",
    ]
    assert to_text(tree(segments), segments) == [
        "Rest. Pace yourself.",
        "At home",
        "1. Sit.",
        "2. Reach.",
        "- Talk. They help.",
        "  - A desk.",
        "  - Home.",
        "- Breaks.",
        "After.",
    ]


def test_a_script_without_blocks_is_split_into_paragraphs_by_its_pauses() -> None:
    segments = [Segment(t, t, p) for t, p in [("Lead.", 450), ("One.", 350), ("Two.", 700)]]
    segments.append(Segment("Three.", "Three.", 1200))
    nodes = tree(segments, [s.pause_ms for s in segments])
    assert [(n.kind, n.lines) for n in nodes] == [("p", [0]), ("p", [1, 2]), ("p", [3])]
    assert [(n.kind, n.lines) for n in tree(segments)] == [("p", [0, 1, 2, 3])]


@pytest.fixture(scope="module")
def structured(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    root = tmp_path_factory.mktemp("structured")
    write_project(root, STRUCTURED, PODCAST, LEXICON, "living")
    assert main(["build", "-q", "--no-hold", *folders(root, shared_cache)]) == 0
    return root


def test_the_script_records_each_sentence_s_block(structured: Path) -> None:
    text = (structured / "scripts" / "living.yaml").read_text()
    assert "block: ol1.2" in text and "block: ul2.1.1" in text and "strong: true" in text
    chapter = json.loads((structured / "audio/living/timings.json").read_text())[1]
    blocks = [(s["display"], s["block"]) for s in chapter["segments"]]
    assert ("A longer break at lunch helps too.", "ul2.2") in blocks  # the item's 2nd paragraph
    assert ("At work", "h2") in blocks


def test_the_plain_text_transcript_keeps_list_markers(structured: Path) -> None:
    text = (structured / "audio/living/living.txt").read_text()
    assert "\n1. Sit to wash and dress.\n2. Keep things you use often within reach.\n" in text
    assert "\n- Talk to your employer. They can make changes.\n  - Ask for a desk" in text
    assert "\n- Plan breaks. Short breaks help. A longer break at lunch helps too.\n" in text
    assert "\nAt home\n" in text


def _chapter_xhtml(structured: Path) -> tuple[ET.Element, ET.Element]:
    with zipfile.ZipFile(structured / "audio/living/living.epub") as book:
        xhtml = ET.fromstring(book.read("EPUB/chapter-02.xhtml"))
        smil = ET.fromstring(book.read("EPUB/chapter-02.smil"))
    return xhtml, smil


def test_the_epub_has_the_lists_and_every_sentence_still_has_its_overlay(structured: Path) -> None:
    xhtml, smil = _chapter_xhtml(structured)
    body = xhtml.find(f".//{XHTML}section")
    assert ["".join(h.itertext()) for h in body.iter(f"{XHTML}h3")] == ["At home", "At work"]
    ordered = body.find(f"{XHTML}ol")
    assert len(ordered.findall(f"{XHTML}li")) == 2
    outer = body.find(f"{XHTML}ul")
    items = outer.findall(f"{XHTML}li")
    assert len(items) == 2 and items[0].find(f"{XHTML}strong") is not None
    assert len(items[0].find(f"{XHTML}ul").findall(f"{XHTML}li")) == 2
    spans = [s.get("id") for s in body.iter(f"{XHTML}span")]
    texts = [t.get("src").split("#")[1] for t in smil.iter(f"{SMIL3}text")]
    heading = body.find(f"{XHTML}h2").get("id")
    assert texts == [heading, *spans]  # item by item, in reading order


def test_epubcheck_passes_the_structured_book(structured: Path) -> None:
    from test_export_book import epubcheck

    epubcheck(structured / "audio/living/living.epub")


def test_the_daisy_book_has_the_lists_and_the_sub_headings_in_its_navigation(
    structured: Path,
) -> None:
    folder = structured / "audio/living/daisy"
    content = (folder / "content.html").read_text()
    assert re.search(r"<ol><li><span id=\"s\d+\">Sit to wash and dress\.</span></li>", content)
    ET.fromstring(content)  # well-formed XHTML
    ncc = ET.fromstring((folder / "ncc.html").read_text())
    meta = {m.get("name"): m.get("content") for m in ncc.iter(f"{XHTML}meta") if m.get("name")}
    assert meta["ncc:depth"] == "2"
    subheadings = ["".join(h.itertext()) for h in ncc.iter(f"{XHTML}h2")]
    assert subheadings == ["At home", "At work"]
    assert meta["ncc:tocItems"] == str(len(list(ncc.iter(f"{XHTML}h1"))) + 2)
    for h in ncc.iter(f"{XHTML}h2"):
        smil_name, par = h.find(f"{XHTML}a").get("href").split("#")
        assert par in (folder / smil_name).read_text()


@pytest.fixture(scope="module")
def page(structured: Path) -> Iterator[object]:
    from conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    from imnm_audio.serve import serve_in_background

    server, url = serve_in_background(structured / "audio")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        tab.goto(url + "living/index.html")
        yield tab
        browser.close()
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_a_screen_reader_hears_lists_with_their_items_on_the_page(page, structured: Path) -> None:  # type: ignore[no-untyped-def]
    transcript = page.locator(".transcript")
    lists = transcript.get_by_role("list")
    # The introduction's list of sections, the ordered list, the list and its inner list.
    assert lists.count() == 4
    assert [lists.nth(i).get_by_role("listitem").count() for i in range(4)] == [1, 2, 4, 2]
    assert transcript.get_by_role("heading", name="At work").count() == 1
    assert transcript.locator("li strong").first.inner_text() == "Talk to your employer."
    # Every sentence is still a cue the highlight can follow, and the page passes axe.
    cues = page.evaluate("document.querySelectorAll('.transcript .cue').length")
    timings = json.loads((structured / "audio/living/timings.json").read_text())
    assert cues == sum(len(c["segments"]) for c in timings)
    import axe_playwright_python

    page.add_script_tag(
        content=Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
    )
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    assert [(v["id"], v["impact"]) for v in result["violations"] if v["impact"]] == []
