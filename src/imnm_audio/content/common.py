"""What every content file shares: slugs, language tags and web addresses."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult, urlsplit

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LANGUAGE_RE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
# A DOI as references print it ("doi:10.2337/dc22-S002", "DOI: 10.1056/NEJMoa20"): the
# address https://doi.org/10... written short.
DOI_RE = re.compile(r"\b(?i:doi)\s*:?\s*(10\.\d{4,9}/[^\s<>\"]+)")
URL_IN_TEXT_RE = re.compile(
    r"(?<![\w@/.])(?:https?://[^\s<>()\"']+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>()\"']*)?)",
    re.IGNORECASE,
)


def split_url(url: str) -> SplitResult:
    """urlsplit, which raises ValueError for a malformed address ("http://[x"): such an
    address is split as an empty one, which every caller treats as no address."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def url_problem(value: Any) -> str | None:
    """Say what is wrong with a URL (only absolute http/https URLs are allowed), or None."""
    if not isinstance(value, str):
        return "must be a URL in quotes."
    parts = split_url(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return (
            f"is not a valid web address: '{value}'. Write a full http or https URL, "
            "e.g. https://www.example.org/page."
        )
    return None


def resource_url_problem(value: Any) -> str | None:
    """A resource is a web address, or a phone number as a tel: link in international
    form ("tel:+448001234567"), which the closing reads digit by digit."""
    if isinstance(value, str) and value.strip().startswith("tel:"):
        import phonenumbers

        try:
            valid = phonenumbers.is_valid_number(phonenumbers.parse(value.strip()[4:], None))
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            return (
                f"is not a phone number a listener can call: '{value}'. Write it in "
                "international form, e.g. tel:+448001234567."
            )
        return None
    return url_problem(value)


def positive(value: Any) -> str | None:
    return None if value > 0 else "must be more than zero."


def language_problem(value: str) -> str | None:
    return (
        None
        if LANGUAGE_RE.match(value)
        else (f"is not a BCP 47 language tag: '{value}'. Use e.g. en-US, en-GB or es.")
    )
