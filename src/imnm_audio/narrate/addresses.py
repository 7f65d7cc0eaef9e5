"""Web addresses as a listener would say them, and spelled out to write them down."""

from __future__ import annotations

from urllib.parse import urlsplit


def spoken_url(url: str) -> str:
    """'https://www.example.org/get-help/' -> 'example dot org slash get dash help'."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.strip("/")
    spoken = host.replace(".", " dot ")
    if path:
        spoken += " slash " + path.replace("/", " slash ")
    spoken = spoken.replace("-", " dash ").replace("_", " underscore ")
    return " ".join(spoken.split())


_COMMON_WORDS_IN_URLS = {"dot", "slash", "dash", "org", "com", "net", "uk", "gov", "edu", "www"}


def spell_words(spoken: str) -> str:
    """Spell each unusual word of a spoken address letter by letter ("myo" -> "m, y, o")."""
    out = []
    for word in spoken.split():
        out.append(word if word.lower() in _COMMON_WORDS_IN_URLS else ", ".join(word))
    return "; ".join(out)
