"""Calibrate the proof-listening thresholds: the check's scores on fresh syntheses.

A voice varies a little with every synthesis, and the recogniser with it. This
builds each factsheet --runs times with each engine asked for, each time with an
empty clip cache (a new synthesis of every sentence; for hibari, whose noise is
seeded, run n is seed n), proof-listens to it, and prints what a correct build
scores: word error rate, key terms heard, and every term heard in fewer than all of
its mentions. With --control the lexicon is broken on purpose first, and the same
figures show what a mistake scores; a threshold must pass every correct run and fail
every control. Each engine has its own thresholds (`check: engines:` in podcast.yaml).

    python benchmarks/calibrate.py --runs 5                         # correct builds
    python benchmarks/calibrate.py --runs 5 --engine hibari --engine piper
    python benchmarks/calibrate.py --runs 2 --control drop:IMNM     # entry removed
    python benchmarks/calibrate.py --runs 2 --control say:IV="four" # a wrong say:
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

import yaml

REPO = Path(__file__).resolve().parents[1]


def workspace(root: Path, content: Path, scripts: Path, controls: list[str]) -> None:
    shutil.copytree(content, root / "content")
    if scripts.is_dir():
        shutil.copytree(scripts, root / "scripts")
    path = root / "content" / "lexicon.yaml"
    lexicon = yaml.safe_load(path.read_text(encoding="utf-8"))
    for control in controls:
        kind, _, rest = control.partition(":")
        term, _, say = rest.partition("=")
        entries = [e for e in lexicon["terms"] if e["term"] == term]
        if not entries:
            raise SystemExit(f"--control {control}: no lexicon entry '{term}'")
        if kind == "drop":
            lexicon["terms"].remove(entries[0])
        elif kind == "say":
            entries[0].clear()
            entries[0].update(term=term, say=say)
        else:
            raise SystemExit(f"--control {control}: use drop:TERM or say:TERM=TEXT")
    path.write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    # The scripts are written again from the changed lexicon, so a control is heard.
    if controls:
        shutil.rmtree(root / "scripts", ignore_errors=True)


def cli(root: Path, *args: str, seed: int = 0) -> int:
    return subprocess.run(
        [sys.executable, "-m", "imnm_audio", *args, "-q"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "IMNM_AUDIO_SEED": str(seed)},
        check=False,
    ).returncode


def one_run(
    root: Path, slugs: list[str], model: str | None, engine: str | None = None, seed: int = 0
) -> list[dict]:  # type: ignore[type-arg]
    cache = root / f"cache-{time.monotonic_ns()}"  # empty: every sentence synthesised anew
    voice = ["--engine", engine] if engine else []
    build = ["build", *voice, "--no-hold", "--formats", "none", "--cache", str(cache), *slugs]
    if cli(root, "script") not in (0,) or cli(root, *build, seed=seed):
        raise SystemExit(f"the build in {root} failed")
    shutil.rmtree(cache)
    cli(root, "check", *(["--model", model] if model else []), *slugs)
    out = []
    for folder in sorted((root / "audio").iterdir()):
        report = folder / f"{folder.name}.check.json"
        if report.is_file():
            out.append(json.loads(report.read_text(encoding="utf-8")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh syntheses of each factsheet")
    parser.add_argument("--content", type=Path, default=REPO / "content")
    parser.add_argument("--scripts", type=Path, default=REPO / "scripts")
    parser.add_argument("--control", action="append", default=[], help="drop:TERM or say:TERM=X")
    parser.add_argument("--model", help="a CTranslate2 Whisper model folder (check --model)")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    parser.add_argument(
        "--engine", action="append", default=[], help="build with this engine (repeatable)"
    )
    parser.add_argument("slugs", nargs="*", help="factsheets to build (default: all)")
    args = parser.parse_args()
    runs: list[dict] = []  # type: ignore[type-arg]
    tmp = Path(tempfile.mkdtemp(prefix="imnm-calibrate-"))
    try:
        for engine in args.engine or [None]:
            for n in range(args.runs):
                root = tmp / f"run{n}-{engine}"
                workspace(root, args.content, args.scripts, args.control)
                for report in one_run(root, args.slugs, args.model, engine, seed=n):
                    report["engine"] = engine or "script's"
                    runs.append(report)
                    print(line(n + 1, report), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(summary(runs))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")


def line(n: int, r: dict) -> str:  # type: ignore[type-arg]
    missed = {
        t: f"{c['heard']}/{c['said']}" for t, c in r["terms"].items() if c["heard"] < c["said"]
    }
    return (
        f"run {n} {r.get('engine', '')} {r['slug']}: {'passed' if r['passed'] else 'FAILED'}, "
        f"word errors {r['wer']:.1%}, key terms {r['key_terms_heard']}/{r['key_terms_total']}, "
        f"suspects {[s['term'] for s in r['suspects']]}, missed {missed}"
    )


def summary(runs: list[dict]) -> str:  # type: ignore[type-arg]
    out = []
    for engine, slug in sorted({(r.get("engine", ""), r["slug"]) for r in runs}):
        mine = [r for r in runs if r["slug"] == slug and r.get("engine", "") == engine]
        wers = [r["wer"] for r in mine]
        recalls = [r["key_terms_heard"] / max(1, r["key_terms_total"]) for r in mine]
        worst = min((c["heard"] / c["said"], t) for r in mine for t, c in r["terms"].items())
        out.append(
            f"{engine} {slug}: {len(mine)} runs; word errors {min(wers):.1%}-{max(wers):.1%}; "
            f"recall {min(recalls):.1%}-{max(recalls):.1%}; "
            f"passed {sum(r['passed'] for r in mine)}/{len(mine)}; "
            f"with a suspect {sum(bool(r['suspects']) for r in mine)}/{len(mine)}; "
            f"least-heard term {worst[1]} ({worst[0]:.0%} of its mentions)"
        )
    return "\n".join(out)


if __name__ == "__main__":
    main()
