"""The podcast feed, read by real podcast-client parsers and checked against Apple's tags."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import jsonschema
import podcastparser
import pytest

from conftest import FACTSHEET, copy_project, folders, write_project
from imnm_audio.cli import main
from imnm_audio.export.feed import podcast_guid

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
BASE = "https://example.org/audio/"

# The Podcasting 2.0 JSON chapters format (podcastindex-org/podcast-namespace, chapters.md).
CHAPTERS_SCHEMA = {
    "type": "object",
    "required": ["version", "chapters"],
    "properties": {
        "version": {"type": "string"},
        "author": {"type": "string"},
        "title": {"type": "string"},
        "chapters": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["startTime"],
                "properties": {
                    "startTime": {"type": "number", "minimum": 0},
                    "endTime": {"type": "number"},
                    "title": {"type": "string"},
                    "img": {"type": "string"},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "toc": {"type": "boolean"},
                },
                "additionalProperties": False,
            },
        },
    },
}


def feed_of(root: Path) -> bytes:
    return (root / "audio" / "feed.xml").read_bytes()


def test_podcastparser_reads_every_episode_with_enclosure_and_chapters(built: Path) -> None:
    parsed = podcastparser.parse(BASE + "feed.xml", (built / "audio" / "feed.xml").open("rb"))
    assert parsed["title"] == "Test Show"
    assert parsed["cover_url"] == BASE + "cover.png"
    [episode] = parsed["episodes"]
    assert episode["title"] == "Test Condition Factsheet (TCF)"
    [enclosure] = episode["enclosures"]
    mp3 = built / "audio" / "tcf" / "tcf.mp3"
    assert enclosure["url"] == BASE + "tcf/tcf.mp3"
    assert enclosure["file_size"] == mp3.stat().st_size
    assert enclosure["mime_type"] == "audio/mpeg"
    timings = json.loads((built / "audio" / "tcf" / "timings.json").read_text())
    assert abs(episode["total_time"] - timings[-1]["end"]) <= 1
    assert episode["guid"]
    assert episode["episode_art_url"] == BASE + "tcf/cover.png"
    assert episode["number"] == 3


def test_feedparser_reads_links_transcripts_and_chapters(built: Path) -> None:
    parsed = feedparser.parse(feed_of(built))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.language == "en-US"
    entry = parsed.entries[0]
    assert entry.link == "https://example.org/tcf"
    assert "https://www.example.org/help" in entry.description
    root = ET.fromstring(feed_of(built))
    item = root.find("channel/item")
    assert item is not None
    chapters = item.find(f"{PODCAST}chapters")
    assert chapters is not None and chapters.get("type") == "application/json+chapters"
    assert chapters.get("url") == BASE + "tcf/tcf.chapters.json"
    transcripts = {t.get("type"): t.get("url") for t in item.findall(f"{PODCAST}transcript")}
    assert transcripts == {
        "text/vtt": BASE + "tcf/tcf.vtt",
        "application/x-subrip": BASE + "tcf/tcf.srt",
        "text/plain": BASE + "tcf/tcf.txt",
    }
    for url in [chapters.get("url"), *transcripts.values()]:
        assert (built / "audio" / str(url).removeprefix(BASE)).is_file()


def test_feed_has_the_tags_apple_podcasts_requires(built: Path) -> None:
    channel = ET.fromstring(feed_of(built)).find("channel")
    assert channel is not None
    for tag in [
        "title",
        "link",
        "description",
        "language",
        f"{ITUNES}author",
        f"{ITUNES}explicit",
        f"{ITUNES}type",
        f"{PODCAST}guid",
        f"{PODCAST}locked",
    ]:
        assert (channel.findtext(tag) or "").strip(), tag
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    assert channel.find(f"{ITUNES}image").get("href") == BASE + "cover.png"
    category = channel.find(f"{ITUNES}category")
    assert category.get("text") == "Health & Fitness"
    assert category.find(f"{ITUNES}category").get("text") == "Medicine"
    owner = channel.find(f"{ITUNES}owner")
    assert owner.findtext(f"{ITUNES}email") == "owner@example.org"
    assert channel.findtext(f"{PODCAST}guid") == podcast_guid(BASE + "feed.xml")
    assert uuid.UUID(channel.findtext(f"{PODCAST}guid")).version == 5
    assert channel.findtext("lastBuildDate") == "Thu, 15 Jan 2026 12:00:00 +0000"
    for item in channel.findall("item"):
        for tag in ["title", "guid", "pubDate", "enclosure", f"{ITUNES}duration"]:
            assert item.find(tag) is not None, tag


def test_show_cover_is_square_within_apples_limits(built: Path) -> None:
    from PIL import Image

    with Image.open(built / "audio" / "cover.png") as image:
        assert image.size[0] == image.size[1] and 1400 <= image.size[0] <= 3000


def test_json_chapters_follow_the_podcasting_2_chapters_format(built: Path) -> None:
    doc = json.loads((built / "audio" / "tcf" / "tcf.chapters.json").read_text())
    jsonschema.validate(doc, CHAPTERS_SCHEMA)
    assert doc["version"] == "1.2.0"


def test_episode_guid_survives_a_rebuild_and_a_new_base_url(
    built: Path, tmp_path: Path, shared_cache: Path
) -> None:
    root = copy_project(built, tmp_path / "p")
    before = ET.fromstring(feed_of(root)).findtext("channel/item/guid")
    (root / "audio" / "tcf" / ".build.json").unlink()
    assert (
        main(
            [
                "build",
                "-q",
                *folders(root, shared_cache),
                "--base-url",
                "https://cdn.example.net/x",
            ]
        )
        == 0
    )
    channel = ET.fromstring(feed_of(root)).find("channel")
    assert channel.findtext("item/guid") == before
    assert channel.find("item/enclosure").get("url") == "https://cdn.example.net/x/tcf/tcf.mp3"


def test_bad_base_url_is_a_clear_error(
    built: Path, tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_project(built, tmp_path / "p")
    code = main(
        [
            "build",
            "-q",
            *folders(root, shared_cache),
            "--base-url",
            "ftp://files.example.org/",
        ]
    )
    assert code == 2
    assert "--base-url is not a valid web address" in capsys.readouterr().err


def test_markup_in_content_stays_text_in_the_feed(tmp_path: Path, shared_cache: Path) -> None:
    hostile = FACTSHEET.replace(
        "title: Test Condition Factsheet (TCF)",
        'title: "TCF <script>alert(\'x\')</script> & \\"quotes\\" ]]>"',
    ).replace(
        "summary: A short factsheet used by the tests.", 'summary: "Fish & chips <b>bold</b>"'
    )
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
    item = ET.fromstring(feed_of(root)).find("channel/item")
    assert item.findtext("title") == "TCF <script>alert('x')</script> & \"quotes\" ]]>"
    parsed = podcastparser.parse(BASE, (root / "audio" / "feed.xml").open("rb"))
    assert parsed["episodes"][0]["title"].startswith("TCF <script>")
