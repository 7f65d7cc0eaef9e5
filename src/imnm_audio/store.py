"""Where the cache (and a cluster build's finished outputs) are kept: a folder, or any
fsspec location (`s3://bucket/prefix` on any S3-compatible server, `gcs://`, ...).

A folder is written as it always was: each entry to a temporary name, then renamed, so
a reader never sees half an entry. An object store's single PUT is atomic the same way.
fsspec is only imported for a URL, and its backend (s3fs for `s3://`) only then too.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from .errors import EngineUnavailable, UsageError
from .fsutil import atomic_write_bytes

log = logging.getLogger(__name__)

Location = Path | str  # a folder, or a URL with a protocol


def location_of(value: str | Path) -> Location:
    """A command-line `--cache` value: a URL stays a URL (`file://` becomes its folder)."""
    text = str(value)
    if text.startswith("file://"):
        return Path(text[len("file://") :])
    if "://" in text:
        return text.rstrip("/")
    return Path(text)


def is_url(location: Location) -> bool:
    return isinstance(location, str)


class Store(Protocol):
    """Bytes by relative name ('ab/abcd.wav'); absent entries read as None."""

    where: str

    def read(self, name: str) -> bytes | None: ...
    def write(self, name: str, data: bytes) -> None: ...
    def write_new(self, name: str, data: bytes) -> bytes | None: ...
    def remove(self, name: str) -> None: ...
    def entries(self, under: str = "") -> Iterator[tuple[str, int]]: ...
    def remove_all(self, under: str) -> None: ...


class FolderStore:
    """A local or network folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.where = str(self.root)

    def path(self, name: str) -> Path:
        return self.root / name

    def read(self, name: str) -> bytes | None:
        path = self.root / name
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            log.warning("cache entry %s cannot be read (%s); making it again", path, err)
            return None

    def write(self, name: str, data: bytes) -> None:
        atomic_write_bytes(self.root / name, data)

    def write_new(self, name: str, data: bytes) -> bytes | None:
        """Write only if nobody has: None when written, else what is there (the first
        writer wins, on a network folder too: a hard link is made or refused at once)."""
        path = self.root / name
        aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(aside, "wb") as fh:  # a name no one else writes: no rename needed
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(aside, 0o644)
            os.link(aside, path)
            return None
        except FileExistsError:
            return self.read(name) or b""
        except OSError:  # a folder without hard links: the last writer wins, as before
            self.write(name, data)
            return None
        finally:
            aside.unlink(missing_ok=True)

    def remove(self, name: str) -> None:
        try:
            (self.root / name).unlink()
        except OSError:
            pass

    def entries(self, under: str = "") -> Iterator[tuple[str, int]]:
        base = self.root / under if under else self.root
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.relative_to(self.root).as_posix(), path.stat().st_size

    def remove_all(self, under: str) -> None:
        shutil.rmtree(self.root / under, ignore_errors=True)


def open_location(url: str, what: str, fix: str, **options: Any) -> tuple[Any, str]:
    """An fsspec filesystem and the root path in it for `url` (`what` names it in an
    error: "the cache s3://..."); a missing fsspec or backend is a usage error with
    `fix`."""
    try:
        import fsspec
    except ImportError:  # pragma: no cover - fsspec comes with the cluster extra
        raise UsageError(
            f"{what} {url} is a URL, and reaching one needs fsspec.",
            fix="Install the cluster extra: pip install 'imnm-audio[cluster]'.",
        ) from None
    try:
        fs, root = fsspec.core.url_to_fs(url, **options)
    except (ImportError, ValueError) as err:
        raise UsageError(f"{what} {url} cannot be opened ({err}).", fix=fix) from None
    return fs, root.rstrip("/")


class RemoteStore:
    """An fsspec location: an object store or any filesystem fsspec knows."""

    def __init__(self, url: str) -> None:
        self.where = url
        # A filesystem of its own: fsspec hands out the instance an earlier call with the
        # same arguments made, and with credentials and endpoint taken from the
        # environment, that one may point at another server (a test's stopped one).
        self.fs, self.root = open_location(
            url,
            "the cache",
            "Use a folder, or an s3:// URL with s3fs installed "
            "(pip install 'imnm-audio[cluster]').",
            skip_instance_cache=True,
        )

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def _unreachable(self, err: Exception) -> EngineUnavailable:
        return EngineUnavailable(
            f"the shared cache {self.where} cannot be reached ({err}).",
            fix="Check the URL, the server (AWS_ENDPOINT_URL for an S3-compatible one) and "
            "the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).",
        )

    def read(self, name: str) -> bytes | None:
        try:
            data: bytes = self.fs.cat_file(self._path(name))
        except FileNotFoundError:
            return None
        except Exception as err:  # noqa: BLE001 - botocore's and aiohttp's own errors too
            raise self._unreachable(err) from None
        return data

    def write(self, name: str, data: bytes) -> None:
        try:
            self.fs.pipe_file(self._path(name), data)  # one PUT: never seen half-written
        except Exception as err:  # noqa: BLE001
            raise self._unreachable(err) from None

    def write_new(self, name: str, data: bytes) -> bytes | None:
        """A conditional PUT (If-None-Match: *, which AWS, R2 and MinIO honour): None
        when written, else what another writer put there first."""
        try:
            if "s3" in self.fs.protocol or "s3a" in self.fs.protocol:
                self.fs.pipe_file(self._path(name), data, IfNoneMatch="*")
            elif self.fs.exists(self._path(name)):  # other filesystems: best effort
                return self.read(name) or b""
            else:
                self.fs.pipe_file(self._path(name), data)
            return None
        except FileExistsError:
            return self.read(name) or b""
        except Exception as err:  # noqa: BLE001
            raise self._unreachable(err) from None

    def remove(self, name: str) -> None:
        try:
            self.fs.rm_file(self._path(name))
        except OSError:
            pass

    def entries(self, under: str = "") -> Iterator[tuple[str, int]]:
        base = self._path(under) if under else self.root
        try:
            found: dict[str, Any] = self.fs.find(base, detail=True)
        except FileNotFoundError:
            return
        except Exception as err:  # noqa: BLE001
            raise self._unreachable(err) from None
        for path, info in sorted(found.items()):
            name = path[len(self.root) + 1 :]
            if info.get("type") == "file" and not name.rsplit("/", 1)[-1].startswith("."):
                yield name, int(info.get("size") or 0)

    def remove_all(self, under: str) -> None:
        try:
            self.fs.rm(self._path(under), recursive=True)
        except FileNotFoundError:
            pass
        except Exception as err:  # noqa: BLE001
            raise self._unreachable(err) from None


class LayeredStore:
    """A worker's near copy in front of the shared store, for one task: what the worker
    writes or reads is kept in a local folder too, so assembly reads back the clips it
    has just made without another trip to the object store (one GET a clip)."""

    def __init__(self, near: FolderStore, far: Store) -> None:
        self.near, self.far = near, far
        self.where = far.where

    def read(self, name: str) -> bytes | None:
        data = self.near.read(name)
        if data is None:
            data = self.far.read(name)
            if data is not None:
                self.near.write(name, data)
        return data

    def write(self, name: str, data: bytes) -> None:
        self.far.write(name, data)
        self.near.write(name, data)

    def write_new(self, name: str, data: bytes) -> bytes | None:
        there = self.far.write_new(name, data)
        self.near.write(name, data if there is None else there)
        return there

    def remove(self, name: str) -> None:
        self.near.remove(name)
        self.far.remove(name)

    def entries(self, under: str = "") -> Iterator[tuple[str, int]]:
        return self.far.entries(under)

    def remove_all(self, under: str) -> None:
        self.near.remove_all(under)
        self.far.remove_all(under)


def open_store(location: Location) -> Store:
    return RemoteStore(location) if is_url(location) else FolderStore(Path(location))


def clean_stray_temporaries(root: Path) -> None:
    for stray in root.glob(".*.tmp"):
        os.unlink(stray)
