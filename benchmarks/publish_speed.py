"""Publishing a library of 20 factsheets: cold, again with nothing changed, and with one
factsheet changed; to a web root served over HTTP and to an S3-compatible server
(moto's, on this machine). Files and bytes sent, time (issue 42).

    .venv/bin/python benchmarks/publish_speed.py [--sheets 20] [--json FILE]

The library is built for real (the IMNM factsheet reworded per copy, as `make bench`'s
library: every sentence different, so nothing is shared), with the default voice, its
hold lines and books. Each publish is timed in this process and includes reading the
feed back over HTTP with every enclosure's byte range, as `imnm-audio publish` does.
Both servers are on the loopback interface: the times are this machine's work (hashing,
writing, HTTP), not a network's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from run import make_workspace  # noqa: E402

from imnm_audio.content.settings import load_podcast  # noqa: E402
from imnm_audio.publish import publish  # noqa: E402
from imnm_audio.serve import serve_in_background  # noqa: E402


def cli(root: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "imnm_audio", *args], cwd=root, check=True)


def timed(root: Path, target: str, base_url: str) -> dict[str, float | int]:
    podcast = load_podcast(root / "content" / "podcast.yaml")
    started = time.perf_counter()
    report = publish(root / "audio", podcast, target, base_url=base_url, force=True)
    seconds = time.perf_counter() - started
    assert not report.problems, report.problems
    return {
        "seconds": round(seconds, 2),
        "files_sent": len(report.uploaded),
        "megabytes_sent": round(sum(i.size for i in report.uploaded) / 1e6, 1),
        "files_unchanged": len(report.skipped),
        "enclosures_read_back": len(report.verified),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=20)
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks/results/publish_speed.json")
    args = parser.parse_args()
    import os

    from moto.server import ThreadedMotoServer

    with tempfile.TemporaryDirectory(prefix="imnm-publish-") as tmp:
        root = make_workspace(Path(tmp) / "library", args.sheets, vary=True)
        settings = root / "content" / "podcast.yaml"
        settings.write_text(settings.read_text() + "\npublish:\n  acl: public-read\n")
        www = Path(tmp) / "www"
        www.mkdir()
        http, web_url = serve_in_background(www)
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        host, port = moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ.update(
            AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION="us-east-1",
        )  # fmt: skip
        import s3fs

        s3fs.S3FileSystem(skip_instance_cache=True).mkdir("podcast")
        targets = {
            "web root over HTTP": (f"file://{www}", web_url),
            "S3 (moto)": ("s3://podcast/show", f"{endpoint}/podcast/show/"),
        }
        try:
            cli(root, "script", "-q")
            results: dict[str, dict[str, object]] = {name: {} for name in targets}
            for name, (target, url) in targets.items():
                cli(root, "build", "-q", "--base-url", url)
                results[name]["cold"] = timed(root, target, url)
                results[name]["nothing changed"] = timed(root, target, url)
            sheet = root / "content" / f"imnm-{(args.sheets + 1) // 2:02d}" / "factsheet.md"
            sheet.write_text(
                sheet.read_text(encoding="utf-8").replace(
                    "there is no cure", "there is, as yet, no cure", 1
                ),
                encoding="utf-8",
            )
            cli(root, "script", "-q")
            for name, (target, url) in targets.items():
                cli(root, "build", "-q", "--base-url", url)
                results[name]["one factsheet changed"] = timed(root, target, url)
            files = [p for p in (root / "audio").rglob("*") if p.is_file()]
            data = {
                "factsheets": args.sheets,
                "library_files": len(files),
                "library_megabytes": round(sum(p.stat().st_size for p in files) / 1e6, 1),
                "targets": results,
            }
        finally:
            http.shutdown()
            moto.stop()
    args.json.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print("| target | publish | files sent | MB sent | unchanged | read back | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, runs in data["targets"].items():
        for kind, r in runs.items():  # type: ignore[union-attr]
            print(
                f"| {name} | {kind} | {r['files_sent']} | {r['megabytes_sent']} | "
                f"{r['files_unchanged']} | {r['enclosures_read_back']} | {r['seconds']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
