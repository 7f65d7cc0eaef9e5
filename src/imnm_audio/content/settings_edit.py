"""The show's details a person edits in the studio (title, description, owner, email,
addresses, categories...), checked all at once in plain words and written into
content/podcast.yaml key by key: the file's comments, order and every other setting
stay as they are. The result is read back with the loader before it replaces the
file, so what is written is always settings the build takes."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import ContentError
from ..fsutil import write_checked
from ..yamlio import block_end, parse_yaml, read_text
from .common import language_problem, url_problem
from .settings import Podcast, load_podcast


@dataclass(frozen=True)
class ShowField:
    name: str  # the form's name; a dotted name is a key inside a mapping (owner.email)
    label: str
    rule: str
    required: bool = True
    long: bool = False


SHOW_FIELDS = (
    ShowField("title", "Show title", "The podcast's name, as podcast apps list it."),
    ShowField(
        "description",
        "Description",
        "What the show is and who it is for, in a few sentences.",
        long=True,
    ),
    ShowField("author", "Author", "The charity or team the show is by."),
    ShowField("owner.name", "Owner's name", "Who podcast directories contact about the show."),
    ShowField(
        "owner.email",
        "Owner's email",
        "The address podcast directories write to, and that proves the show is yours: "
        "the charity's own, not an example address.",
    ),
    ShowField("language", "Language", "The show's language as a code: en-US, en-GB, es, pt-BR."),
    ShowField(
        "categories",
        "Categories",
        "One per line, as podcast directories name them: Health & Fitness > Medicine.",
        long=True,
    ),
    ShowField(
        "base_url",
        "Where the audio will be published",
        "The web address of the folder the audio goes to, starting with https://; every "
        "episode's address in the feed starts with it.",
    ),
    ShowField("link", "The charity's web page", "The page the show links to, with https://."),
    ShowField("copyright", "Copyright", "For example: © 2026 The Charity.", required=False),
    ShowField(
        "publish.target",
        "Where Publish sends the audio",
        "A bucket (s3://bucket/folder) or a folder the web server serves (file:///var/www/"
        "podcast). The password or keys are never written here: they come from the "
        "computer's settings (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).",
        required=False,
    ),
    ShowField(
        "publish.acl",
        "Who may read the files (S3 only)",
        "public-read makes each file readable by anyone, as a podcast needs; leave it "
        "empty if the bucket's own policy does that.",
        required=False,
    ),
)
ACLS = ("private", "public-read", "authenticated-read", "bucket-owner-read")

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CATEGORY_RE = re.compile(r"^[^>]+(>[^>]+)?$")


def show_values(podcast: Podcast) -> dict[str, str]:
    """The form's values from the settings as they are."""
    return {
        "title": podcast.title,
        "description": podcast.description,
        "author": podcast.author,
        "owner.name": podcast.owner_name,
        "owner.email": podcast.owner_email,
        "language": podcast.language,
        "categories": "\n".join(" > ".join(c) for c in podcast.categories),
        "base_url": podcast.base_url,
        "link": podcast.link,
        "copyright": podcast.copyright or "",
        "explicit": "yes" if podcast.explicit else "",
        "publish.target": podcast.publish.target or "",
        "publish.acl": podcast.publish.acl or "",
    }


def show_problems(values: dict[str, str]) -> dict[str, str]:
    """Every problem of the form at once, each in plain words, by field name."""
    problems: dict[str, str] = {}
    for f in SHOW_FIELDS:
        value = values.get(f.name, "").strip()
        if not value:
            if f.required:
                problems[f.name] = "Write something here: it is needed."
            continue
        if f.name == "owner.email" and not EMAIL_RE.match(value):
            problems[f.name] = "Write an email address, like podcast@your-charity.org."
        elif f.name == "language" and language_problem(value):
            problems[f.name] = "Write a language code, like en-US, en-GB, es or pt-BR."
        elif f.name in ("base_url", "link") and url_problem(value):
            problems[f.name] = "Write a whole web address starting with https://."
        elif f.name == "publish.target" and not re.match(r"^(s3|file|sftp|gcs|az)://\S+$", value):
            problems[f.name] = (
                "Write an address like s3://bucket/folder or file:///var/www/podcast."
            )
        elif f.name == "publish.acl" and value not in ACLS:
            problems[f.name] = "Write public-read, or leave it empty."
        elif f.name == "categories":
            bad = [c for c in _lines(value) if not CATEGORY_RE.match(c)]
            if bad:
                problems[f.name] = (
                    f"“{bad[0]}” is not a category: write one per line, a category and "
                    "at most one subcategory after “>”."
                )
    return problems


def set_show_fields(path: Path, values: dict[str, str]) -> Podcast:
    """Write the show's details into `path`; returns the settings read back. Raises
    ContentError (and writes nothing) when the form has a problem or the result is
    refused by the loader."""
    problems = show_problems(values)
    if problems:
        first = next(f for f in SHOW_FIELDS if f.name in problems)
        raise ContentError(f"{first.label}: {problems[first.name]}", path=path)
    now = show_values(load_podcast(path))
    lines = read_text(path).splitlines(keepends=True)
    for f in SHOW_FIELDS:  # only what changed is written: the rest stays as typed
        value = values.get(f.name, "").strip()
        if _same(f, value, now[f.name]):
            continue
        lines = _set(lines, path, f.name, _yaml_value(f, value))
    if bool(values.get("explicit")) != bool(now["explicit"]):
        lines = _set(lines, path, "explicit", "true" if values.get("explicit") else "false")
    return replace(write_checked(path, "".join(lines), load_podcast), path=path)


def _same(f: ShowField, value: str, now: str) -> bool:
    if f.name == "categories":
        return [re.sub(r"\s*>\s*", " > ", c) for c in _lines(value)] == _lines(now)
    if f.name == "base_url":
        return value.rstrip("/") == now.rstrip("/")
    return " ".join(value.split()) == " ".join(now.split())


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _yaml_value(f: ShowField, value: str) -> str | None:
    """The value as YAML text after its key (None: the key is taken out)."""
    if not value:
        return None
    if f.name == "categories":
        named = [re.sub(r"\s*>\s*", " > ", c) for c in _lines(value)]
        return "\n" + "".join(f"  - {json.dumps(c, ensure_ascii=False)}\n" for c in named)
    if f.long:
        text = " ".join(value.split())
        return ">-\n" + "\n".join(
            textwrap.wrap(text, 78, initial_indent="  ", subsequent_indent="  ")
        )
    return json.dumps(value, ensure_ascii=False)


def _set(lines: list[str], path: Path, name: str, value: str | None) -> list[str]:
    """`lines` with the key `name` (dotted: inside a mapping) given `value`, written
    where it stands (its comments kept), else after the last of the show's keys."""
    data = parse_yaml("".join(lines), path)
    parent, _, key = name.rpartition(".")
    mapping: Any = data.get(parent) if parent else data
    indent = "  " if parent else ""
    if parent and mapping is None:  # the block is not there yet: added at the end
        if value is None:
            return lines
        text = "".join(lines).rstrip("\n") + f"\n\n{parent}:\n{indent}{key}: {value}\n"
        return text.splitlines(keepends=True)
    if not isinstance(mapping, dict):
        raise ContentError(f"'{parent}' is not a mapping of keys to values.", path=path)
    if value is None:
        text = ""
    elif value.startswith("\n"):  # a block list
        text = f"{indent}{key}:{value}"
    else:
        text = f"{indent}{key}: {value}\n"
    if key in mapping.lines:
        begin = mapping.lines[key] - 1
        end = block_end(lines, begin)
        # A list at the key's own indent ("key:" then "- item") is the key's too.
        while end < len(lines) and re.match(rf"^{indent}- ", lines[end]):
            end = block_end(lines, end)
        return "".join([*lines[:begin], text, *lines[end:]]).splitlines(keepends=True)
    if value is None:
        return lines
    after = max((mapping.lines[k] for k in mapping.lines if k in _SHOW_KEYS), default=0)
    end = block_end(lines, after - 1) if after else len(lines)
    return "".join([*lines[:end], text, *lines[end:]]).splitlines(keepends=True)


_SHOW_KEYS = {"title", "description", "author", "owner", "language", "categories", "base_url",
              "link", "copyright", "explicit", "name", "email", "target", "acl"}  # fmt: skip
