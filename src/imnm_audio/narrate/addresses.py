"""Web addresses as a listener would say them, and spelled out to write them down.

A listener can write down a site's name, not a path: "nhs dot uk" is something to
type, "slash conditions slash polymyositis slash" is not, and a spelled path of 50
letters is lost by the tenth. So an address with a path is said as what the page is
(from its last wordy part) and where it is: "the polymyositis page on nhs dot uk";
the spelled-out repeat spells the site only.
"""

from __future__ import annotations

import re

import phonenumbers

from ..content.common import split_url
from .locales import ENGLISH, Locale

_COMMON_WORDS_IN_URLS = {"dot", "slash", "dash", "org", "com", "net", "uk", "gov", "edu", "www"}
_INDEX_PAGES = {"index", "default", "home", "en", "en-gb", "en-us"}


def host_of(url: str) -> str:
    """'https://www.example.org/get-help/' -> 'example.org'."""
    return split_url(url if "://" in url else "https://" + url).netloc.lower().removeprefix("www.")


def spoken_host(host: str, locale: Locale = ENGLISH) -> str:
    """'nhs.uk' -> 'nhs dot uk'; 'my-site.org' -> 'my dash site dot org' (in Spanish
    'nhs punto uk')."""
    return " ".join(host.replace(".", f" {locale.dot} ").replace("-", f" {locale.dash} ").split())


def page_name(url: str) -> str:
    """What a page is, from the last part of its path that is words: '/conditions/
    polymyositis/' -> 'polymyositis'; a part with digits ('drc-20353192') or an index
    page is passed over. Empty for a site's front page."""
    parts = [p for p in split_url(url if "://" in url else "https://" + url).path.split("/") if p]
    for part in reversed(parts):
        stem = re.sub(r"\.(?:html?|php|aspx?)$", "", part.lower())
        if stem in _INDEX_PAGES or re.search(r"\d", stem) or not re.search(r"[a-z]{2}", stem):
            continue
        return " ".join(re.split(r"[-_+.]+", stem)).strip()
    return ""


def spoken_url(url: str, locale: Locale = ENGLISH) -> str:
    """'https://www.nhs.uk/conditions/polymyositis/' -> 'the polymyositis page on nhs dot
    uk'; 'https://www.example.org/' -> 'example dot org'."""
    page = page_name(url)
    host = spoken_host(host_of(url), locale)
    return locale.page_on.format(page=page, host=host) if page else host


def spell_words(spoken: str, locale: Locale = ENGLISH) -> str:
    """Spell each unusual word of a spoken site letter by letter ("myo" -> "m, y, o"):
    letters and digits only, never punctuation read as a letter."""
    common = _COMMON_WORDS_IN_URLS | {locale.dot, locale.dash}
    out = []
    for word in spoken.split():
        if word.lower() in common:
            out.append(word)
        else:
            out.append(", ".join(c for c in word if c.isalnum()))
    return "; ".join(w for w in out if w)


def phone_number(link_url: str, home_region: str) -> str:
    """A tel: link as people write the number: nationally at home ("0800 123 4567"),
    internationally from abroad ("+44 800 123 4567")."""
    number = phonenumbers.parse(link_url.removeprefix("tel:"), None)
    style = phonenumbers.PhoneNumberFormat
    home = phonenumbers.region_code_for_number(number) == home_region
    return phonenumbers.format_number(number, style.NATIONAL if home else style.INTERNATIONAL)


def learn_more(title: str, url: str, home_region: str, locale: Locale = ENGLISH) -> str:
    """The sentence that sends a listener to a resource: a site, or a number to call."""
    if url.startswith("tel:"):
        return locale.call_to_reach.format(title=title, number=phone_number(url, home_region))
    display = url.removeprefix("https://").removeprefix("http://").rstrip("/")
    return locale.learn_more.format(title=title, address=display)
