"""How long `imnm-audio import` takes on a 20-page PDF (target: under 5 s), against
pdfplumber reading the same PDF's words and nothing more, in the same run.

The PDF is the IMNM factsheet laid out by tests/documents.py (running header, footer
with page numbers, bullets, bold lead-ins) and repeated to 20 pages or more.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "src"))

from documents import make_pdf  # noqa: E402


def long_pdf(folder: Path, pages: int = 20) -> tuple[Path, int]:
    import pdfplumber

    repeat = pages // 2
    while True:
        path = make_pdf(
            REPO / "content" / "imnm" / "factsheet.md", folder / "long.pdf", repeat=repeat
        )
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
        if count >= pages:
            return path, count
        repeat += 1


def bare_words(path: Path) -> float:
    """Seconds for pdfplumber alone to read every word with its font and size."""
    code = (
        "import sys, time, pdfplumber\n"
        "t = time.perf_counter()\n"
        "with pdfplumber.open(sys.argv[1]) as pdf:\n"
        "    for p in pdf.pages: p.extract_words(extra_attrs=['fontname', 'size'])\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    )
    return float(out.stdout)


def import_seconds(path: Path, folder: Path, run: int) -> float:
    """Wall seconds of the whole command in a fresh process (start-up included)."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "imnm_audio",
            "import",
            str(path),
            "-q",
            "--slug",
            f"long{run}",
            "--content",
            str(folder / "content"),
        ],
        check=True,
    )
    return time.perf_counter() - started


def measure(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="imnm-import-") as tmp:
        folder = Path(tmp)
        path, pages = long_pdf(folder)
        seconds = [import_seconds(path, folder, run) for run in range(runs)]
        bare = [bare_words(path) for _ in range(runs)]
        words = len((folder / "content" / "long0" / "factsheet.md").read_text().split())
    return {
        "pages": pages,
        "words": words,
        "import": statistics.median(seconds),
        "bare": statistics.median(bare),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    print(json.dumps(measure(parser.parse_args().runs)))
