"""A library on Dask (`build --workers 2`) against the same library in-process, and what
Dask costs per factsheet; the figures `docs/BENCHMARKS.md` projects 4,000 leaflets from.

Each run builds two workspaces of the same reworded factsheets (episodes only, as the
library table), both from an empty cache: one in-process, one on a local cluster of two
worker processes. The outputs are compared file by file. Then each is built again with
nothing changed: every task only works out that its episode is up to date, so the
cluster's warm rebuild less the in-process one is what Dask itself costs (start-up,
sending each factsheet and its answer, the scheduler), per factsheet.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _run(args: list[str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "imnm_audio", *args], cwd=cwd, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"imnm-audio {' '.join(args)} failed:\n{done.stderr}")
    return time.perf_counter() - started, done.stderr


def _published(root: Path) -> dict[str, str]:
    audio = root / "audio"
    return {
        p.relative_to(audio).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(audio.rglob("*"))
        if p.is_file() and p.name not in (".build.json", ".imnm-audio.lock")
    }


def startup_seconds() -> float:
    """A local cluster of two worker processes, started and stopped, in a fresh process."""
    code = (
        "from dask.distributed import Client, LocalCluster\n"
        "with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=':0') as c, "
        "Client(c) as client:\n"
        "    client.wait_for_workers(2)\n"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


def measure(
    runs: int,
    tmp: Path,
    make_workspace: Callable[..., Path],
    audio_seconds: Callable[[Path], float],
    count: int = 20,
) -> dict[str, float]:
    cold_here, cold_there, warm_here, warm_there, tasks, bring, starts = [], [], [], [], [], [], []
    minutes = megabytes = 0.0
    for run in range(runs):
        here = make_workspace(tmp / f"dask-here-{run}", count, vary=True)
        there = make_workspace(tmp / f"dask-there-{run}", count, vary=True)
        plain = ["build", "-q", "--no-hold", "--cache"]
        cold_here.append(_run([*plain, str(here / "cache")], here)[0])
        cluster = ["build", "-v", "--no-hold", "--workers", "2", "--cache", str(there / "cache")]
        seconds, log = _run(cluster, there)
        cold_there.append(seconds)
        found = re.search(r"tasks done in ([\d.]+) s; \d+ outputs .* published in ([\d.]+) s", log)
        if found:
            tasks.append(float(found.group(1)))
            bring.append(float(found.group(2)))
        if _published(here) != _published(there):
            raise SystemExit("the cluster's library differs from the in-process one")
        minutes = audio_seconds(here) / 60
        megabytes = (
            sum(
                p.stat().st_size
                for folder in (here / "audio").iterdir()
                if folder.is_dir()
                for p in folder.rglob("*")
                if p.is_file()
            )
            / 1e6
        )
        warm_here.append(_run([*plain, str(here / "cache")], here)[0])
        warm_there.append(_run(cluster, there)[0])
        starts.append(startup_seconds())
        shutil.rmtree(here)
        shutil.rmtree(there)

    def median(values: list[float]) -> float:
        values = sorted(values)
        return values[len(values) // 2] if values else float("nan")

    return {
        "count": count,
        "minutes": minutes,
        "megabytes": megabytes,  # every factsheet's published files together
        "cold_here": median(cold_here),
        "cold_there": median(cold_there),
        "warm_here": median(warm_here),
        "warm_there": median(warm_there),
        "tasks": median(tasks),
        "bring": median(bring),
        "startup": median(starts),
    }
