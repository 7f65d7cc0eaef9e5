"""hibari's voices: the list hibari ships (`hibari/assets/voices.json`), the voices a
user has installed with `imnm-audio voices add FILE` (checked against that list by
size and SHA-256, copied into `voices_dir()` with a note of what each is), and the
one inside the wheel. Nothing here downloads anything.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import EngineError

log = logging.getLogger(__name__)

BUNDLED_VOICE = "heart"


@dataclass(frozen=True)
class ListedVoice:
    """A voice in hibari's list: what it is and the one file that is it."""

    name: str
    language: str
    accent: str
    gender: str
    file: str
    bytes: int
    sha256: str
    british: bool
    bundled: bool


@functools.cache
def assets_folder() -> Path | None:
    """hibari's assets folder, found without importing hibari (which loads scipy): a
    rebuild with nothing to synthesise stays fast."""
    spec = importlib.util.find_spec("hibari")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "assets"


def registry() -> dict[str, ListedVoice]:
    return _registry(os.environ.get("IMNM_AUDIO_HIBARI_REGISTRY", ""))


@functools.cache
def _registry(override: str) -> dict[str, ListedVoice]:
    """hibari's list of its voices (`hibari/assets/voices.json`, in the wheel).
    IMNM_AUDIO_HIBARI_REGISTRY names another list in the same form (for tests, or
    a newer list than the installed hibari's)."""
    if override:
        path = Path(override)
    else:
        assets = assets_folder()
        if assets is None:
            return {}
        path = assets / "voices.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {
            name: ListedVoice(
                name=name,
                language=str(v["language"]),
                accent=str(v.get("accent", "")),
                gender=str(v.get("gender", "")),
                file=str(v["file"]),
                bytes=int(v["bytes"]),
                sha256=str(v["sha256"]).lower(),
                british=bool(v.get("british", False)),
                bundled=bool(v.get("bundled", False)),
            )
            for name, v in raw.items()
        }
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise EngineError(
            f"hibari's list of voices could not be read ({err}).",
            path=path,
            fix="Reinstall hibari-tts (pip install -e .).",
        ) from None


def voices_dir() -> Path:
    """Where voices a user adds are kept: IMNM_AUDIO_HOME/voices/hibari, else the
    user's data folder ($XDG_DATA_HOME or ~/.local/share)/imnm-audio/voices/hibari."""
    home = os.environ.get("IMNM_AUDIO_HOME")
    if home:
        base = Path(home)
    else:
        data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        base = Path(data) / "imnm-audio"
    return base / "voices" / "hibari"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def installed() -> dict[str, tuple[ListedVoice, Path]]:
    """Every voice the engine can speak with now: the bundled one and those added
    (each an .onnx with its note, `<file>.json`, beside it)."""
    found: dict[str, tuple[ListedVoice, Path]] = {}
    listed = registry()
    bundled = listed.get(BUNDLED_VOICE)
    assets = assets_folder()
    if bundled is not None and assets is not None:
        found[BUNDLED_VOICE] = (bundled, assets / bundled.file)
    folder = voices_dir()
    if folder.is_dir():
        for note in sorted(folder.glob("*.onnx.json")):
            try:
                v = json.loads(note.read_text(encoding="utf-8"))
                voice = ListedVoice(**v)
            except (OSError, ValueError, TypeError):
                log.warning("%s is not a voice note imnm-audio wrote; ignored", note)
                continue
            model = note.with_suffix("")
            if model.is_file() and model.stat().st_size == voice.bytes:
                found.setdefault(voice.name, (voice, model))
    return found


class VoiceFileRefused(EngineError):
    """A file `voices add` will not install, with why and what to do."""


def add_voice(file: Path) -> ListedVoice:
    """Install a voice file the user has, if it is exactly a voice hibari lists:
    its size and SHA-256 must match the list's entry. Nothing is downloaded; nothing
    is installed unless the file is verified."""
    if not file.is_file():
        raise VoiceFileRefused(
            "there is no file here to add.",
            path=file,
            fix="Give the path of a voice file you have, e.g. bf_emma.int8.onnx.",
        )
    listed = registry()
    size = file.stat().st_size
    digest = sha256_of(file)
    named = {v.file: v for v in listed.values()}
    match = next((v for v in listed.values() if v.sha256 == digest and v.bytes == size), None)
    if match is None:
        known = ", ".join(f"{v.name} ({v.file})" for v in listed.values() if not v.bundled)
        if file.name in named:
            want = named[file.name]
            if size != want.bytes:
                why = (
                    f"it is {size:,} bytes, but hibari's list says {want.file} is "
                    f"{want.bytes:,} bytes (an interrupted or altered download?)"
                )
            else:
                why = (
                    f"its SHA-256 is {digest[:16]}..., but hibari's list says "
                    f"{want.file} has {want.sha256[:16]}... (altered or corrupted)"
                )
            raise VoiceFileRefused(
                f"this is not the '{want.name}' voice hibari lists: {why}. Nothing was installed.",
                path=file,
                fix="Get the file again from the model's author "
                "(huggingface.co/maureesewilliams/hibari, folder voices/) and add that.",
            )
        raise VoiceFileRefused(
            f"this file ({size:,} bytes, SHA-256 {digest[:16]}...) is not a voice in "
            "hibari's list. Nothing was installed.",
            path=file,
            fix=f"Add one of the listed voice files: {known}.",
        )
    if match.bundled:
        raise VoiceFileRefused(
            f"this is the '{match.name}' voice, which comes with hibari: there is nothing "
            "to add. Nothing was installed.",
            path=file,
            fix=f"Use it as it is: voice: {match.name} under 'voice:' in content/podcast.yaml.",
        )
    folder = voices_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / match.file
        tmp = folder / f".{match.file}.{os.getpid()}.part"
        shutil.copyfile(file, tmp)
        if sha256_of(tmp) != match.sha256:  # the copy itself, checked before it is used
            tmp.unlink()
            raise VoiceFileRefused(
                "the copy did not match the file; nothing was installed.",
                path=folder,
                fix="Check the disk, then run the command again.",
            )
        os.replace(tmp, target)
        note = folder / f"{match.file}.json"
        note_tmp = folder / f".{match.file}.json.{os.getpid()}.part"
        note_tmp.write_text(json.dumps(match.__dict__, indent=1) + "\n", encoding="utf-8")
        os.replace(note_tmp, note)
    except OSError as err:
        raise VoiceFileRefused(
            f"the voice could not be written ({err.strerror or err}).",
            path=folder,
            fix="Set IMNM_AUDIO_HOME to a folder you can write to, or free some space.",
        ) from None
    return match


# ------------------------------------------------------------------ the engine
