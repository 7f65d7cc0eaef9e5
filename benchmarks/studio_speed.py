"""How long the studio takes to start (target: under 2 s) and to answer a page when no
audio is being made and while documents are imported (target: under 200 ms), on a copy
of this project's content.

Start-up is from launching `imnm-audio studio` to the first page answered (the token
exchanged for the cookie, the factsheet list read); each page is then asked for
`--runs` times and its median and slowest answers are kept. Then `--uploads` long
PDFs (the IMNM factsheet's body repeated, `--repeat` times) are uploaded at once, and
while they are imported every page is asked for again and again, each answer timed.

    .venv/bin/python benchmarks/studio_speed.py [--runs 10] [--uploads 2] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pdfplumber

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # documents.py: the PDFs the importer's tests use
PAGES = ["/", "/sheet/imnm", "/sheet/imnm/words", "/lexicon", "/lexicon?q=myositis", "/publish"]


def long_pdf(folder: Path, repeat: int) -> Path:
    """A long print PDF of the IMNM factsheet (its body `repeat` times)."""
    from documents import make_pdf

    return make_pdf(REPO / "content" / "imnm" / "factsheet.md", folder / "long.pdf", repeat=repeat)


def during_imports(client: httpx.Client, csrf: str, pdf: Path, uploads: int) -> dict[str, object]:
    """`uploads` imports started at once; every page timed while they run."""
    data = pdf.read_bytes()
    with pdfplumber.open(pdf) as document:
        pages = len(document.pages)
    finished: list[float] = []
    statuses: list[int] = []

    def upload(n: int) -> None:
        started = time.perf_counter()
        with httpx.Client(base_url=client.base_url, cookies=client.cookies, timeout=600) as own:
            answer = own.post(
                "/upload",
                data={"csrf": csrf, "slug": f"long-{n}"},
                files={"document": (f"long-{n}.pdf", data, "application/pdf")},
            )
        statuses.append(answer.status_code)
        finished.append(time.perf_counter() - started)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(uploads)]
    for thread in threads:
        thread.start()
    times: dict[str, list[float]] = {url: [] for url in PAGES}
    time.sleep(0.5)  # the uploads are sent and their imports started
    while any(t.is_alive() for t in threads):
        for url in PAGES:
            t = time.perf_counter()
            answer = client.get(url)
            times[url].append(time.perf_counter() - t)
            assert answer.status_code == 200, (url, answer.status_code)
    for thread in threads:
        thread.join()
    every = sorted(x for ts in times.values() for x in ts)
    return {
        "uploads": uploads,
        "pdf_mb": round(len(data) / 1e6, 1),
        "pdf_pages": pages,
        "import_seconds": sorted(round(f, 1) for f in finished),
        "upload_statuses": statuses,
        "answers": len(every),
        "median": statistics.median(every) if every else None,
        "p95": every[int(0.95 * (len(every) - 1))] if every else None,
        "max": every[-1] if every else None,
        "pages": {url: {"answers": len(ts), "max": max(ts)} for url, ts in times.items() if ts},
    }


def measure(runs: int = 10, uploads: int = 0, repeat: int = 140) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="imnm-studio-bench-"))
    try:
        shutil.copytree(REPO / "content", tmp / "content")
        shutil.copytree(REPO / "scripts", tmp / "scripts")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        started = time.perf_counter()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "imnm_audio",
                "studio",
                "--project",
                str(tmp),
                "--port",
                str(port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            line = server.stdout.readline()  # type: ignore[union-attr]
            token = re.search(r"token=(\S+)", line)
            if not token:
                raise SystemExit(f"the studio did not print its address: {line!r}")
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                first = client.get(f"/?token={token.group(1)}", follow_redirects=True)
                start = time.perf_counter() - started
                assert first.status_code == 200, first.text[:300]
                pages = {}
                for url in PAGES:
                    times = []
                    for _ in range(runs):
                        t = time.perf_counter()
                        answer = client.get(url)
                        times.append(time.perf_counter() - t)
                        assert answer.status_code == 200, (url, answer.status_code)
                    pages[url] = {"median": statistics.median(times), "max": max(times)}
                busy = None
                if uploads:
                    from imnm_audio.studio.security import csrf_for

                    pdf = long_pdf(tmp, repeat)
                    busy = during_imports(client, csrf_for(token.group(1)), pdf, uploads)
        finally:
            server.terminate()
            server.wait(10)
        return {"start": start, "pages": pages, "during_import": busy}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--uploads", type=int, default=2, help="imports at once (0: none)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=140,
        help="copies of the body per PDF (140: about 146 pages, near the importer's 150)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = measure(args.runs, args.uploads, args.repeat)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
