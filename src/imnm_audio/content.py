"""Read and validate factsheets, podcast settings and the lexicon into dataclasses."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import ContentError
from .yamlio import Field, check_fields, line_of, load_yaml_file, parse_yaml, read_text

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LANGUAGE_RE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
URL_IN_TEXT_RE = re.compile(
    r"(?<![\w@/.])(?:https?://[^\s<>()\"']+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>()\"']*)?)",
    re.IGNORECASE,
)


def url_problem(value: Any) -> str | None:
    """Say what is wrong with a URL (only absolute http/https URLs are allowed), or None."""
    if not isinstance(value, str):
        return "must be a URL in quotes."
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return (
            f"is not a valid web address: '{value}'. Write a full http or https URL, "
            "e.g. https://www.example.org/page."
        )
    return None


# ---------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (### in Markdown)."""

    text: str


@dataclass(frozen=True)
class ListItem:
    lead: str | None  # the bold lead-in ("Medications."), if any
    text: str
    level: int = 1


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]
    ordered: bool = False


Block = Paragraph | Heading | BulletList


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]
    urls: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class FactsheetMeta:
    title: str
    short_title: str
    organisation: str
    language: str
    source_url: str
    summary: str
    published: str  # ISO date, YYYY-MM-DD
    resources: tuple[Link, ...]
    episode: int | None = None
    author: str | None = None
    copyright: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Factsheet:
    slug: str
    path: Path
    meta: FactsheetMeta
    sections: tuple[Section, ...]
    source_hash: str


@dataclass(frozen=True)
class VoiceSettings:
    engine: str = "piper"
    voice: str = "en_US-joe-medium"
    rate: float = 1.0


@dataclass(frozen=True)
class AudioSettings:
    bitrate_kbps: int = 96
    sample_rate: int = 44100
    channels: int = 1
    chime: bool = True
    loudness_lufs: float | None = None  # None: -19 for mono, -16 for stereo
    true_peak_db: float = -1.0

    @property
    def target_lufs(self) -> float:
        if self.loudness_lufs is not None:
            return self.loudness_lufs
        return -19.0 if self.channels == 1 else -16.0


@dataclass(frozen=True)
class HoldSettings:
    """The phone hold line: pace, message length, loop length and level."""

    rate: float = 0.9  # a little slower than the podcast: the phone band loses detail
    message_words: int = 45  # about 20-30 s of speech at that pace
    min_message_s: float = 15.0
    max_message_s: float = 40.0
    gap_s: float = 2.5  # between messages in the loop
    max_loop_s: float = 300.0
    level_dbov: float = -23.0  # ITU-T P.56 active speech level; see README


@dataclass(frozen=True)
class CheckSettings:
    """Thresholds of `imnm-audio check`. Tighten them as the narration gets better."""

    max_wer: float = 0.12
    min_key_term_recall: float = 0.95
    loudness_tolerance_lu: float = 1.0
    hold_level_tolerance_db: float = 2.0


@dataclass(frozen=True)
class Podcast:
    path: Path
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    language: str
    categories: tuple[tuple[str, ...], ...]
    base_url: str
    link: str
    artwork: Path | None
    explicit: bool
    copyright: str | None
    voice: VoiceSettings
    audio: AudioSettings
    piper_voices: dict[str, Path] = field(default_factory=dict)
    hold: HoldSettings = HoldSettings()
    check: CheckSettings = CheckSettings()


@dataclass(frozen=True)
class Term:
    term: str
    say: str
    engines: tuple[tuple[str, str], ...] = ()
    expand: str | None = None
    match_case: bool = True
    note: str | None = None

    def spoken_for(self, engine: str) -> str:
        return dict(self.engines).get(engine, self.say)


@dataclass(frozen=True)
class Lexicon:
    path: Path
    terms: tuple[Term, ...]


# ---------------------------------------------------------------- podcast.yaml


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be more than zero."


def load_podcast(path: Path) -> Podcast:
    data = load_yaml_file(path)
    fields = [
        Field("title", "str", True),
        Field("description", "str", True),
        Field("author", "str", True),
        Field("owner", "map", True),
        Field("language", "str", True, _language_problem),
        Field("categories", "list", True),
        Field("base_url", "str", True, url_problem),
        Field("link", "str", True, url_problem),
        Field("artwork", "str"),
        Field("explicit", "bool"),
        Field("copyright", "str"),
        Field("voice", "map"),
        Field("audio", "map"),
        Field("piper_voices", "map"),
        Field("hold", "map"),
        Field("check", "map"),
    ]
    top = check_fields(data, fields, path, "the podcast settings")
    owner = check_fields(
        top["owner"], [Field("name", "str", True), Field("email", "str", True)], path, "'owner'"
    )
    if "@" not in owner["email"]:
        raise ContentError(
            f"'owner.email' is not an email address: '{owner['email']}'.",
            path=path,
            line=line_of(top["owner"], "email"),
        )
    categories: list[tuple[str, ...]] = []
    for item in top["categories"]:
        parts = tuple(p.strip() for p in item.split(">")) if isinstance(item, str) else ()
        if not parts or not all(parts):
            raise ContentError(
                "each category must be text like 'Health & Fitness > Medicine'.",
                path=path,
                line=line_of(data, "categories"),
            )
        categories.append(parts)
    voice = check_fields(
        top.get("voice", {}),
        [
            Field("engine", "str"),
            Field("voice", "str"),
            Field("rate", "float", False, _rate_problem),
        ],
        path,
        "'voice'",
    )
    audio = check_fields(
        top.get("audio", {}),
        [
            Field("bitrate_kbps", "int", False, _bitrate_problem),
            Field("sample_rate", "int", False, _rate_hz_problem),
            Field("channels", "int", False, lambda v: None if v in (1, 2) else "must be 1 or 2."),
            Field("chime", "bool"),
            Field(
                "loudness_lufs",
                "float",
                False,
                lambda v: None if -30 <= v <= -10 else "must be between -30 and -10 LUFS.",
            ),
            Field(
                "true_peak_db",
                "float",
                False,
                lambda v: None if -9 <= v <= 0 else "must be between -9 and 0 dBTP.",
            ),
        ],
        path,
        "'audio'",
    )
    hold = check_fields(
        top.get("hold", {}),
        [
            Field("rate", "float", False, _rate_problem),
            Field(
                "message_words",
                "int",
                False,
                lambda v: None if 15 <= v <= 200 else "must be between 15 and 200.",
            ),
            Field("min_message_s", "float", False, _positive),
            Field("max_message_s", "float", False, _positive),
            Field(
                "gap_s",
                "float",
                False,
                lambda v: None if 0 <= v <= 10 else "must be between 0 and 10 seconds.",
            ),
            Field(
                "max_loop_s",
                "float",
                False,
                lambda v: None if 30 <= v <= 3600 else "must be between 30 and 3600 seconds.",
            ),
            Field(
                "level_dbov",
                "float",
                False,
                lambda v: None if -36 <= v <= -12 else "must be between -36 and -12 dBov.",
            ),
        ],
        path,
        "'hold'",
    )
    fraction = lambda v: None if 0 <= v <= 1 else "must be between 0 and 1."  # noqa: E731
    check = check_fields(
        top.get("check", {}),
        [
            Field("max_wer", "float", False, fraction),
            Field("min_key_term_recall", "float", False, fraction),
            Field("loudness_tolerance_lu", "float", False, _positive),
            Field("hold_level_tolerance_db", "float", False, _positive),
        ],
        path,
        "'check'",
    )
    piper_voices: dict[str, Path] = {}
    for name, model in (top.get("piper_voices") or {}).items():
        if not isinstance(model, str) or not model.endswith(".onnx"):
            raise ContentError(
                f"piper voice '{name}' must name an .onnx model file.",
                path=path,
                line=line_of(top["piper_voices"], name),
            )
        piper_voices[name] = (path.parent / model).resolve()
    artwork = (path.parent / top["artwork"]).resolve() if "artwork" in top else None
    if artwork is not None and not artwork.is_file():
        raise ContentError(
            f"the artwork file '{top['artwork']}' does not exist.",
            path=path,
            line=line_of(data, "artwork"),
            fix="Give a square PNG or JPEG of 1400-3000 px, or remove 'artwork' "
            "to have one generated.",
        )
    return Podcast(
        path=path,
        title=top["title"].strip(),
        description=top["description"].strip(),
        author=top["author"].strip(),
        owner_name=owner["name"].strip(),
        owner_email=owner["email"].strip(),
        language=top["language"],
        categories=tuple(categories),
        base_url=top["base_url"].rstrip("/") + "/",
        link=top["link"],
        artwork=artwork,
        explicit=top.get("explicit", False),
        copyright=top.get("copyright"),
        voice=VoiceSettings(**voice),
        audio=AudioSettings(**audio),
        piper_voices=piper_voices,
        check=CheckSettings(**{k: float(v) for k, v in check.items()}),
        hold=HoldSettings(**{k: float(v) if k != "message_words" else v for k, v in hold.items()}),
    )


def _language_problem(value: str) -> str | None:
    return (
        None
        if LANGUAGE_RE.match(value)
        else (f"is not a BCP 47 language tag: '{value}'. Use e.g. en-US, en-GB or es.")
    )


def _rate_problem(value: float) -> str | None:
    return None if 0.5 <= value <= 2.0 else "must be between 0.5 (slow) and 2.0 (fast)."


def _bitrate_problem(value: int) -> str | None:
    return (
        None
        if value in (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192)
        else ("must be an MP3 bit rate such as 64, 96 or 128.")
    )


def _rate_hz_problem(value: int) -> str | None:
    return (
        None
        if value in (22050, 24000, 32000, 44100, 48000)
        else ("must be 22050, 24000, 32000, 44100 or 48000.")
    )


# ---------------------------------------------------------------- lexicon.yaml


def load_lexicon(path: Path) -> Lexicon:
    data = load_yaml_file(path)
    top = check_fields(data, [Field("terms", "list", True)], path, "the lexicon")
    terms: list[Term] = []
    seen: dict[str, int | None] = {}
    for index, raw in enumerate(top["terms"], 1):
        what = f"term {index}"
        entry = check_fields(
            raw,
            [
                Field("term", "str", True),
                Field("say", "str", True),
                Field("engines", "map"),
                Field("expand", "str"),
                Field("match_case", "bool"),
                Field("note", "str"),
            ],
            path,
            what,
        )
        term = entry["term"].strip()
        key = term if entry.get("match_case", term != term.lower()) else term.lower()
        if key in seen:
            raise ContentError(
                f"'{term}' is in the lexicon twice (also line {seen[key]}).",
                path=path,
                line=line_of(raw, "term"),
                fix="Merge the two entries into one.",
            )
        seen[key] = line_of(raw, "term")
        engines = entry.get("engines", {})
        for engine_name, form in engines.items():
            if not isinstance(form, str) or not form.strip():
                raise ContentError(
                    f"the '{engine_name}' form of '{term}' must be text.",
                    path=path,
                    line=line_of(engines, engine_name),
                )
        for form in [entry["say"], *engines.values(), entry.get("expand") or ""]:
            if form.count("[[") != form.count("]]"):
                raise ContentError(
                    f"'{term}' has unbalanced phoneme brackets in '{form}'.",
                    path=path,
                    line=line_of(raw, "say"),
                    fix="Write Piper phonemes as [[ phonemes ]].",
                )
        terms.append(
            Term(
                term=term,
                say=entry["say"].strip(),
                engines=tuple(sorted((k, v.strip()) for k, v in engines.items())),
                expand=entry.get("expand"),
                match_case=entry.get("match_case", term != term.lower()),
                note=entry.get("note"),
            )
        )
    return Lexicon(path=path, terms=tuple(terms))


# ---------------------------------------------------------------- factsheet.md


def find_factsheets(content_dir: Path, slugs: list[str] | None = None) -> list[Path]:
    """The factsheet files under content/, by slug (folder name), sorted."""
    if not content_dir.is_dir():
        raise ContentError(
            "the content folder does not exist.",
            path=content_dir,
            fix="Run the command from the project folder, or pass --content DIR.",
        )
    found = {p.parent.name: p for p in sorted(content_dir.glob("*/factsheet.md"))}
    if slugs:
        missing = [s for s in slugs if s not in found]
        if missing:
            known = ", ".join(found) or "none"
            raise ContentError(
                f"no factsheet called '{missing[0]}' (expected "
                f"{content_dir / missing[0] / 'factsheet.md'}).",
                path=content_dir,
                fix=f"Known factsheets: {known}.",
            )
        return [found[s] for s in slugs]
    if not found:
        raise ContentError(
            "there are no factsheets here.",
            path=content_dir,
            fix="Add one as <slug>/factsheet.md (see README: adding a factsheet).",
        )
    return list(found.values())


def load_factsheet(path: Path) -> Factsheet:
    slug = path.parent.name
    if not SLUG_RE.match(slug):
        raise ContentError(
            f"the folder name '{slug}' cannot be used as a factsheet slug.",
            path=path,
            fix="Use lower-case letters, digits and hyphens only (e.g. content/imnm/factsheet.md).",
        )
    text = read_text(path)
    front, body, body_line = _split_front_matter(text, path)
    meta = parse_meta(front, path, "the front matter")
    sections = _parse_sections(body, path, body_line)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Factsheet(slug=slug, path=path, meta=meta, sections=sections, source_hash=digest)


def _split_front_matter(text: str, path: Path) -> tuple[Any, str, int]:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            "the factsheet does not start with YAML front matter.",
            path=path,
            line=1,
            fix="Start the file with a line '---', the metadata "
            "(title, organisation, ...), and another '---'.",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            front = parse_yaml("".join(lines[1:index]), path, line_offset=1)
            return front, "".join(lines[index + 1 :]), index + 1
    raise ContentError(
        "the front matter is not closed.",
        path=path,
        line=1,
        fix="Add a line '---' after the metadata.",
    )


def parse_meta(front: Any, path: Path, what: str) -> FactsheetMeta:
    """Episode metadata: a factsheet's front matter, or the 'episode' block of a script."""
    fields = [
        Field("title", "str", True),
        Field("short_title", "str", True),
        Field("organisation", "str", True),
        Field("language", "str", True, _language_problem),
        Field("source_url", "str", True, url_problem),
        Field("summary", "str", True),
        Field("published", "any", True),
        Field("resources", "list", True),
        Field("episode", "int", False, _positive),
        Field("author", "str"),
        Field("copyright", "str"),
        Field("keywords", "list"),
    ]
    top = check_fields(front, fields, path, what)
    published = top["published"]
    if isinstance(published, dt.datetime):
        published = published.date()
    if isinstance(published, str):
        try:
            published = dt.date.fromisoformat(published.strip())
        except ValueError:
            published = None
    if not isinstance(published, dt.date):
        raise ContentError(
            "'published' must be a date like 2026-11-24.",
            path=path,
            line=line_of(front, "published"),
        )
    resources = []
    for raw in top["resources"]:
        entry = check_fields(
            raw,
            [Field("title", "str", True), Field("url", "str", True, url_problem)],
            path,
            "a resource",
        )
        resources.append(Link(entry["title"].strip(), entry["url"].strip()))
    keywords = top.get("keywords", [])
    if not all(isinstance(k, str) for k in keywords):
        raise ContentError(
            "'keywords' must be a list of words.", path=path, line=line_of(front, "keywords")
        )
    return FactsheetMeta(
        title=_clean(top["title"]),
        short_title=_clean(top["short_title"]),
        organisation=_clean(top["organisation"]),
        language=top["language"],
        source_url=top["source_url"].strip(),
        summary=_clean(top["summary"]),
        published=published.isoformat(),
        resources=tuple(resources),
        episode=top.get("episode"),
        author=top.get("author"),
        copyright=top.get("copyright"),
        keywords=tuple(keywords),
    )


def _clean(text: str) -> str:
    """Fold runs of white space (YAML folded text, stray newlines) into single spaces."""
    return " ".join(text.split())


_MD = MarkdownIt("commonmark")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _parse_sections(body: str, path: Path, body_line: int) -> tuple[Section, ...]:
    tokens = _MD.parse(body)
    sections: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    list_stack: list[tuple[bool, list[ListItem]]] = []
    item_text: list[str] = []  # paragraphs of the current list item
    i = 0

    def here(tok: Token) -> int:
        return body_line + 1 + (tok.map[0] if tok.map else 0)

    def current(tok: Token) -> dict[str, Any]:
        if not sections:
            raise ContentError(
                "there is text before the first section heading.",
                path=path,
                line=here(tok),
                fix="Put every paragraph under a '## Question?' "
                "heading (the # title line is optional).",
            )
        return sections[-1]

    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            title, _, urls = _flatten_inline(inline)
            if tok.tag == "h1":
                i += 3
                continue
            if tok.tag == "h2":
                if not title:
                    raise ContentError("a section heading is empty.", path=path, line=here(tok))
                section_id = slugify(title) or f"section-{len(sections) + 1}"
                if section_id in seen_ids:
                    raise ContentError(
                        f"two sections have the id '{section_id}' (the other is on line "
                        f"{seen_ids[section_id]}).",
                        path=path,
                        line=here(tok),
                        fix="Give each section heading different wording.",
                    )
                seen_ids[section_id] = here(tok)
                sections.append(
                    {"id": section_id, "title": title, "blocks": [], "urls": [], "line": here(tok)}
                )
            else:
                current(tok)["blocks"].append(Heading(title))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            current(tok)
            list_stack.append((tok.type == "ordered_list_open", []))
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            ordered, items = list_stack.pop()
            if not list_stack:
                sections[-1]["blocks"].append(BulletList(tuple(items), ordered))
            else:
                list_stack[-1][1].extend(items)
        elif tok.type == "list_item_open":
            item_text = []
        elif tok.type == "list_item_close":
            pass
        elif tok.type == "inline":
            text, lead, urls = _flatten_inline(tok)
            section = current(tok)
            section["urls"].extend(u for u in urls if u not in section["urls"])
            if list_stack:
                level = len(list_stack)
                if not item_text:
                    list_stack[-1][1].append(ListItem(lead, text, level))
                else:  # a second paragraph of the same item: its own item without a lead
                    list_stack[-1][1].append(ListItem(None, text, level))
                item_text.append(text)
            elif text:
                section["blocks"].append(Paragraph(text))
        elif tok.type in ("fence", "code_block", "html_block", "table_open", "hr"):
            kind = {
                "fence": "a code block",
                "code_block": "an indented code block",
                "html_block": "raw HTML",
                "table_open": "a table",
                "hr": "a horizontal rule",
            }[tok.type]
            raise ContentError(
                f"{kind} cannot be read aloud.",
                path=path,
                line=here(tok),
                fix="Write it as paragraphs or a bullet list.",
            )
        i += 1

    if not sections:
        raise ContentError(
            "the factsheet has no sections.",
            path=path,
            fix="Add at least one '## Question?' heading with text under it.",
        )
    result = []
    for s in sections:
        blocks = [b for b in s["blocks"] if not (isinstance(b, BulletList) and not b.items)]
        if not any(isinstance(b, (Paragraph, BulletList)) for b in blocks):
            raise ContentError(
                f"the section '{s['title']}' has no text.",
                path=path,
                line=s["line"],
                fix="Add its text, or remove the heading.",
            )
        for b in blocks:
            if isinstance(b, BulletList) and any(not it.text and not it.lead for it in b.items):
                raise ContentError(
                    f"the section '{s['title']}' has an empty list item.", path=path, line=s["line"]
                )
        result.append(Section(s["id"], s["title"], tuple(blocks), tuple(s["urls"]), s["line"]))
    return tuple(result)


def _flatten_inline(tok: Token) -> tuple[str, str | None, list[str]]:
    """Inline Markdown to plain text; a bold run at the start becomes the lead-in."""
    children = tok.children or []
    parts: list[str] = []
    lead: str | None = None
    urls: list[str] = []
    in_strong = 0
    strong_at_start = False
    strong_parts: list[str] = []
    for child in children:
        if child.type == "strong_open":
            in_strong += 1
            if not "".join(parts).strip():
                strong_at_start = True
            continue
        if child.type == "strong_close":
            in_strong -= 1
            if strong_at_start and in_strong == 0 and lead is None:
                lead = " ".join("".join(strong_parts).split())
                parts = []
            continue
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            if urlsplit(href).scheme in ("http", "https"):
                urls.append(href)
            continue
        if child.type in ("softbreak", "hardbreak"):
            piece = " "
        elif child.type == "image":
            piece = child.content  # the alt text
        elif child.type in ("text", "code_inline"):
            piece = child.content
        elif child.type == "html_inline":
            piece = ""
        else:
            piece = ""
        parts.append(piece)
        if in_strong and strong_at_start and lead is None:
            strong_parts.append(piece)
    # Control characters mean nothing in a factsheet and are not allowed in XML (feed,
    # EPUB, DAISY): drop them at the edge.
    text = " ".join(_CONTROL.sub("", "".join(parts)).split())
    lead = _CONTROL.sub("", lead) if lead else lead
    urls.extend(
        u if u.lower().startswith("http") else "https://" + u
        for u in URL_IN_TEXT_RE.findall((lead or "") + " " + text)
    )
    return text, lead, list(dict.fromkeys(u.rstrip(".,;:!?") for u in urls))


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-")


# ---------------------------------------------------------------- all together


@dataclass(frozen=True)
class Project:
    """Everything read from a content folder: settings, lexicon and factsheets."""

    content_dir: Path
    podcast: Podcast
    lexicon: Lexicon
    factsheets: tuple[Factsheet, ...]


def load_project(content_dir: Path, slugs: list[str] | None = None) -> Project:
    paths = find_factsheets(content_dir, slugs)
    return Project(
        content_dir=content_dir,
        podcast=load_podcast(content_dir / "podcast.yaml"),
        lexicon=load_lexicon(content_dir / "lexicon.yaml"),
        factsheets=tuple(load_factsheet(p) for p in paths),
    )
