"""How long the studio takes to start (target: under 2 s) and to answer a page when no
audio is being made (target: under 200 ms), on a copy of this project's content.

Start-up is from launching `imnm-audio studio` to the first page answered (the token
exchanged for the cookie, the factsheet list read); each page is then asked for
`--runs` times and its median and slowest answers are kept.
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
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
PAGES = ["/", "/sheet/imnm", "/sheet/imnm/words", "/lexicon", "/lexicon?q=myositis", "/publish"]


def measure(runs: int = 10) -> dict[str, object]:
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
        finally:
            server.terminate()
            server.wait(10)
        return {"start": start, "pages": pages}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    print(json.dumps(measure(parser.parse_args().runs), indent=1))


if __name__ == "__main__":
    main()
