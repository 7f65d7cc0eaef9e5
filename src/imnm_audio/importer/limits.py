"""What importing one file may cost, and the child process that holds it to that.

An imported file is hostile until read: a Word file can be a zip bomb, a PDF page can
hold a million glyphs, and the parsers (pdfminer, lxml, mammoth) have no limits of
their own. So the cheap limits are checked before any work (the file's size, the
declared and actual size of every part of a Word file, a PDF's page count and each
page's glyphs as they are read), and the reading itself runs in a child process that
is stopped when it passes its time or memory budget. Whatever goes wrong in there
comes back as one message naming the file and the limit, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from ..errors import ContentError

MB = 1024 * 1024
MAX_FILE_BYTES = {"pdf": 50 * MB, "docx": 25 * MB, "html": 10 * MB}
MAX_PAGES = 150  # a factsheet or leaflet has a handful; a book is split first
MAX_GLYPHS_PER_PAGE = 40_000  # a dense A4 page of small print has about 8,000
MAX_SHAPES_PER_PAGE = 60_000  # lines and boxes (a detailed chart or map is refused)
MAX_STREAM_BYTES = 16 * MB  # a page's decoded drawing instructions
MAX_PART_BYTES = 40 * MB  # one part of a Word file, uncompressed
MAX_PARTS_BYTES = 120 * MB  # all of them
MAX_PARTS = 2_000
MAX_CHARACTERS = 600_000  # of a Word document's text: MAX_PAGES pages of 4,000
MAX_RUNS = 100_000  # its differently formatted pieces (a 20-page leaflet has 2,000 or so)
MAX_RATIO = 150  # uncompressed to compressed, for parts over 1 MB (XML packs about 10:1)
TIME_LIMIT = 45.0  # seconds for the reading; writing and checking take the rest of 60
MEMORY_LIMIT = 900 * MB  # resident memory of the reading process


class LimitExceeded(Exception):
    """Raised inside a reader when the document passes one of the limits above; the
    message says which, in words a user can act on."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


SPLIT = (
    "A factsheet is a few pages: import the part that is the factsheet (for example "
    "print those pages to a new PDF, or save that part as its own document)."
)


def _size(size: int) -> str:
    return f"{size / 1024**3:.1f} GB" if size >= 1024**3 else f"{size / MB:.0f} MB"


def check_size(path: Path, kind: str | None = None) -> None:
    """A file larger than any factsheet is refused from its size on disk, before any of
    it is read (a file larger than the largest kind's limit before its kind is known)."""
    size = path.stat().st_size
    limit = MAX_FILE_BYTES[kind] if kind else max(MAX_FILE_BYTES.values())
    if size > limit:
        raise ContentError(
            f"this file is {_size(size)}; imnm-audio imports files of at most {limit // MB} MB.",
            path=path,
            fix=SPLIT,
        )


# ------------------------------------------------------------------ the reading process

# The readers, by the kind of file: run in the child process by name.
READERS = {
    "pdf": "imnm_audio.importer.pdf:read_pdf",
    "docx": "imnm_audio.importer.word:read_docx",
    "html": "imnm_audio.importer.web:read_html",
}


def run_limited(path: Path, kind: str) -> Any:
    """Read the file with its kind's reader in a child process (`python -m
    imnm_audio.importer.limits`) held to TIME_LIMIT and MEMORY_LIMIT, and return the
    Document. A ContentError or LimitExceeded the reader raises comes back as a
    ContentError; anything else (a parser's own crash) as a ContentError naming it.

    A fresh interpreter rather than a fork: the caller may be a web server with threads
    (the studio), and nothing of the caller's state reaches the parsers."""
    from .document import document_from_json

    with tempfile.TemporaryDirectory(prefix="imnm-import-") as folder:
        result = Path(folder) / "result.json"
        child = subprocess.Popen(
            [sys.executable, "-m", "imnm_audio.importer.limits", kind, str(path), str(result)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started = time.monotonic()
        try:
            while child.poll() is None:
                if _resident(child.pid) > MEMORY_LIMIT:
                    raise ContentError(
                        f"reading this {_kind(path)} needed more than {MEMORY_LIMIT // MB} MB "
                        "of memory, so it was stopped.",
                        path=path,
                        fix=SPLIT,
                    )
                if time.monotonic() - started > TIME_LIMIT:
                    raise ContentError(
                        f"reading this {_kind(path)} took more than {TIME_LIMIT:.0f} seconds, "
                        "so it was stopped.",
                        path=path,
                        fix=SPLIT,
                    )
                time.sleep(0.02)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
        stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
        if child.stderr:
            child.stderr.close()
        if not result.is_file():
            last = stderr.strip().splitlines()[-1] if stderr.strip() else "no message"
            killed = child.returncode is not None and child.returncode < 0
            raise ContentError(
                f"reading this {_kind(path)} stopped without an answer (exit code "
                f"{child.returncode}: {last}).",
                path=path,
                fix=SPLIT
                if killed
                else "Check the file opens in the program it came from, and save or export "
                "it again.",
            )
        outcome = json.loads(result.read_text(encoding="utf-8"))
    status = outcome["status"]
    if status == "ok":
        return document_from_json(outcome["document"])
    if status == "refused":
        raise ContentError(
            outcome["message"], path=outcome["path"], line=outcome["line"], fix=outcome["fix"]
        )
    err = ContentError(
        f"this {_kind(path)} cannot be read ({outcome['name']}: {outcome['detail']}).",
        path=path,
        fix="Check it opens in the program it came from, save or export it again (PDF, "
        ".docx or a web page saved as HTML), and import that.",
    )
    err.detail = outcome["trace"]  # type: ignore[attr-defined]  # shown with -vv
    raise err


def _child(kind: str, path: Path, result: Path) -> None:
    """In the child: read, then write what happened to `result` as JSON."""
    import dataclasses
    import importlib

    try:  # a backstop where /proc cannot be watched: address space, well above the limit
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = 4 * MEMORY_LIMIT
        if soft == resource.RLIM_INFINITY or soft > cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):
        pass
    outcome: dict[str, Any]
    try:
        module, name = READERS[kind].split(":")
        reader = getattr(importlib.import_module(module), name)
        outcome = {"status": "ok", "document": dataclasses.asdict(reader(path))}
    except ContentError as err:
        outcome = {
            "status": "refused",
            "message": err.message,
            "path": str(err.path or path),
            "line": err.line,
            "fix": err.fix,
        }
    except LimitExceeded as err:
        outcome = {
            "status": "refused",
            "message": err.message,
            "path": str(path),
            "line": None,
            "fix": err.fix,
        }
    except MemoryError:
        outcome = {
            "status": "refused",
            "message": "reading it needed more memory than is allowed.",
            "path": str(path),
            "line": None,
            "fix": SPLIT,
        }
    except RecursionError:
        outcome = {
            "status": "crash",
            "name": "RecursionError",
            "detail": "it is nested too deeply to read",
            "trace": traceback.format_exc(),
        }
    except Exception as err:  # a parser's own failure: reported, never a traceback
        outcome = {
            "status": "crash",
            "name": type(err).__name__,
            "detail": " ".join(str(err).split())[:200] or "no detail",
            "trace": traceback.format_exc(),
        }
    partial = result.with_suffix(".part")
    partial.write_text(json.dumps(outcome), encoding="utf-8")
    os.replace(partial, result)


def _resident(pid: int | None) -> int:
    """Resident memory of a process in bytes (Linux /proc; 0 where there is none)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _kind(path: Path) -> str:
    return {".pdf": "PDF", ".docx": "Word document"}.get(path.suffix.lower(), "file")


if __name__ == "__main__":
    # Run as the package's module, not as __main__: the exceptions the readers raise
    # must be the ones _child catches.
    from imnm_audio.importer.limits import _child as child

    child(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
