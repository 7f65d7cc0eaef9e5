"""What the whole show publishes: the feed, the library page, the show's cover, and each
episode's page with links to its neighbours."""

from __future__ import annotations

import logging

from ..cache import ClipCache
from ..content import load_project
from ..export.cover import cached_cover
from ..export.feed import make_feed
from ..export.library import library_page, neighbours
from ..export.page import episode_page
from ..export.published import load_published
from ..fsutil import atomic_write_bytes
from ..script import load_script
from .options import BuildOptions

log = logging.getLogger(__name__)


def publish_show(options: BuildOptions, base_url: str) -> list[str]:
    """Write the feed, the library page and the show's cover for every built episode."""
    project = load_project(options.content_dir)
    podcast = project.podcast
    episodes = []
    for factsheet in project.factsheets:
        path = options.scripts_dir / f"{factsheet.slug}.yaml"
        published = load_published(options.out_dir, load_script(path)) if path.is_file() else None
        if published is None:
            log.warning("%s has not been built yet; it is left out of the feed", factsheet.slug)
            continue
        episodes.append(published)
    if podcast.artwork is not None:
        cover_name, cover = "cover" + podcast.artwork.suffix.lower(), podcast.artwork.read_bytes()
    else:
        cover_name = "cover.png"
        cache = ClipCache(options.cache_dir, enabled=options.use_cache)
        short = podcast.title.split(" — ")[0][:24]
        cover = cached_cover(cache, short, podcast.title, podcast.author)
    sizes = {
        e.slug: {f: (options.out_dir / e.slug / f).stat().st_size for f in e.files}
        for e in episodes
    }
    # An episode page whose neighbours changed since it was built (another factsheet
    # added, retitled, or not built) is written again; the build writes the same page.
    for episode in episodes:
        path = options.out_dir / episode.slug / "index.html"
        nav = neighbours(episodes, episode.slug)
        page = episode_page(podcast, episode, sizes[episode.slug], nav).encode("utf-8")
        if not path.is_file() or path.read_bytes() != page:
            atomic_write_bytes(path, page)
    outputs = {
        cover_name: cover,
        "feed.xml": make_feed(podcast, episodes, base_url, cover_name),
        "index.html": library_page(podcast, episodes, sizes).encode("utf-8"),
    }
    for name, data in outputs.items():
        atomic_write_bytes(options.out_dir / name, data)
    return list(outputs)
