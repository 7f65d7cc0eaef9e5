"""`imnm-audio import` on a folder of documents nobody here wrote: what a new user gets.

    python benchmarks/import_corpus.py DIR [DIR ...] [--jobs 2] [--json out.json]

Every .pdf, .docx and .html/.htm under the folders is imported in a fresh process (60 s
and 1 GB at most, as the importer promises), then, when a factsheet was written, its
placeholders are filled in the way a person would and `imnm-audio script` is run on it.
Per document it reports the exit code, whether a traceback was printed, peak memory,
seconds, sections, list items, words kept against the document's own text (pdftotext
for a PDF, every w:t of the Word file, the page's visible text), placeholders left,
hidden text dropped, and whether `script` then took it.

The documents are other people's: measure with them, never commit them (README,
"Importing a factsheet").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "src"  # --src: another checkout's code, to measure before and after
SUFFIXES = {".pdf", ".docx", ".html", ".htm"}
TIME_LIMIT = 60
RUNNER = (
    "import resource, sys\n"
    "from imnm_audio.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "finally:\n"
    "    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
    "               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "    print(f'PEAK_KB {peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass
class Result:
    path: str
    kind: str
    exit: int | None = None
    traceback: bool = False
    seconds: float = 0.0
    peak_mb: float = 0.0
    message: str = ""
    sections: int = 0
    list_items: int = 0
    words: int = 0
    reference_words: int = 0
    kept: float | None = None
    placeholders: int = 0
    hidden_dropped: int = 0
    language: str = ""
    script_exit: int | None = None
    script_message: str = ""
    notes: list[str] = field(default_factory=list)


def documents(folders: list[Path]) -> list[Path]:
    found = []
    for folder in folders:
        if folder.is_file():
            found.append(folder)
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES:
                found.append(path)
    return found


def run(args: list[str], cwd: Path, limit: int = TIME_LIMIT) -> tuple[int | None, str, str, float]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", RUNNER, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=limit,
            env={**os.environ, "PYTHONPATH": str(SOURCE)},
        )
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {limit} s", time.perf_counter() - started
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - started


_WORD_RE = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def words_of(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD_RE.findall(text))


def reference_text(path: Path) -> str:
    """The document's own text, read by another program than the importer's."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            out = subprocess.run(
                ["pdftotext", "-q", str(path), "-"], capture_output=True, timeout=120
            )
            return out.stdout.decode("utf-8", "replace")
        if suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                xml = archive.read("word/document.xml")[:50_000_000].decode("utf-8", "replace")
            return " ".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))
        from lxml import html as lxml_html

        tree = lxml_html.fromstring(path.read_bytes())
        for bad in tree.xpath("//script|//style|//template|//noscript"):
            bad.drop_tree()
        return tree.text_content()
    except Exception as err:  # a hostile file may defeat the reference reader too
        return f"(no reference text: {type(err).__name__})"


def message_of(err: str) -> str:
    """The error paragraph the command printed, or the last line of a traceback."""
    err = re.sub(r"PEAK_KB \d+\n?", "", err)
    found = re.search(r"^(?:error|timed out).*", err, re.M | re.S)
    text = found.group(0) if found else (err.strip().splitlines() or [""])[-1]
    return " ".join(text.split())[:400]


def body_of(factsheet: str) -> str:
    parts = factsheet.split("\n---\n", 1)
    return parts[1] if len(parts) == 2 else factsheet


_FILL = {
    "title": "An imported factsheet",
    "short_title": "Imported",
    "organisation": "A test charity",
    "language": "en-GB",
    "source_url": "https://www.example.org/",
    "summary": "What this factsheet covers, filled in by the measurement.",
    "published": "2026-12-01",
}


def fill_placeholders(text: str) -> str:
    """What a person does before `imnm-audio script`: each TODO (import) value written."""

    import yaml

    front, body = text.split("\n---\n", 1)
    meta = yaml.safe_load(front.removeprefix("---\n"))
    for key, value in meta.items():
        if isinstance(value, str) and value.startswith("TODO (import)"):
            meta[key] = _FILL.get(key, "filled in")
    front = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    text = front + "---\n" + body
    return re.sub(r"^## TODO \(import\)[^\n]*$", "## About this factsheet", text, flags=re.M)


def measure(path: Path, work: Path) -> Result:
    result = Result(str(path), path.suffix.lower().lstrip("."))
    content = work / "content"
    scripts = work / "scripts"
    content.mkdir(parents=True)
    for name in ("podcast.yaml", "lexicon.yaml"):
        shutil.copy(REPO / "content" / name, content / name)
    # A charity with Spanish or Portuguese leaflets gives those languages a voice.
    with (content / "podcast.yaml").open("a", encoding="utf-8") as settings:
        settings.write(
            "\nvoices:\n  es: {engine: espeak, voice: es}\n  pt: {engine: espeak, voice: pt-br}\n"
        )
    code, out, err, seconds = run(
        ["import", str(path), "--slug", "doc", "--content", str(content)], work
    )
    result.exit, result.seconds = code, round(seconds, 2)
    peak = re.search(r"PEAK_KB (\d+)", err)
    result.peak_mb = round(int(peak.group(1)) / 1024, 1) if peak else 0.0
    result.traceback = "Traceback (most recent call last)" in err
    result.message = message_of(err)
    result.notes = [ln.strip()[6:] for ln in out.splitlines() if ln.strip().startswith("note:")]
    hidden = [n for n in result.notes if "cannot see" in n or "hides" in n]
    result.hidden_dropped = sum(int(x) for n in hidden for x in re.findall(r"(\d+) character", n))
    written = content / "doc" / "factsheet.md"
    reference = words_of(reference_text(path))
    result.reference_words = sum(reference.values())
    if code != 0 or not written.is_file():
        return result
    text = written.read_text("utf-8")
    body = body_of(text)
    result.sections = len(re.findall(r"^## ", body, re.M))
    result.list_items = len(re.findall(r"^\s*(?:- |\d+\. )", body, re.M))
    got = words_of(body)
    result.words = sum(got.values())
    if reference:
        result.kept = round(sum((reference & got).values()) / sum(reference.values()), 3)
    result.placeholders = text.count("TODO (import)")
    lang = re.search(r"^language: (.*)$", text, re.M)
    result.language = lang.group(1).strip("'\"") if lang else ""
    written.write_text(fill_placeholders(text), "utf-8")
    code, _, err, _ = run(
        ["script", "doc", "--content", str(content), "--scripts", str(scripts), "-q"], work, 120
    )
    result.script_exit = code
    if code:
        result.script_message = message_of(err)
    return result


def own_refusal(result: Result) -> bool:
    """Refused its own output: the message is about the factsheet it did not write."""
    return result.exit == 2 and (
        "/content/doc/factsheet.md" in result.message or "reads back" in result.message
    )


def summarise(results: list[Result]) -> str:
    n = len(results)
    imported = [r for r in results if r.exit == 0]
    refused = [r for r in results if r.exit == 2]
    own = [r for r in refused if own_refusal(r)]
    tracebacks = [r for r in results if r.traceback or r.exit not in (0, 2)]
    script_ok = [r for r in imported if r.script_exit == 0]
    # Refused by script for their language (one the narration has no words for): the
    # narration refuses to read German with English words, as it should.
    unnarrated = [r for r in imported if "no words for yet" in r.script_message]
    kept = sorted(r.kept for r in imported if r.kept is not None)
    # Documents with text a reader can see (20 words or more by another program):
    # the ones an import should succeed on.
    texts = [r for r in results if r.reference_words >= 20]
    texts_in = [r for r in texts if r.exit == 0]
    lines = [
        f"documents: {n}; with 20 or more words of text: {len(texts)}",
        f"imported: {len(imported)} ({len(imported) / max(n, 1):.0%}); of those with text: "
        f"{len(texts_in)} of {len(texts)} ({len(texts_in) / max(len(texts), 1):.0%})",
        f"refused with a message (exit 2): {len(refused)}, of them its own output: {len(own)}; "
        f"traceback, crash or time-out: {len(tracebacks)}",
        f"script took the filled-in factsheet: {len(script_ok)} of {len(imported)}; refused for "
        f"a language it has no narration words for: {len(unnarrated)}",
        f"peak memory: max {max((r.peak_mb for r in results), default=0):.0f} MB; slowest "
        f"{max((r.seconds for r in results), default=0):.1f} s",
    ]
    if kept:
        lines.append(
            f"words kept against the document's own text: median {kept[len(kept) // 2]:.0%}, "
            f"lowest {kept[0]:.0%}"
        )
    lines.append(
        f"sections: {sum(r.sections for r in imported)}; list items: "
        f"{sum(r.list_items for r in imported)}; placeholders left: "
        f"{sum(r.placeholders for r in imported)}; hidden characters dropped: "
        f"{sum(r.hidden_dropped for r in imported)}"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every document's figures here")
    parser.add_argument("--src", type=Path, help="the package source to measure (default: ours)")
    args = parser.parse_args()
    if args.src:
        global SOURCE
        SOURCE = args.src.resolve()
    paths = documents(args.folders)
    with tempfile.TemporaryDirectory() as tmp:

        def one(item: tuple[int, Path]) -> Result:
            index, path = item
            result = measure(path, Path(tmp) / str(index))
            flag = "TRACEBACK " if result.traceback else ""
            print(
                f"{result.exit!s:>4} {flag}{result.seconds:5.1f}s {result.peak_mb:6.0f}MB "
                f"sec={result.sections:<3} li={result.list_items:<4} kept={result.kept} "
                f"script={result.script_exit} {path} {result.message[:120]}"
                f"{' | ' + result.script_message[:160] if result.script_message else ''}",
                flush=True,
            )
            return result

        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(one, enumerate(paths)))
    print(summarise(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
