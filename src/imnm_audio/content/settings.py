"""Show settings: content/podcast.yaml (feed, voice, audio format, hold line, check)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ContentError
from ..yamlio import Field, check_fields, line_of, load_yaml_file
from .common import language_problem, positive, url_problem


@dataclass(frozen=True)
class VoiceSettings:
    engine: str = "hibari"  # chosen by measurement: README, "Voices and engines"
    voice: str = "heart"
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


# The speech thresholds calibrated for each engine's voice (README: "How the check's
# thresholds were set"); the top-level values are Piper's.
ENGINE_CHECKS: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    ("hibari", (("max_wer", 0.06),)),
)
_PER_ENGINE = ("max_wer", "min_key_term_recall", "key_term_misses_allowed")
ENGINE_NAMES = ("piper", "hibari", "gtts", "espeak")  # engines.ENGINES (a test keeps them alike)


@dataclass(frozen=True)
class CheckSettings:
    """Thresholds of `imnm-audio check`, set from fresh syntheses of correct builds and
    proven by controls (README: "How the check's thresholds were set")."""

    # A long episode's limit; a short one is allowed more by chance (speech.wer_limit).
    max_wer: float = 0.12
    min_key_term_recall: float = 0.85
    # Misses always allowed, however few the key terms: on a short factsheet with 10,
    # two slips of the recogniser are 20%. A word said wrongly is still caught: it is
    # missed in most of its mentions (suspect), which fails the check on its own.
    key_term_misses_allowed: int = 2
    loudness_tolerance_lu: float = 1.0
    hold_level_tolerance_db: float = 2.0
    # What differs for one engine's voice, calibrated on its own builds (`engines:`
    # under `check:`); `for_engine` applies it. A clearer voice is held to fewer errors.
    engines: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ENGINE_CHECKS

    def for_engine(self, engine: str) -> CheckSettings:
        """These thresholds with the named engine's own values in place."""
        own = dict(dict(self.engines).get(engine, ()))
        if not own:
            return self
        return replace(
            self,
            **{k: int(v) if k == "key_term_misses_allowed" else float(v) for k, v in own.items()},
        )


@dataclass(frozen=True)
class PublishSettings:
    """Where `imnm-audio publish` sends the built podcast (credentials never here)."""

    target: str | None = None  # s3://bucket/prefix, sftp://user@host/path, file:///folder
    endpoint_url: str | None = None  # an S3-compatible server's address (else AWS_ENDPOINT_URL)
    acl: str | None = None  # an S3 canned ACL for every object: "public-read"


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
    # A voice for factsheets in other languages, by language tag ("pt", "es-MX").
    voices: dict[str, VoiceSettings] = field(default_factory=dict)
    publish: PublishSettings = PublishSettings()

    def voice_for(self, language: str) -> VoiceSettings:
        """The voice a factsheet in this language is read with: the one set for its tag
        ("pt-BR"), else for its language ("pt"), else the show's voice."""
        tag = language.replace("_", "-")
        for key in (tag, tag.split("-")[0]):
            for known, settings in self.voices.items():
                if known.lower() == key.lower():
                    return settings
        return self.voice


_TOP_FIELDS = [
    Field("title", "str", True),
    Field("description", "str", True),
    Field("author", "str", True),
    Field("owner", "map", True),
    Field("language", "str", True, language_problem),
    Field("categories", "list", True),
    Field("base_url", "str", True, url_problem),
    Field("link", "str", True, url_problem),
    Field("artwork", "str"),
    Field("explicit", "bool"),
    Field("copyright", "str"),
    Field("voice", "map"),
    Field("audio", "map"),
    Field("piper_voices", "map"),
    Field("voices", "map"),
    Field("hold", "map"),
    Field("check", "map"),
    Field("publish", "map"),
]


def load_podcast(path: Path) -> Podcast:
    """Read and validate content/podcast.yaml; every mistake names the key and the fix."""
    data = load_yaml_file(path)
    top = check_fields(data, _TOP_FIELDS, path, "the podcast settings")
    owner_name, owner_email = _owner(top["owner"], path)
    return Podcast(
        path=path,
        title=top["title"].strip(),
        description=top["description"].strip(),
        author=top["author"].strip(),
        owner_name=owner_name,
        owner_email=owner_email,
        language=top["language"],
        categories=_categories(top["categories"], data, path),
        base_url=top["base_url"].rstrip("/") + "/",
        link=top["link"],
        artwork=_artwork(top, data, path),
        explicit=top.get("explicit", False),
        copyright=top.get("copyright"),
        voice=_voice(top.get("voice", {}), path),
        audio=_audio(top.get("audio", {}), path),
        piper_voices=_piper_voices(top.get("piper_voices") or {}, path),
        voices=_voices(top.get("voices") or {}, path),
        check=_check(top.get("check", {}), path),
        hold=_hold(top.get("hold", {}), path),
        publish=_publish(top.get("publish", {}), path),
    )


def _publish(raw: Any, path: Path) -> PublishSettings:
    def target_problem(value: Any) -> str | None:
        if isinstance(value, str) and re.match(r"^[a-z][a-z0-9+.-]*://\S+$", value):
            return None
        return "must be a URL such as s3://bucket/podcast, sftp://user@host/path or file:///folder."

    def acl_problem(value: Any) -> str | None:
        known = ("private", "public-read", "authenticated-read", "bucket-owner-read")
        return None if value in known else "must be one of " + ", ".join(known) + "."

    fields = [
        Field("target", "str", False, target_problem),
        Field("endpoint_url", "str", False, url_problem),
        Field("acl", "str", False, acl_problem),
    ]
    return PublishSettings(**check_fields(raw, fields, path, "'publish'"))


def _owner(raw: Any, path: Path) -> tuple[str, str]:
    owner = check_fields(
        raw, [Field("name", "str", True), Field("email", "str", True)], path, "'owner'"
    )
    if "@" not in owner["email"]:
        raise ContentError(
            f"'owner.email' is not an email address: '{owner['email']}'.",
            path=path,
            line=line_of(raw, "email"),
        )
    return owner["name"].strip(), owner["email"].strip()


def _categories(raw: list[Any], data: Any, path: Path) -> tuple[tuple[str, ...], ...]:
    categories: list[tuple[str, ...]] = []
    for item in raw:
        parts = tuple(p.strip() for p in item.split(">")) if isinstance(item, str) else ()
        if not parts or not all(parts):
            raise ContentError(
                "each category must be text like 'Health & Fitness > Medicine'.",
                path=path,
                line=line_of(data, "categories"),
            )
        categories.append(parts)
    return tuple(categories)


def _voice(raw: Any, path: Path) -> VoiceSettings:
    fields = [
        Field("engine", "str"),
        Field("voice", "str"),
        Field("rate", "float", False, _rate_problem),
    ]
    return VoiceSettings(**check_fields(raw, fields, path, "'voice'"))


def default_voice(engine: str, language: str) -> str:
    """An engine's voice for a language when none is named: Piper's bundled voice,
    Google's language tag, espeak-ng's voice name (its tags in lower case)."""
    defaults = {
        "piper": "en_US-joe-medium",
        "hibari": "heart",
        "gtts": language,
        "espeak": language.lower(),
    }
    return defaults.get(engine, language)


def _voices(raw: dict[str, Any], path: Path) -> dict[str, VoiceSettings]:
    """'voices:' in podcast.yaml: a voice for the factsheets in each other language."""
    out: dict[str, VoiceSettings] = {}
    for tag, settings in raw.items():
        if not isinstance(tag, str) or language_problem(tag):
            raise ContentError(
                f"'voices: {tag}' is not a language tag.",
                path=path,
                line=line_of(raw, tag) if isinstance(tag, str) else None,
                fix="Key each voice by a language tag, e.g. 'pt: {engine: espeak, voice: pt-br}'.",
            )
        fields = [
            Field("engine", "str", True),
            Field("voice", "str"),
            Field("rate", "float", False, _rate_problem),
        ]
        entry = check_fields(settings, fields, path, f"'voices: {tag}'")
        entry.setdefault("voice", default_voice(entry["engine"], tag))
        out[tag] = VoiceSettings(**entry)
    return out


def _between(low: float, high: float, unit: str = "") -> Callable[[Any], str | None]:
    return lambda v: None if low <= v <= high else f"must be between {low:g} and {high:g}{unit}."


def _audio(raw: Any, path: Path) -> AudioSettings:
    fields = [
        Field("bitrate_kbps", "int", False, _bitrate_problem),
        Field("sample_rate", "int", False, _rate_hz_problem),
        Field("channels", "int", False, lambda v: None if v in (1, 2) else "must be 1 or 2."),
        Field("chime", "bool"),
        Field("loudness_lufs", "float", False, _between(-30, -10, " LUFS")),
        Field("true_peak_db", "float", False, _between(-9, 0, " dBTP")),
    ]
    return AudioSettings(**check_fields(raw, fields, path, "'audio'"))


def _hold(raw: Any, path: Path) -> HoldSettings:
    fields = [
        Field("rate", "float", False, _rate_problem),
        Field("message_words", "int", False, _between(15, 200)),
        Field("min_message_s", "float", False, positive),
        Field("max_message_s", "float", False, positive),
        Field("gap_s", "float", False, _between(0, 10, " seconds")),
        Field("max_loop_s", "float", False, _between(30, 3600, " seconds")),
        Field("level_dbov", "float", False, _between(-36, -12, " dBov")),
    ]
    hold = check_fields(raw, fields, path, "'hold'")
    return HoldSettings(**{k: float(v) if k != "message_words" else v for k, v in hold.items()})


def _check(raw: Any, path: Path) -> CheckSettings:
    fields = [
        Field("max_wer", "float", False, _between(0, 1)),
        Field("min_key_term_recall", "float", False, _between(0, 1)),
        Field("loudness_tolerance_lu", "float", False, positive),
        Field("hold_level_tolerance_db", "float", False, positive),
        Field(
            "key_term_misses_allowed",
            "int",
            False,
            lambda v: None if 0 <= v <= 100 else "must be between 0 and 100.",
        ),
    ]
    per_engine = raw.get("engines") if isinstance(raw, dict) else None
    if isinstance(raw, dict) and "engines" in raw:
        raw = {k: v for k, v in raw.items() if k != "engines"}
    check = check_fields(raw, fields, path, "'check'")
    values: dict[str, Any] = {
        k: (int(v) if k == "key_term_misses_allowed" else float(v)) for k, v in check.items()
    }
    engines = dict(ENGINE_CHECKS)
    if per_engine is not None:
        if not isinstance(per_engine, dict):
            raise ContentError(
                "'engines' under 'check' must map engine names to thresholds.",
                path=path,
                line=line_of(per_engine),
                fix="For example:  engines: {hibari: {max_wer: 0.06}}",
            )
        speech = [f for f in fields if f.name in _PER_ENGINE]
        for name, own in per_engine.items():
            if name not in ENGINE_NAMES:
                raise ContentError(
                    f"'{name}' under 'check: engines:' is not a speech engine.",
                    path=path,
                    line=line_of(per_engine, name),
                    fix="Known engines: " + ", ".join(ENGINE_NAMES) + ".",
                )
            checked = check_fields(own, speech, path, f"'check: engines: {name}'")
            engines[name] = tuple(sorted((k, float(v)) for k, v in checked.items()))
    values["engines"] = tuple(sorted(engines.items()))
    return CheckSettings(**values)


def _piper_voices(raw: dict[str, Any], path: Path) -> dict[str, Path]:
    """Extra Piper voices by name: .onnx files, relative to podcast.yaml."""
    voices: dict[str, Path] = {}
    for name, model in raw.items():
        if not isinstance(model, str) or not model.endswith(".onnx"):
            raise ContentError(
                f"piper voice '{name}' must name an .onnx model file.",
                path=path,
                line=line_of(raw, name),
            )
        voices[name] = (path.parent / model).resolve()
    return voices


def _artwork(top: dict[str, Any], data: Any, path: Path) -> Path | None:
    if "artwork" not in top:
        return None
    artwork = (path.parent / top["artwork"]).resolve()
    if not artwork.is_file():
        raise ContentError(
            f"the artwork file '{top['artwork']}' does not exist.",
            path=path,
            line=line_of(data, "artwork"),
            fix="Give a square PNG or JPEG of 1400-3000 px, or remove 'artwork' "
            "to have one generated.",
        )
    return artwork


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
