"""A library of many factsheets: 20 small ones built for real, read back by a feed reader,
two podcast parsers and Chromium (the index, its filter box, every page through axe)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import LEXICON, PODCAST, folders, write_project
from imnm_audio.cli import main

COUNT = 20
WORDS = (
    "rest sleep walking swimming cooking gardening reading music travel driving work school "
    "family friends pets stairs bathing dressing eating breathing"
).split()
BASE = "https://example.org/audio/"


def factsheet(n: int) -> str:
    word = WORDS[n - 1]
    return f"""\
---
title: Myositis and {word}
short_title: {word.title()}
organisation: Test Charity
language: en-US
source_url: https://example.org/sheets/{word}
summary: Tips about {word} for people with myositis.
published: 2026-01-{n:02d}
episode: {n}
resources:
  - title: Test Charity
    url: https://www.example.org/help
---

## About {word}

Some people find {word} harder. Small changes can help.
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    root = tmp_path_factory.mktemp("library")
    write_project(root, factsheet(1), PODCAST, LEXICON, "sheet-01")
    for n in range(2, COUNT + 1):
        (root / "content" / f"sheet-{n:02d}").mkdir()
        (root / "content" / f"sheet-{n:02d}" / "factsheet.md").write_text(factsheet(n))
    assert main(["build", "-q", "--no-hold", *folders(root, shared_cache)]) == 0
    return root


def test_the_feed_has_every_episode_with_stable_guids_and_numbers(
    library: Path, shared_cache: Path
) -> None:
    import feedparser
    import podcastparser

    feed = library / "audio" / "feed.xml"
    first = feed.read_bytes()
    parsed = feedparser.parse(first)
    assert not parsed.bozo and len(parsed.entries) == COUNT
    assert sorted(int(e.itunes_episode) for e in parsed.entries) == list(range(1, COUNT + 1))
    guids = [e.id for e in parsed.entries]
    assert len(set(guids)) == COUNT
    with feed.open("rb") as stream:
        episodes = podcastparser.parse(BASE + "feed.xml", stream)["episodes"]
    assert len(episodes) == COUNT and {e["guid"] for e in episodes} == set(guids)
    assert {e["number"] for e in episodes} == set(range(1, COUNT + 1))
    # A second build changes nothing: the same GUIDs, the same bytes.
    assert main(["build", "-q", "--no-hold", *folders(library, shared_cache)]) == 0
    assert feed.read_bytes() == first


@pytest.fixture(scope="module")
def site(library: Path) -> Iterator[str]:
    from imnm_audio.serve import serve_in_background

    server, url = serve_in_background(library / "audio")
    yield url
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_the_index_lists_every_episode_newest_first_with_no_players(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(site)
    titles = page.locator(".library h3").all_inner_texts()
    assert titles == [f"Myositis and {WORDS[n - 1]}" for n in range(COUNT, 0, -1)]
    assert page.locator("audio").count() == 0 and page.locator(".cue").count() == 0
    first = page.locator(".library > li").first
    assert "Episode 20" in first.inner_text() and "January 20, 2026" in first.inner_text()
    names = first.get_by_role("link").all_inner_texts()
    assert names[0] == "Myositis and breathing"
    assert [n.split(" (")[0] for n in names[1:]] == [
        "MP3",
        "Transcript, plain text",
        "Talking book, EPUB 3",
        "Talking book, DAISY 2.02",
    ]
    page.close()


@pytest.mark.browser
def test_the_filter_box_narrows_the_list_from_the_keyboard(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(site)
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    for _ in range(3):  # the feed link, then the filter box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "filter":
            break
    assert page.evaluate("document.activeElement.id") == "filter"
    page.keyboard.type("swim")
    visible = page.locator(".library > li:visible h3").all_inner_texts()
    assert visible == ["Myositis and swimming"]
    assert page.get_by_role("status").inner_text() == "1 of 20 episodes shown."
    page.keyboard.press("Control+A")
    page.keyboard.type("tips myositis")  # every word must match, in any field
    assert page.locator(".library > li:visible").count() == COUNT
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    assert page.get_by_role("status").inner_text() == "All 20 episodes shown."
    page.close()


@pytest.mark.browser
def test_every_episode_page_links_the_library_and_its_neighbours(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(site + "sheet-10/index.html")
    nav = page.get_by_role("navigation", name="Episodes")
    assert nav.get_by_role("link").all_inner_texts() == [
        "All episodes",
        f"Myositis and {WORDS[10]}",  # newer: episode 11
        f"Myositis and {WORDS[8]}",  # older: episode 9
    ]
    page.goto(site + "sheet-20/index.html")
    assert "Newer" not in page.get_by_role("navigation", name="Episodes").inner_text()
    page.close()


@pytest.mark.browser
def test_every_page_of_the_library_passes_axe(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    import axe_playwright_python

    axe = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
    page = browser.new_page()
    bad = {}
    for path in ["", *[f"sheet-{n:02d}/index.html" for n in range(1, COUNT + 1)]]:
        page.goto(site + path)
        page.add_script_tag(content=axe)
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        found = [(v["id"], v["impact"]) for v in result["violations"] if v["impact"]]
        if found:
            bad[path] = found
    assert bad == {}
    page.close()
