"""NIH health pages from the MedQuAD collection, written back as web pages (issue 40).

    .venv/bin/python benchmarks/medquad_pages.py MEDQUAD_CHECKOUT OUT_DIR [XML ...]

MedQuAD (github.com/abachaa/MedQuAD, CC BY 4.0, Ben Abacha and Demner-Fushman, 2019)
keeps the text of about 1,900 pages of US government health sites (the National
Heart, Lung, and Blood Institute, NIDDK, NINDS, cancer.gov, CDC, GARD...) as
question-and-answer pairs in XML. US government text is in the public domain. This
writes each document as the page it came from would read: the topic as its title
and first heading, each question as a section heading ("What is (are) X ?" becomes
"What is X?"), each answer's paragraphs as paragraphs, its "- " lines as a list, and
a short line standing alone ("Overview", "Treatment") as a sub-heading. The source
address goes into a <meta> tag, not the text, so it is not narrated.

With no XML paths, every document of the collections named in COLLECTIONS is
written (for the starter lexicon's count); with paths (as in the repository, e.g.
8_NHLBI_QA_XML/0000100.xml), only those.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# The collections whose answers MedQuAD keeps (three MedlinePlus ones were removed).
COLLECTIONS = (
    "1_CancerGov_QA", "2_GARD_QA", "3_GHR_QA", "4_MPlus_Health_Topics_QA", "5_NIDDK_QA",
    "6_NINDS_QA", "7_SeniorHealth_QA", "8_NHLBI_QA_XML", "9_CDC_QA",
)  # fmt: skip
HEADING_WORDS = 8


def _text(node: ET.Element | None) -> str:
    return "".join(node.itertext()).strip() if node is not None else ""


def _find(root: ET.Element, *names: str) -> list[ET.Element]:
    """The elements of any of the names (NINDS spells its tags in lower case)."""
    return [found for name in names for found in root.iter(name)]


def heading(question: str) -> str:
    question = re.sub(r"\bis \(are\)", "is", question)
    question = re.sub(r"\s+\?(\s*\?)*$", "?", question.strip())
    return question[:1].upper() + question[1:]


def answer_html(answer: str) -> str:
    out: list[str] = []
    items: list[str] = []

    def close_list() -> None:
        if items:
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    listing = False  # after a line ending in ":", the lines not ending a sentence are items
    for block in re.split(r"\n\s*\n", answer):
        for line in (part.strip() for part in block.split("\n")):
            if not line:
                continue
            if line.startswith("- "):
                items.extend(item.strip() for item in re.split(r"\s+- ", line[2:]) if item.strip())
                continue
            if listing and not re.search(r"[.!?]$", line):
                items.append(line)
                continue
            close_list()
            listing = line.endswith(":")
            words = line.split()
            if len(words) <= HEADING_WORDS and not re.search(r"[.:;,!?)]$", line):
                out.append(f"<h3>{html.escape(line)}</h3>")
            else:
                out.append(f"<p>{html.escape(line)}</p>")
    close_list()
    return "\n".join(out)


def page(xml_text: str) -> tuple[str, str, str]:
    """(source, title, the page's HTML) for one MedQuAD document."""
    root = ET.fromstring(xml_text)
    source = (root.get("source") or root.get("corpus") or "nih").lower()
    title = _text(next(iter(_find(root, "Focus", "doctitle-focus")), None))
    title = title[:1].upper() + title[1:]
    url = root.get("url", "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f'<meta name="source" content="{html.escape(url)}">',
        '<meta name="via" content="MedQuAD (github.com/abachaa/MedQuAD), CC BY 4.0">',
        f"</head><body><main><h1>{html.escape(title)}</h1>",
    ]
    seen: set[str] = set()
    for pair in _find(root, "QAPair", "pair"):
        question = _text(next(iter(_find(pair, "Question", "question")), None))
        answer = _text(next(iter(_find(pair, "Answer", "answer")), None))
        if not answer or answer in seen:
            continue
        seen.add(answer)
        parts.append(f"<h2>{html.escape(heading(question))}</h2>")
        parts.append(answer_html(answer))
    parts.append("</main></body></html>")
    return source, title, "\n".join(parts) + "\n"


def show(checkout: Path, path: str) -> str:
    """A file of the checkout; a bare git directory (a fetched snapshot) is read with git."""
    if (checkout / path).exists():
        return (checkout / path).read_text(encoding="utf-8")
    return subprocess.run(
        ["git", "--git-dir", str(checkout), "show", f"HEAD:{path}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def listing(checkout: Path) -> list[str]:
    if (checkout / COLLECTIONS[0]).is_dir():
        return sorted(
            str(p.relative_to(checkout)) for c in COLLECTIONS for p in (checkout / c).glob("*.xml")
        )
    out = subprocess.run(
        ["git", "--git-dir", str(checkout), "ls-tree", "-r", "--name-only", "HEAD", *COLLECTIONS],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return [line for line in out.splitlines() if line.endswith(".xml")]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    checkout, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    wanted = argv[2:] or listing(checkout)
    written = 0
    for path in wanted:
        source, title, text = page(show(checkout, path))
        if "<h2>" not in text:
            continue  # no answers kept
        name = re.sub(r"\W+", "-", f"{source}-{title}".lower()).strip("-")
        (out / f"{name[:80]}.html").write_text(text, encoding="utf-8")
        written += 1
    print(f"{written} pages written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
