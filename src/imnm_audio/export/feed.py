"""The RSS podcast feed: feedgen with its podcast (itunes) extension, plus Podcasting 2.0 tags."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from .. import __version__
from ..content import Podcast
from .published import PublishedEpisode

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# Podcasting 2.0: podcast:guid is a UUIDv5 of the feed URL (no scheme, no trailing
# slash) in this namespace.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
TRANSCRIPT_TYPES = (("vtt", "text/vtt"), ("srt", "application/x-subrip"), ("txt", "text/plain"))


def podcast_guid(feed_url: str) -> str:
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def episode_guid(podcast: Podcast, slug: str) -> str:
    """Stable across rebuilds and moves of the audio: from the show's website and the slug."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{podcast.link.rstrip('/')}#{slug}"))


class PodcastIndexExtension(BaseExtension):  # type: ignore[misc]
    """Channel-level Podcasting 2.0 tags, and itunes:explicit as Apple now spells it."""

    def __init__(self) -> None:
        self.guid: str | None = None
        self.locked_owner: str | None = None
        self.explicit = False

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, feed: Any) -> Any:
        channel = feed[0]
        xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self.explicit else "false"
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        if self.locked_owner:
            locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            locked.text = "yes"
            locked.set("owner", self.locked_owner)
        return feed


class PodcastIndexEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item-level Podcasting 2.0 tags: chapters and transcripts."""

    def __init__(self) -> None:
        self.chapters_url: str | None = None
        self.transcripts: list[tuple[str, str, str]] = []  # (url, type, language)

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, item: Any) -> Any:
        if self.chapters_url:
            chapters = xml_elem(f"{{{PODCAST_NS}}}chapters", item)
            chapters.set("url", self.chapters_url)
            chapters.set("type", "application/json+chapters")
        for url, kind, language in self.transcripts:
            transcript = xml_elem(f"{{{PODCAST_NS}}}transcript", item)
            transcript.set("url", url)
            transcript.set("type", kind)
            transcript.set("language", language)
        return item


def _date(iso: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(iso), dt.time(12, 0), dt.timezone.utc)


def _duration(seconds: float) -> str:
    total = round(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def make_feed(
    podcast: Podcast, episodes: list[PublishedEpisode], base_url: str, show_cover: str
) -> bytes:
    """The feed as bytes. Deterministic: dates come from the factsheets, not the clock."""
    feed_url = base_url + "feed.xml"
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.title(podcast.title)
    fg.link(href=feed_url, rel="self")
    fg.link(href=podcast.link, rel="alternate")  # after "self": RSS <link> takes the last
    fg.description(podcast.description)
    fg.language(podcast.language)
    fg.generator(f"imnm-audio {__version__}")
    if podcast.copyright:
        fg.copyright(podcast.copyright)
    fg.image(url=base_url + show_cover, title=podcast.title, link=podcast.link)
    fg.podcast.itunes_author(podcast.author)
    fg.podcast.itunes_owner(name=podcast.owner_name, email=podcast.owner_email)
    fg.podcast.itunes_image(base_url + show_cover)
    fg.podcast.itunes_summary(podcast.description)
    fg.podcast.itunes_type("episodic")
    fg.podcast.itunes_category(
        [{"cat": c[0], "sub": c[1]} if len(c) > 1 else {"cat": c[0]} for c in podcast.categories]
    )
    fg.podcastindex.guid = podcast_guid(feed_url)
    fg.podcastindex.locked_owner = podcast.owner_email
    fg.podcastindex.explicit = podcast.explicit
    dates = [_date(e.meta.published) for e in episodes]
    fg.lastBuildDate(max(dates) if dates else _date("2000-01-01"))

    for episode, published in sorted(
        zip(episodes, dates, strict=True), key=lambda pair: (pair[1], pair[0].slug)
    ):
        meta = episode.meta
        links = "".join(f"\n{r.title}: {r.url}" for r in meta.resources)
        entry = fg.add_entry(order="prepend")
        entry.guid(episode_guid(podcast, episode.slug), permalink=False)
        entry.title(meta.title)
        entry.link(href=meta.source_url)
        entry.description(meta.summary + "\n" + links if links else meta.summary)
        entry.pubDate(published)
        entry.enclosure(
            episode.url(base_url, f"{episode.slug}.mp3"), str(episode.mp3_bytes), "audio/mpeg"
        )
        entry.podcast.itunes_duration(_duration(episode.duration))
        entry.podcast.itunes_image(episode.url(base_url, "cover.png"))
        entry.podcast.itunes_summary(meta.summary)
        if meta.episode:
            entry.podcast.itunes_episode(meta.episode)
        entry.podcast.itunes_episode_type("full")
        entry.podcastindex.chapters_url = episode.url(base_url, f"{episode.slug}.chapters.json")
        entry.podcastindex.transcripts = [
            (episode.url(base_url, f"{episode.slug}.{ext}"), kind, meta.language)
            for ext, kind in TRANSCRIPT_TYPES
        ]
    return fg.rss_str(pretty=True)  # type: ignore[no-any-return]
