"""Choose a voice by measurement: build every factsheet with each voice, several
syntheses each, proof-listen to every build with one or more recognisers, and print
what a listener would get from each voice: word errors, key terms heard, suspect
terms, whether the check passed, and how long synthesis and the build took.

Each take is a build with an empty clip cache. Piper's voices differ a little every
time they speak; hibari's noise is seeded, so its takes are seeds 0, 1, 2...
(IMNM_AUDIO_SEED); espeak-ng says a text the same way every time (one take is enough).

    python benchmarks/voices.py --voice hibari:heart --voice piper:en_US-joe-medium \\
        --takes 3 --model /path/to/whisper-base --content DIR --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "imnm_audio", *args, "-q"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if done.returncode:
        print(f"  imnm-audio {' '.join(args)}: exit {done.returncode}\n{done.stderr}", flush=True)
    return done.returncode, time.perf_counter() - started


def one_take(
    root: Path, engine: str, voice: str, take: int, slugs: list[str], models: list[str | None]
) -> list[dict]:  # type: ignore[type-arg]
    cache = root / f"cache-{engine}-{take}"
    env = {"IMNM_AUDIO_SEED": str(take)}
    shutil.rmtree(root / "audio", ignore_errors=True)
    code, seconds = run(
        root,
        "build",
        "--engine",
        engine,
        "--voice",
        voice,
        "--no-hold",
        "--formats",
        "none",
        "--cache",
        str(cache),
        *slugs,
        env=env,
    )
    shutil.rmtree(cache, ignore_errors=True)
    if code:
        return []
    out = []
    for model in models:
        run(root, "check", *(["--model", model] if model else []), *slugs)
        for folder in sorted((root / "audio").iterdir()):
            report = folder / f"{folder.name}.check.json"
            if report.is_file():
                r = json.loads(report.read_text(encoding="utf-8"))
                detail = next(f["detail"] for f in r["findings"] if f["name"] == "word error rate")
                r.update(
                    words=int(detail.split(" of ")[1].split()[0].replace(",", "")),
                    voice=f"{engine}:{voice}",
                    take=take,
                    recogniser=Path(model).name if model else "tiny.en",
                    build_seconds=seconds,
                )
                out.append(r)
                report.unlink()
    return out


def line(r: dict) -> str:  # type: ignore[type-arg]
    missed = {
        t: f"{c['heard']}/{c['said']}" for t, c in r["terms"].items() if c["heard"] < c["said"]
    }
    return (
        f"{r['voice']} take {r['take']} {r['slug']} ({r['recogniser']}): "
        f"{'passed' if r['passed'] else 'FAILED'}, word errors {r['wer']:.1%}, "
        f"key terms {r['key_terms_heard']}/{r['key_terms_total']}, "
        f"suspects {[s['term'] for s in r['suspects']]}, missed {missed}, "
        f"build {r['build_seconds']:.1f} s"
    )


def table(runs: list[dict]) -> str:  # type: ignore[type-arg]
    rows = [
        "| voice | factsheet | recogniser | takes | word errors | key terms heard "
        "| with a suspect | passed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    keys = sorted({(r["voice"], r["slug"], r["recogniser"]) for r in runs})
    for voice, slug, recogniser in keys:
        key = (voice, slug, recogniser)
        mine = [r for r in runs if (r["voice"], r["slug"], r["recogniser"]) == key]
        wers = [r["wer"] for r in mine]
        heard = [r["key_terms_heard"] for r in mine]
        total = mine[0]["key_terms_total"]
        rows.append(
            f"| {voice} | {slug} | {recogniser} | {len(mine)} | "
            f"{min(wers):.1%}-{max(wers):.1%} | {min(heard)}-{max(heard)} of {total} | "
            f"{sum(bool(r['suspects']) for r in mine)} | {sum(r['passed'] for r in mine)} |"
        )
    rows.append("")
    rows.append("| voice | recogniser | builds | words | word errors (all) | key terms heard |")
    rows.append("| --- | --- | --- | --- | --- | --- |")
    for voice, recogniser in sorted({(r["voice"], r["recogniser"]) for r in runs}):
        mine = [r for r in runs if (r["voice"], r["recogniser"]) == (voice, recogniser)]
        words = sum(r["words"] for r in mine)
        errors = sum(r["wer"] * r["words"] for r in mine)
        heard = sum(r["key_terms_heard"] for r in mine)
        total = sum(r["key_terms_total"] for r in mine)
        rows.append(
            f"| {voice} | {recogniser} | {len(mine)} | {words} | {errors / max(1, words):.1%} | "
            f"{heard} of {total} ({heard / max(1, total):.1%}) |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voice", action="append", required=True, help="ENGINE:VOICE")
    parser.add_argument("--takes", type=int, default=3, help="syntheses of each factsheet")
    parser.add_argument("--content", type=Path, default=REPO / "content")
    parser.add_argument("--scripts", type=Path, default=REPO / "scripts")
    parser.add_argument(
        "--model", action="append", default=[], help="also hear with this Whisper folder"
    )
    parser.add_argument("--json", type=Path, help="write every build's figures here")
    parser.add_argument("slugs", nargs="*", help="factsheets (default: all)")
    args = parser.parse_args()
    models: list[str | None] = [None, *args.model]
    runs: list[dict] = []  # type: ignore[type-arg]
    tmp = Path(tempfile.mkdtemp(prefix="imnm-voices-"))
    try:
        root = tmp / "project"
        shutil.copytree(args.content, root / "content")
        if args.scripts.is_dir():
            shutil.copytree(args.scripts, root / "scripts")
        if run(root, "script")[0]:
            raise SystemExit("imnm-audio script failed")
        for spec in args.voice:
            engine, _, voice = spec.partition(":")
            takes = 1 if engine == "espeak" else args.takes
            for take in range(takes):
                for r in one_take(root, engine, voice, take, args.slugs, models):
                    runs.append(r)
                    print(line(r), flush=True)
                if args.json:
                    args.json.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(table(runs))


if __name__ == "__main__":
    main()
