"""Atomic file writes: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, TypeVar

from .errors import OutputError

T = TypeVar("T")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one step."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as err:
        raise OutputError(
            f"cannot write here ({err.strerror}).",
            path=folder,
            fix="Check that the folder exists, is writable and the disk has space.",
        ) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as err:
        raise OutputError(
            f"cannot write the file ({err.strerror}).",
            path=path,
            fix="Check that the disk has space and the folder is writable; "
            "the previous version was left in place.",
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


_RENAME_EXCHANGE = 2  # linux/fs.h


def write_checked(path: Path, text: str, load: Callable[[Path], T]) -> T:
    """Replace `path` with `text` only once `load` (the file's own loader) has read it
    back from a copy beside it: a hand-kept settings or lexicon file is never left in a
    state the build refuses. Returns what `load` read; its error, with nothing written."""
    trial = path.with_name(f".{path.name}.studio-check")
    try:
        trial.write_text(text, encoding="utf-8")
        loaded = load(trial)
    finally:
        trial.unlink(missing_ok=True)
    atomic_write_text(path, text)
    return loaded


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE), if possible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def swap_in(staging: Path, out: Path) -> None:
    """Put a complete staging folder where `out` is, so readers see the old or the new.

    On Linux the two folders are exchanged in one step; elsewhere two renames, and
    `recover()` mends a crash between them.
    """
    if out.exists() and _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous build
        return
    old = out.parent / f".{out.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def recover(parent: Path, name: str) -> None:
    """After a crash: put back a previous build left aside, drop dead builds' staging."""
    out, old = parent / name, parent / f".{name}.old"
    if not out.exists() and old.is_dir():
        os.replace(old, out)
    for stale in parent.glob(f".{name}.staging-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """One build at a time per output folder: a second one waits, and says so.

    The lock file is removed when the build ends, and the folder too if this build made
    it and left it empty (a command that failed at start left an `audio/` holding only
    `.imnm-audio.lock`). Removing a lock file others may be waiting on is safe because
    each, once it holds the lock, checks that the file it locked is still the one at the
    path, and starts again if not."""
    log = logging.getLogger(__name__)
    made = not folder.exists()
    path = folder / ".imnm-audio.lock"
    said = False
    while True:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle = open(path, "a+")  # noqa: SIM115 - held for the build
        except OSError as err:
            raise OutputError(
                f"cannot write here ({err.strerror}).",
                path=folder,
                fix="Check that the folder exists and is writable.",
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not said:
                log.warning(
                    "another imnm-audio build is writing to %s; waiting for it to finish",
                    folder,
                )
                said = True
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(handle.fileno()).st_ino:
            break
        handle.close()  # the build before removed it as it ended: lock the new one
    with handle:
        try:
            yield
        finally:
            path.unlink(missing_ok=True)
            if made:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
            fcntl.flock(handle, fcntl.LOCK_UN)


class Deferrer(Protocol):
    """Where a finished staging folder waits to be published (pipeline.options.PublishGate)."""

    def defer(self, publish: Callable[[], None], discard: Callable[[], None]) -> None: ...


@contextlib.contextmanager
def staged_folder(out: Path, what: str, gate: Deferrer | None = None) -> Iterator[Path]:
    """Yield an empty staging folder beside `out`; on success it replaces `out` whole,
    at once, or with a `gate`, when the gate says (it may also discard it).

    On failure nothing is published: the staging folder is removed and `out` is
    left as it was.
    """
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    deferred = False
    try:
        staging.mkdir(parents=True)
        yield staging
        if gate is None:
            _publish(staging, out, what)
        else:
            deferred = True
            gate.defer(
                lambda: _publish(staging, out, what),
                lambda: shutil.rmtree(staging, ignore_errors=True),
            )
    except OSError as err:
        raise _cannot_write(what, out, err) from None
    finally:
        if not deferred:
            shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, out: Path, what: str) -> None:
    try:
        swap_in(staging, out)
    except OSError as err:
        raise _cannot_write(what, out, err) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _cannot_write(what: str, out: Path, err: OSError) -> OutputError:
    return OutputError(
        f"cannot write the {what} ({err.strerror}).",
        path=out,
        fix="Check that the disk has space and the folder is writable; the previous "
        "build was left in place.",
    )
