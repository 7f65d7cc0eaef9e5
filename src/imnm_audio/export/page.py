"""The listen-and-read web page: static, dependency-free, keyboard and screen-reader friendly."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from ..assemble import SegmentTiming
from ..content import Podcast
from .published import PublishedEpisode
from .structure import to_html, tree

SPEEDS = ("0.75", "1", "1.25", "1.5", "1.75", "2", "2.25", "2.5")


def safe_url(url: str) -> str:
    """Only http, https and tel links reach the page; anything else becomes inert."""
    return url if urlsplit(url).scheme in ("http", "https", "tel") else "#"


def _clock(seconds: float) -> str:
    total = int(seconds)
    h, m, s = total // 3600, total % 3600 // 60, total % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _spoken_clock(seconds: float) -> str:
    total = int(seconds)
    m, s = total // 60, total % 60
    return f"{m} minute{'s' * (m != 1)} {s} second{'s' * (s != 1)}" if m else f"{s} seconds"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} kB"


def episode_section(
    podcast: Podcast,
    episode: PublishedEpisode,
    prefix: str,
    level: int,
    sizes: dict[str, int],
    feed_href: str,
) -> str:
    """One episode: player, controls, chapters, transcript, downloads. `level`: its heading."""
    meta, slug = episode.meta, episode.slug
    h, sub, subsub = f"h{level}", f"h{level + 1}", f"h{level + 2}"
    e = escape
    title_id = f"{slug}-title"
    speeds = "".join(
        f'<option value="{s}"{" selected" if s == "1" else ""}>{s}×</option>' for s in SPEEDS
    )
    chapters = "".join(
        f'<li><button type="button" class="chapter" data-start="{c.start:.3f}" '
        f'aria-label="{e(c.title)}, at {_spoken_clock(c.start)}">{e(c.title)} '
        f'<span class="time" aria-hidden="true">{_clock(c.start)}</span></button></li>'
        for c in episode.chapters
    )
    transcript = []
    for c in episode.chapters:
        segments = list(c.segments)
        if segments and segments[0].display == c.title:  # the spoken heading is the title
            first = segments.pop(0)
            transcript.append(
                f'<{subsub} class="cue" data-start="{first.start:.3f}" '
                f'data-end="{first.end:.3f}">{e(c.title)}</{subsub}>'
            )
        else:
            transcript.append(f"<{subsub}>{e(c.title)}</{subsub}>")

        def cue(i: int, segments: list[SegmentTiming] = segments) -> str:
            s = segments[i]
            return (
                f'<span class="cue" data-start="{s.start:.3f}" data-end="{s.end:.3f}">'
                f"{e(s.display)}</span>"
            )

        transcript.append(to_html(tree(segments), segments, cue, f"h{min(6, level + 3)}"))
    downloads = [(f"{slug}.mp3", "The whole episode, MP3 with chapters")]
    downloads += [
        (name, f"Chapter {n}: {c.title}, MP3")
        for n, (name, c) in enumerate(
            zip(
                sorted(f for f in episode.files if f.startswith("chapters/")),
                episode.chapters,
                strict=False,
            ),
            1,
        )
    ]
    downloads += [
        (f"{slug}.m3u", "Playlist of the chapter files, M3U"),
        (f"{slug}.txt", "Transcript, plain text"),
        (f"{slug}.vtt", "Captions, WebVTT"),
        (f"{slug}.srt", "Captions, SRT"),
        (f"{slug}.chapters.json", "Chapters, JSON"),
    ]
    download_items = "".join(
        f'<li><a href="{e(prefix + name)}">{e(label)}</a>'
        f"{f' ({_size(sizes[name])})' if name in sizes else ''}</li>"
        for name, label in downloads
    )
    download_items += f'<li><a href="{e(feed_href)}">Podcast feed (RSS), to subscribe</a></li>'
    links = "".join(
        f'<li><a href="{e(safe_url(r.url))}">{e(r.title)}</a> '
        f'<span class="url">{e(r.url)}</span></li>'
        for r in meta.resources
    )
    language = e(meta.language)
    return f"""\
<article class="episode" aria-labelledby="{title_id}" data-episode="{e(slug)}">
<{h} id="{title_id}">{e(meta.title)}</{h}>
<p class="byline">{e(meta.organisation)} · {_clock(episode.duration)} · {e(meta.published)}</p>
<p>{e(meta.summary)}</p>
<audio controls preload="metadata" src="{e(prefix + slug)}.mp3" aria-label="Episode audio: {e(meta.title)}">
<track kind="captions" src="{e(prefix + slug)}.vtt" srclang="{language}" label="Transcript">
<a href="{e(prefix + slug)}.mp3">Download the episode</a>
</audio>
<div class="controls" role="group" aria-label="Playback controls">
<button type="button" data-skip="-15">Back 15 seconds</button>
<button type="button" data-skip="15">Forward 15 seconds</button>
<label for="{slug}-speed">Speed</label>
<select id="{slug}-speed" data-speed>{speeds}</select>
</div>
<p class="now" data-now aria-live="polite" aria-atomic="true">Chapter: {e(episode.chapters[0].title)}</p>
<nav aria-labelledby="{slug}-chapters"><{sub} id="{slug}-chapters">Chapters</{sub}>
<ol class="chapters">{chapters}</ol></nav>
<section aria-labelledby="{slug}-transcript"><{sub} id="{slug}-transcript">Transcript</{sub}>
<p><label><input type="checkbox" data-follow checked> Keep the sentence being spoken in view</label></p>
<div class="transcript" lang="{language}">{"".join(transcript)}</div></section>
<section aria-labelledby="{slug}-downloads"><{sub} id="{slug}-downloads">Downloads</{sub}>
<ul>{download_items}</ul></section>
<section aria-labelledby="{slug}-links"><{sub} id="{slug}-links">More information</{sub}>
<ul>{links}</ul></section>
</article>"""


def page(
    podcast: Podcast,
    title: str,
    heading: str,
    body: str,
    feed_href: str,
    language: str,
    skip: str = "Skip to the player",
    script: str = "",
    css: str = "",
) -> str:
    e = escape
    return f"""\
<!doctype html>
<html lang="{e(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{e(podcast.title)}" href="{e(feed_href)}">
<style>{CSS}{css}</style>
</head>
<body>
<a class="skip" href="#main">{e(skip)}</a>
<header><p class="show">{e(podcast.title)}</p>{heading}</header>
<main id="main" tabindex="-1">
{body}
</main>
<footer><p>{e(podcast.author)}. This is general information; talk with your doctor about your own care.</p></footer>
<script>{script or SCRIPT}</script>
</body>
</html>
"""


def episode_page(
    podcast: Podcast,
    episode: PublishedEpisode,
    sizes: dict[str, int],
    neighbours: str = "",
) -> str:
    """An episode's own page; `neighbours` (library.py) links the library and the
    episodes either side of it."""
    body = episode_section(podcast, episode, "", 1, sizes, "../feed.xml")
    return page(
        podcast,
        f"{episode.meta.title} — {podcast.title}",
        neighbours,
        body,
        "../feed.xml",
        episode.meta.language,
    )


CSS = """
:root { color-scheme: light; --ink: #111; --paper: #fff; --accent: #0a2342;
        --mark: #ffe07a; --link: #0b4f9c; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 48rem; padding: 1rem; font: 1.125rem/1.6 system-ui,
       sans-serif; color: var(--ink); background: var(--paper); }
.skip { position: absolute; left: 1rem; top: -10rem; background: var(--accent); color: #fff;
        padding: .5rem 1rem; z-index: 1; }
.skip:focus { top: 1rem; }
a { color: var(--link); }
:focus-visible { outline: 3px solid #b3261e; outline-offset: 2px; }
main:focus { outline: none; }
.show { font-weight: 600; margin: 0; }
h1, h2 { line-height: 1.25; }
audio { width: 100%; margin: .5rem 0; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
button, select { font: inherit; min-height: 2.75rem; padding: .25rem .75rem; }
button { background: var(--accent); color: #fff; border: 2px solid var(--accent);
         border-radius: .25rem; cursor: pointer; }
button:hover { background: #16406f; }
.chapters { padding-left: 1.5rem; }
.chapters li { margin: .25rem 0; }
.chapter { text-align: left; width: 100%; }
.chapter[aria-current="true"] { background: #fff; color: var(--accent); }
.time { font-variant-numeric: tabular-nums; margin-left: .5rem; }
.now { font-weight: 600; }
.transcript p { margin: 0 0 1rem; }
.transcript ul, .transcript ol { margin: 0 0 1rem; padding-left: 1.5rem; }
.transcript li { margin: 0 0 .5rem; }
.cue.current { background: var(--mark); outline: 2px solid #7a5a00; }
.url { overflow-wrap: anywhere; }
.neighbours ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; }
footer { margin-top: 2rem; border-top: 1px solid #767676; font-size: 1rem; }
@media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important;
  transition: none !important; animation: none !important; } }
"""

SCRIPT = """
(function () {
  "use strict";
  var KEY = "imnm-audio-speed";
  var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  document.querySelectorAll("[data-episode]").forEach(function (root) {
    var audio = root.querySelector("audio");
    var now = root.querySelector("[data-now]");
    var speed = root.querySelector("[data-speed]");
    var follow = root.querySelector("[data-follow]");
    var chapters = Array.prototype.slice.call(root.querySelectorAll(".chapter"));
    var cues = Array.prototype.slice.call(root.querySelectorAll(".cue"));
    var chapterIndex = -1, cueIndex = -1;
    function setSpeed(value) {
      var rate = parseFloat(value);
      if (!(rate >= 0.5 && rate <= 3)) { return; }
      audio.playbackRate = rate; audio.defaultPlaybackRate = rate; speed.value = value;
    }
    if (stored()) { setSpeed(stored()); }
    speed.addEventListener("change", function () {
      setSpeed(speed.value);
      try { localStorage.setItem(KEY, speed.value); } catch (e) { /* private mode */ }
    });
    audio.addEventListener("loadedmetadata", function () { setSpeed(speed.value); });
    root.querySelectorAll("[data-skip]").forEach(function (button) {
      button.addEventListener("click", function () {
        var to = audio.currentTime + parseFloat(button.dataset.skip);
        audio.currentTime = Math.max(0, Math.min(to, audio.duration || to));
      });
    });
    chapters.forEach(function (button) {
      button.addEventListener("click", function () {
        audio.currentTime = parseFloat(button.dataset.start);
        update();
        var playing = audio.play();
        if (playing && playing.catch) { playing.catch(function () {}); }
      });
    });
    function update() {
      var t = audio.currentTime, c = -1, q = -1, i;
      for (i = 0; i < chapters.length; i++) {
        if (parseFloat(chapters[i].dataset.start) <= t + 0.05) { c = i; }
      }
      for (i = 0; i < cues.length; i++) {
        if (parseFloat(cues[i].dataset.start) <= t + 0.05) { q = i; }
      }
      if (c !== chapterIndex && c >= 0) {
        if (chapterIndex >= 0) { chapters[chapterIndex].removeAttribute("aria-current"); }
        chapters[c].setAttribute("aria-current", "true");
        now.textContent = "Chapter: " + chapters[c].firstChild.textContent.trim();
        chapterIndex = c;
      }
      if (q !== cueIndex) {
        if (cueIndex >= 0) { cues[cueIndex].classList.remove("current"); }
        if (q >= 0) {
          cues[q].classList.add("current");
          if (follow.checked) {
            cues[q].scrollIntoView({block: "nearest", behavior: reduced ? "auto" : "smooth"});
          }
        }
        cueIndex = q;
      }
    }
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", update);
  });
})();
"""
