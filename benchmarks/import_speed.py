"""How long `imnm-audio import` takes, and the most memory any of its processes holds.

    python benchmarks/import_speed.py [--runs N] [--corpus DIR] [--src DIR]

Targets (issue 46): a 20-page leaflet under 5 s; a PDF of about 117 pages under 20 s
(41 s before); the peak memory of any import under 500 MB.

- The generated PDFs are the IMNM factsheet laid out as a print PDF by tests/documents.py
  (running header, footer with page numbers, bullets, bold lead-ins) and repeated to 20
  and to 117 pages or more. Against them: pdfplumber reading the same PDF's words and
  nothing more, in the same run.
- With --corpus (or $IMNM_CORPUS), the longest real PDFs of the corpus
  benchmarks/import_structure.py uses are timed as well, where they are present: WHO
  guidelines of 125 and 147 pages and one of 91 pages that needed more than 900 MB
  before. They are other people's and not committed.
- --src times another checkout's code (e.g. the code before a change) the same way.

Each import is the whole command in a fresh process; its peak is the largest resident
set of the command and of the reading process it starts (RUSAGE_CHILDREN of a small
parent that runs nothing else).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "src"))

from documents import make_pdf  # noqa: E402

# Real long PDFs under the corpus folder (see import_structure_labels.yaml for sources).
CORPUS_PDFS = [
    "iamaber/Clinical management of arboviral diseases:dengue, chikungunya, Zika and "
    "yellow fever.pdf",
    "iamaber/Clinical management and infection prevention and control for mpox.pdf",
    "clario/doc_002.pdf",
]

# A parent that runs one import and reports its time and the peak of its processes.
TIMED = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{seconds} {peak} {done.returncode}")
sys.stderr.write(done.stderr[-400:])
"""


def long_pdf(folder: Path, pages: int) -> tuple[Path, int]:
    import pdfplumber

    repeat = max(1, pages // 2)
    while True:
        path = make_pdf(
            REPO / "content" / "imnm" / "factsheet.md", folder / f"long{pages}.pdf", repeat=repeat
        )
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
        if count >= pages:
            return path, count
        repeat += max(1, (pages - count) // 2)


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


def timed_import(path: Path, folder: Path, src: Path) -> dict[str, float]:
    """One import in a fresh process: seconds, peak MB, exit code."""
    content = Path(tempfile.mkdtemp(prefix="content-", dir=folder))
    command = [
        sys.executable, "-m", "imnm_audio", "import", str(path), "-q", "--slug", "doc",
        "--content", str(content),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", TIMED, *command], capture_output=True, text=True, env=env
    )
    seconds, peak, code = out.stdout.split()
    return {"seconds": float(seconds), "peak_mb": float(peak), "exit": int(code)}


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "exit": max(r["exit"] for r in runs),
    }


def measure(
    runs: int, corpus: Path | None = None, src: Path = REPO / "src", long_pages: int = 117
) -> dict[str, object]:
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="imnm-import-") as tmp:
        folder = Path(tmp)
        for pages, name in ((20, "leaflet"), (long_pages, "long")):
            path, count = long_pdf(folder, pages)
            result = summary([timed_import(path, folder, src) for _ in range(runs)])
            result["pages"] = count
            result["bare"] = statistics.median(bare_words(path) for _ in range(runs))
            out[name] = result
        real = {}
        for name in CORPUS_PDFS if corpus else []:
            path = corpus / name  # type: ignore[operator]
            if path.is_file():
                import pdfplumber

                with pdfplumber.open(path) as pdf:
                    count = len(pdf.pages)
                result = summary([timed_import(path, folder, src) for _ in range(runs)])
                result["pages"] = count
                real[name] = result
        out["corpus"] = real
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    corpus = os.environ.get("IMNM_CORPUS") or str(REPO.parent / "corpus")
    parser.add_argument("--corpus", type=Path, default=Path(corpus))
    parser.add_argument("--src", type=Path, default=REPO / "src")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    data = measure(args.runs, args.corpus if args.corpus.is_dir() else None, args.src)
    text = json.dumps(data, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
