"""How well `imnm-audio import` finds a document's own sections and title, against
headings labelled by hand.

    python benchmarks/import_structure.py [--corpus DIR] [--set test|dev|all]
                                          [--round N] [--json OUT] [--readme] [--src DIR]

The labels are committed (benchmarks/import_structure_labels.yaml): for each document,
where it came from, who published it, the title it prints and its section headings
(with its sub-headings, which a chapter may also be), each list one string with " | "
between the headings. The documents are other people's
and stay out of the repository; put them under --corpus (default $IMNM_CORPUS, else
../corpus beside the repository) at the paths the labels give. Each is imported in a
fresh process, as a user would (`imnm-audio import`), and its factsheet read back:

- chapter recall: labelled sections that became a chapter (## heading);
- chapter precision: chapters that are a labelled heading (section or sub-heading);
  the importer's placeholder for an untitled opening is not counted;
- titles right: the factsheet's title is the printed one;
- one-chapter documents: labelled with two or more sections, imported as one chapter.

Headings match when they read the same (case, punctuation, accents and a printed
number like "2." aside), or nearly so (difflib, 0.85). --json writes every document's
result; --readme rewrites the README's table from them. --src measures another
checkout's code (before and after a change), as benchmarks/import_corpus.py does.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "benchmarks" / "import_structure_labels.yaml"
RESULTS = REPO / "benchmarks" / "results" / "import_structure.json"
README = REPO / "README.md"
START, END = "<!-- import-structure:start -->", "<!-- import-structure:end -->"
RUNNER = "import sys\nfrom imnm_audio.cli import main\nsys.exit(main(sys.argv[1:]))\n"


@dataclass
class Result:
    file: str
    publisher: str
    kind: str
    set: str
    exit: int | None = None
    message: str = ""
    seconds: float = 0.0
    title: str = ""
    title_right: bool = False
    labelled: int = 0  # labelled sections
    found: int = 0  # of them, chapters
    chapters: int = 0  # chapters, the placeholder aside
    right: int = 0  # of them, labelled headings
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def split(value: object) -> list[str]:
    """A label's headings: written one string, " | " between them."""
    return [h.strip() for h in str(value or "").split(" | ") if h.strip()]


def normal(text: str) -> str:
    from unidecode import unidecode

    text = unidecode(text).lower()
    text = re.sub(r"^\s*(?:q\.|\d{1,2}(?:\.\d{1,2})*[.)]?|[a-h][.)])\s+", "", text)
    text = re.sub(r"\(\d+\)$", "", text.strip())  # the writer's "(2)" for a repeat
    return " ".join(re.findall(r"[a-z0-9]+", text))


def same(a: str, b: str) -> bool:
    a, b = normal(a), normal(b)
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def factsheet_outline(path: Path) -> tuple[str, list[str]]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    title = str((yaml.safe_load(front) or {}).get("title") or "")
    chapters = [
        h.strip() for h in re.findall(r"^## (.+)$", body, re.M) if not h.startswith("TODO (import)")
    ]
    return title, chapters


def measure(entry: dict, corpus: Path, source: Path) -> Result:
    result = Result(
        entry["file"], entry.get("publisher", ""), entry.get("kind", ""), entry.get("set", "")
    )
    path = corpus / entry["file"]
    sections = split(entry.get("sections"))
    subs = split(entry.get("subsections"))
    result.labelled = len(sections)
    if not path.is_file():
        result.message = "missing from the corpus"
        return result
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", RUNNER, "import", str(path), "--slug", "doc", "--content",
             folder, "-q"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(source)},
        )  # fmt: skip
        result.seconds = round(time.perf_counter() - started, 2)
        result.exit = done.returncode
        written = Path(folder) / "doc" / "factsheet.md"
        if done.returncode != 0 or not written.is_file():
            result.message = " ".join(done.stderr.split())[:300]
            result.missed = sections
            return result
        title, chapters = factsheet_outline(written)
    result.title = title
    result.title_right = same(title, str(entry.get("title", "")))
    result.chapters = len(chapters)
    result.found = sum(1 for s in sections if any(same(s, c) for c in chapters))
    result.right = sum(1 for c in chapters if any(same(c, h) for h in sections + subs))
    result.missed = [s for s in sections if not any(same(s, c) for c in chapters)]
    result.extra = [c for c in chapters if not any(same(c, h) for h in sections + subs)]
    return result


def totals(results: list[Result]) -> dict[str, float | int]:
    labelled = sum(r.labelled for r in results)
    chapters = sum(r.chapters for r in results)
    return {
        "documents": len(results),
        "publishers": len({r.publisher for r in results}),
        "labelled_sections": labelled,
        "recall": round(100 * sum(r.found for r in results) / labelled, 1) if labelled else 0.0,
        "precision": round(100 * sum(r.right for r in results) / chapters, 1) if chapters else 0.0,
        "titles_right": sum(r.title_right for r in results),
        "one_chapter": sum(1 for r in results if r.labelled >= 2 and r.chapters <= 1),
        "refused": sum(1 for r in results if r.exit not in (0, None)),
        "slowest_seconds": max((r.seconds for r in results), default=0.0),
    }


def table(data: dict) -> str:
    """The README's table, from the results file."""
    rows = [
        "| documents | section chapter recall | chapter precision | titles right | "
        "one-chapter documents (of those with 2+ sections) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, label in (("test", "held-out set"), ("dev", "development set")):
        t = data["totals"].get(name)
        if not t:
            continue
        rows.append(
            f"| {label}: {t['documents']} documents, {t['publishers']} publishers, "
            f"{t['labelled_sections']} labelled sections | {t['recall']}% | {t['precision']}% "
            f"| {t['titles_right']} of {t['documents']} | {t['one_chapter']} |"
        )
    return "\n".join(rows)


def write_readme(data: dict) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} block to write")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table(data)}\n{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("IMNM_CORPUS") or str(REPO.parent / "corpus")
    parser.add_argument("--corpus", type=Path, default=Path(default))
    parser.add_argument("--set", choices=("test", "dev", "all"), default="all")
    parser.add_argument("--json", type=Path, help="write every result here")
    parser.add_argument("--readme", action="store_true", help="rewrite README's table")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="the code to measure")
    parser.add_argument("--only", help="only files whose path contains this")
    parser.add_argument(
        "--round", type=int, help="only the held-out documents labelled in this round (1, 2)"
    )
    args = parser.parse_args()
    entries = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    chosen = [e for e in entries if args.set == "all" or e.get("set") == args.set]
    if args.round:
        chosen = [e for e in chosen if e.get("set") == "test" and e.get("round", 1) == args.round]
    if args.only:
        chosen = [e for e in chosen if args.only in e["file"]]
    results = []
    for entry in chosen:
        result = measure(entry, args.corpus, args.src)
        results.append(result)
        flag = "ok " if result.title_right else "TTL"
        print(
            f"{flag} {result.found:2}/{result.labelled:<2} sections, {result.right:2}/"
            f"{result.chapters:<2} chapters right  {result.seconds:5.1f}s  {result.file}"
            + (f"  [{result.message[:80]}]" if result.message else "")
        )
        if result.missed:
            print(f"      missed: {' | '.join(result.missed)[:200]}")
        if result.extra:
            print(f"      extra:  {' | '.join(result.extra)[:200]}")
        if not result.title_right and result.exit == 0:
            print(f"      title:  {result.title!r}")
    data = {
        "totals": {
            name: totals([r for r in results if r.set == name])
            for name in ("test", "dev")
            if any(r.set == name for r in results)
        },
        "documents": [asdict(r) for r in results],
    }
    for name, t in data["totals"].items():
        print(f"{name}: {json.dumps(t)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    if args.readme:
        write_readme(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
