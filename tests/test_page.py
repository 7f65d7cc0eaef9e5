"""The listen-and-read page in real headless Chromium, served by `imnm-audio serve`'s handler."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FACTSHEET, REPO, folders, write_project
from imnm_audio.cli import main
from imnm_audio.serve import serve_in_background

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def site(built: Path) -> Iterator[str]:
    server, url = serve_in_background(built / "audio")
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser, site: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(site + "tcf/index.html")
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    yield page
    context.close()


def audio_time(page) -> float:  # type: ignore[no-untyped-def]
    return float(page.evaluate("document.querySelector('audio').currentTime"))


def test_server_answers_byte_ranges(site: str) -> None:
    request = urllib.request.Request(site + "tcf/tcf.mp3", headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 206
        assert answer.headers["Content-Range"].startswith("bytes 100-199/")
        assert len(answer.read()) == 100


def test_server_refuses_paths_outside_the_folder(site: str) -> None:
    for path in ["../content/podcast.yaml", "%2e%2e/content/podcast.yaml"]:
        try:
            with urllib.request.urlopen(site + path) as answer:
                assert b"Test Show" not in answer.read()
        except urllib.error.HTTPError as err:
            assert err.code == 404


def test_keyboard_reaches_every_control_in_order(page) -> None:  # type: ignore[no-untyped-def]
    names: list[str] = []
    for _ in range(20):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.getAttribute('aria-label') || e.labels && e.labels[0] && "
            "e.labels[0].textContent.trim() || e.textContent.trim(); })()"
        )
        if not names or names[-1] != name:  # the player's own buttons share its name
            names.append(name)
    assert names[0] == "Skip to the player"
    assert names[1] == "All episodes"  # the way back to the library, which the skip link skips
    assert names[2] == "Episode audio: Test Condition Factsheet (TCF)"
    assert names[3:6] == ["Back 15 seconds", "Forward 15 seconds", "Speed"]
    assert names[6].startswith("Introduction, at") and names[7].startswith("What is TCF?, at")
    assert names[10] == "Keep the sentence being spoken in view"


def test_skip_link_moves_focus_to_the_main_content(page) -> None:  # type: ignore[no-untyped-def]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_chapter_button_seeks_to_the_chapter(page, built: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    start = json.loads((built / "audio" / "tcf" / "timings.json").read_text())[2]["start"]
    page.get_by_role("button", name="How is TCF treated?").click()
    page.wait_for_function("document.querySelector('audio').currentTime > 0")
    assert start - 0.05 <= audio_time(page) <= start + 1.5
    assert "How is TCF treated?" in page.inner_text("[data-now]")
    assert page.get_attribute("button[aria-current=true]", "aria-label").startswith(
        "How is TCF treated?"
    )


def test_transcript_highlight_follows_playback(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate(
        "(() => { const a = document.querySelector('audio');"
        " a.currentTime = parseFloat(document.querySelectorAll('.cue')[3].dataset.start) + 0.1;"
        " return a.play(); })()"
    )
    page.wait_for_timeout(400)
    current = page.evaluate(
        "Array.from(document.querySelectorAll('.cue'))"
        ".findIndex(e => e.classList.contains('current'))"
    )
    assert current >= 3
    page.wait_for_function(
        "document.querySelector('.cue.current') && Array.from("
        "document.querySelectorAll('.cue')).findIndex(e => "
        "e.classList.contains('current')) > 3",
        timeout=15000,
    )
    assert page.locator(".cue.current").count() == 1


def test_speed_choice_applies_and_is_remembered(page) -> None:  # type: ignore[no-untyped-def]
    page.select_option("[data-speed]", "2")
    assert page.evaluate("document.querySelector('audio').playbackRate") == 2
    page.reload()
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    assert page.input_value("[data-speed]") == "2"
    assert page.evaluate("document.querySelector('audio').playbackRate") == 2


def test_skip_buttons_move_15_seconds(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("document.querySelector('audio').currentTime = 20")
    page.get_by_role("button", name="Back 15 seconds").click()
    assert abs(audio_time(page) - 5) < 0.5
    page.get_by_role("button", name="Forward 15 seconds").click()
    assert abs(audio_time(page) - 20) < 0.5


def test_page_has_no_serious_accessibility_violations(page) -> None:  # type: ignore[no-untyped-def]
    import axe_playwright_python

    axe = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
    page.add_script_tag(content=axe)
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', "
        "'best-practice']}})"
    )
    bad = [
        (v["id"], v["impact"], v["help"])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "episode-page.png"), full_page=True)


def test_page_survives_200_percent_text(page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 640, "height": 900})
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "episode-page-200.png"))


def test_index_page_lists_the_episode_and_the_feed(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(site)
    assert page.locator("h1").inner_text() == "Test Show"
    assert page.get_by_role("heading", name="Test Condition Factsheet (TCF)").count() == 1
    assert page.get_by_role("link", name="Subscribe with the podcast feed (RSS)").count() == 1
    assert page.locator("audio").count() == 0 and page.locator(".transcript").count() == 0
    page.get_by_role("link", name="Test Condition Factsheet (TCF)", exact=True).click()
    page.wait_for_url("**/tcf/index.html")
    page.get_by_role("link", name="All episodes").click()
    page.wait_for_url(site + "index.html")
    page.close()


def test_markup_in_content_is_shown_as_text_and_never_runs(
    browser,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    shared_cache: Path,
) -> None:
    hostile = FACTSHEET.replace(
        "title: Test Condition Factsheet (TCF)",
        "title: \"<script>window.pwned = 1</script>TCF <img src=x onerror='window.pwned=2'>\"",
    ).replace("It is not real.", 'It is <b>not</b> real & "odd". <script>window.pwned=3</script>')
    root = write_project(tmp_path, factsheet=hostile)
    assert (
        main(
            [
                "build",
                "-q",
                *folders(root, shared_cache),
            ]
        )
        == 0
    )
    server, url = serve_in_background(root / "audio")
    try:
        page = browser.new_page()
        page.goto(url + "tcf/index.html")
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned") is None
        assert "<script>window.pwned = 1</script>TCF" in page.locator("h1").inner_text()
        page.goto(url)
        assert page.evaluate("window.pwned") is None
        page.close()
    finally:
        server.shutdown()
        server.server_close()


def test_review_page_plays_each_passage_alone_and_passes_axe(  # type: ignore[no-untyped-def]
    browser, built: Path, tmp_path: Path
) -> None:
    """The proof-listening review page, over the real episode: each player plays its
    passage only, keyboard users reach every player, and axe finds nothing serious."""
    import json

    from conftest import copy_project
    from imnm_audio.check import CheckReport, SegmentResult
    from imnm_audio.check.review import review_page
    from imnm_audio.check.terms import Suspect
    from imnm_audio.content import load_project

    root = copy_project(built, tmp_path / "p")
    folder = root / "audio" / "tcf"
    timings = json.loads((folder / "timings.json").read_text())
    spans = [(c["id"], s) for c in timings for s in c["segments"]]
    chapter, iv = next((c, s) for c, s in spans if "IV" in s["display"])
    report = CheckReport("tcf", "piper", model="tiny.en (bundled)", title="TCF", language="en-US")
    report.segments = [
        SegmentResult(chapter, iv["start"], iv["end"], iv["display"], "four fluids", 0.5, ["IV"]),
        SegmentResult(spans[1][0], spans[1][1]["start"], spans[1][1]["end"], "x", "y", 0.3),
    ]
    report.suspects = [Suspect("IV", 1, 0, ["four fluids"])]
    lexicon = load_project(root / "content").lexicon
    (folder / "review.html").write_text(review_page(report, timings, lexicon), encoding="utf-8")
    server, url = serve_in_background(root / "audio")
    try:
        page = browser.new_page()
        page.goto(url + "tcf/review.html")
        assert page.locator("h2").all_inner_texts() == [
            "Spoken wrong (1)",
            "Not confirmed by the recogniser (0)",
            "Sentences heard least well (1)",
        ]
        assert page.get_by_role("heading", name="IV", exact=True).count() == 1
        # The first player plays the IV sentence and stops at its end by itself.
        page.evaluate("document.querySelector('audio').play()")
        page.wait_for_function(
            "(() => { const a = document.querySelector('audio');"
            " return a.currentTime > 0 && a.paused; })()",
            timeout=20000,
        )
        stopped = page.evaluate("document.querySelector('audio').currentTime")
        assert abs(stopped - (iv["end"] + 0.3)) < 0.25, (stopped, iv)
        # Every player is reached with the keyboard, in order.
        reached = []
        for _ in range(30):  # a player's own buttons are tab stops of their own
            page.keyboard.press("Tab")
            at = page.evaluate(
                "[...document.querySelectorAll('audio')].indexOf(document.activeElement)"
            )
            if at >= 0 and at not in reached:
                reached.append(at)
        assert reached == [0, 1]
        axe = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
        page.add_script_tag(content=axe.read_text())
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        bad = [(v["id"], v["impact"]) for v in result["violations"] if v["impact"]]
        assert bad == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-page.png"), full_page=True)
        page.close()
    finally:
        server.shutdown()
        server.server_close()
