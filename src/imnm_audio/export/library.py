"""The show's library: `audio/index.html` lists every episode, and each episode page
links back to it and to the episodes either side.

The index has no players and no transcripts, so it stays light with fifty factsheets:
each episode is a title linked to its page, its date, length and one-line summary, and
links to the MP3, the transcript and the talking books. Newest first. A filter box
(shown only where its script runs; without it every episode is listed) narrows the list
as you type, and says how many are shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from html import escape
from typing import Protocol, TypeVar

from ..content import FactsheetMeta, Podcast
from .page import _size, _spoken_clock, page
from .published import PublishedEpisode


class _Listed(Protocol):
    """A published episode or a factsheet: what the order needs."""

    @property
    def slug(self) -> str: ...
    @property
    def meta(self) -> FactsheetMeta: ...


L = TypeVar("L", bound=_Listed)


def newest_first(episodes: Sequence[L]) -> list[L]:
    """By publication date, then episode number, newest first; then by title."""
    by_title = sorted(episodes, key=lambda e: e.meta.title.lower())
    return sorted(by_title, key=lambda e: (e.meta.published, e.meta.episode or 0), reverse=True)


def long_date(iso: str, language: str) -> str:
    """ "15 January 2026", or "January 15, 2026" for US English."""
    try:
        day = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    month = MONTHS[day.month - 1]
    if language.lower() == "en-us":
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year}"


MONTHS = (
    "January February March April May June July August September October November December"
).split()


def _files(episode: PublishedEpisode, sizes: dict[str, int]) -> list[tuple[str, str]]:
    slug = episode.slug
    wanted = [
        (f"{slug}.mp3", "MP3"),
        (f"{slug}.txt", "Transcript, plain text"),
        (f"{slug}.epub", "Talking book, EPUB 3"),
        (f"{slug}-daisy.zip", "Talking book, DAISY 2.02 (zip)"),
    ]
    return [
        (name, f"{label} ({_size(sizes[name])})" if name in sizes else label)
        for name, label in wanted
        if name in episode.files
    ]


def library_page(
    podcast: Podcast, episodes: list[PublishedEpisode], sizes: dict[str, dict[str, int]]
) -> str:
    e = escape
    items = []
    for ep in newest_first(episodes):
        meta, slug = ep.meta, ep.slug
        links = "".join(
            f'<li><a href="{e(slug)}/{e(name)}">{e(label)}'
            f'<span class="visually-hidden">: {e(meta.title)}</span></a></li>'
            for name, label in _files(ep, sizes[slug])
        )
        words = f"{meta.title} {meta.summary} {meta.organisation} {' '.join(meta.keywords)}"
        number = f"Episode {meta.episode} · " if meta.episode else ""
        items.append(
            f'<li data-text="{e(words.lower())}"><article aria-labelledby="t-{e(slug)}">'
            f'<h3 id="t-{e(slug)}"><a href="{e(slug)}/index.html">{e(meta.title)}</a></h3>'
            f'<p class="byline">{number}<time datetime="{e(meta.published)}">'
            f"{e(long_date(meta.published, podcast.language))}</time> · "
            f"{_spoken_clock(ep.duration)}</p>"
            f"<p>{e(meta.summary)}</p>"
            f'<ul class="files">{links}</ul></article></li>'
        )
    n = len(items)
    body = (
        f"<p>{e(podcast.description)}</p>"
        '<p><a href="feed.xml">Subscribe with the podcast feed (RSS)</a></p>'
        f'<h2 id="episodes">Episodes ({n})</h2>'
        '<div class="filter" data-filter hidden>'
        '<label for="filter">Filter the episodes by title, summary or keyword</label>'
        '<input type="search" id="filter" autocomplete="off" aria-describedby="shown">'
        f'<p id="shown" role="status">{_shown(n)}</p></div>'
        f'<ul class="library" aria-labelledby="episodes">{"".join(items)}</ul>'
    )
    heading = f"<h1>{e(podcast.title)}</h1>"
    return page(
        podcast,
        podcast.title,
        heading,
        body,
        "feed.xml",
        podcast.language,
        skip="Skip to the episodes",
        script=FILTER_SCRIPT,
        css=LIBRARY_CSS,
    )


def _shown(total: int) -> str:
    return "The one episode shown." if total == 1 else f"All {total} episodes shown."


def neighbours(episodes: Sequence[_Listed], slug: str) -> str:
    """The links at the top of an episode's page: the library, the newer and the older
    episode."""
    order = newest_first(episodes)
    at = next(i for i, ep in enumerate(order) if ep.slug == slug)
    links = ['<li><a href="../index.html">All episodes</a></li>']
    if at > 0:
        newer = order[at - 1]
        links.append(
            f'<li>Newer: <a href="../{escape(newer.slug)}/index.html" rel="prev">'
            f"{escape(newer.meta.title)}</a></li>"
        )
    if at + 1 < len(order):
        older = order[at + 1]
        links.append(
            f'<li>Older: <a href="../{escape(older.slug)}/index.html" rel="next">'
            f"{escape(older.meta.title)}</a></li>"
        )
    return f'<nav aria-label="Episodes" class="neighbours"><ul>{"".join(links)}</ul></nav>'


LIBRARY_CSS = """
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
                   clip: rect(0 0 0 0); white-space: nowrap; }
.filter { margin: 1rem 0; }
.filter input { font: inherit; width: 100%; min-height: 2.75rem; padding: .25rem .5rem;
                border: 2px solid #555; border-radius: .25rem; }
.library { list-style: none; padding: 0; }
.library > li { border-top: 1px solid #767676; padding: .5rem 0; }
.library h3 { margin: .5rem 0 .25rem; }
.byline { margin: 0; color: #333; }
.files { padding-left: 1.25rem; margin: .25rem 0 .5rem; }
"""

FILTER_SCRIPT = """
(function () {
  "use strict";
  var box = document.querySelector("[data-filter]");
  if (!box) { return; }
  var input = box.querySelector("input"), shown = box.querySelector("#shown");
  var items = Array.prototype.slice.call(document.querySelectorAll(".library > li"));
  box.hidden = false;
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean), n = 0;
    items.forEach(function (item) {
      var match = words.every(function (w) { return item.dataset.text.indexOf(w) >= 0; });
      item.hidden = !match;
      n += match ? 1 : 0;
    });
    var all = items.length;
    shown.textContent = !words.length
      ? (all === 1 ? "The one episode shown." : "All " + all + " episodes shown.")
      : n + " of " + all + " episode" + (all === 1 ? "" : "s") + " shown.";
  });
})();
"""
