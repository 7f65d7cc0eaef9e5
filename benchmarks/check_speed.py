"""The proof-listening benchmark: `imnm-audio check` against bare recognition.

Bare recognition is one pass of the same recogniser (the bundled tiny.en, the same
decoding settings, word times on) over the whole episode's audio, with nothing else:
the least any check that hears the episode must spend. Both are timed as fresh
processes, model loading and MP3 decoding included, so the ratio is what the check's
windows, second listenings, scoring, sound and structure checks and reports cost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BARE = """
import sys
from pathlib import Path
from imnm_audio.ffmpeg import decode_pcm
from imnm_audio.listen import RATE, transcribe
words = transcribe(decode_pcm(Path(sys.argv[1]), RATE), [])
print(len(words))
"""


def timed(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of a fresh Python process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in ok:
        raise SystemExit(
            f"{' '.join(args)} failed:\n{process.stderr.read().decode() if process.stderr else ''}"
        )
    return seconds, usage.ru_maxrss // 1024


def check_against_bare(root: Path, slug: str) -> dict[str, float]:
    """One run of each, side by side, on the episode built in `root`."""
    mp3 = root / "audio" / slug / f"{slug}.mp3"
    bare, bare_rss = timed(["-c", BARE, str(mp3)], root)
    # Exit 1 (a threshold missed) is still a full check.
    check, check_rss = timed(
        ["-m", "imnm_audio", "check", "-q", "--no-cache", slug], root, ok=(0, 1)
    )
    return {"bare": bare, "bare_rss": bare_rss, "check": check, "check_rss": check_rss}


def incremental(root: Path, slug: str) -> dict[str, float]:
    """The check after an edit (issue 41): what the recogniser heard is kept in the
    clip cache by the MP3 frames it heard, so a check hears again only what changed.

    Timed as fresh processes on the episode built in `root`: the check with nothing
    kept (`--no-cache`), the first check that keeps what it heard, the same check again
    with nothing changed, and the check after one lexicon word used in one sentence was
    said another way (the script made and the episode built again, not timed)."""
    import yaml

    from imnm_audio.content.lexicon_edit import set_entry

    check = ["-m", "imnm_audio", "check", "-q", slug]
    whole, _ = timed([*check, "--no-cache"], root, ok=(0, 1))
    first, _ = timed(check, root, ok=(0, 1))
    unchanged, _ = timed(check, root, ok=(0, 1))
    lexicon = root / "content" / "lexicon.yaml"
    script = yaml.safe_load((root / "scripts" / f"{slug}.yaml").read_text(encoding="utf-8"))
    texts = [s["display"].lower() for c in script["chapters"] for s in c["segments"]]
    terms = yaml.safe_load(lexicon.read_text(encoding="utf-8"))["terms"]
    term = next(
        t
        for t in terms
        if " " not in t["term"]
        and sum(f" {t['term'].lower()} " in f" {text} " for text in texts) == 1
        and t["say"] != t["say"].lower()
    )
    set_entry(lexicon, term["term"], term["say"].lower())  # its stress moved: other sound
    for step in (["script", "-q"], ["build", "-q", "--no-hold", "--formats", "none"]):
        timed(["-m", "imnm_audio", *step], root)
    edited, _ = timed(check, root, ok=(0, 1))
    return {
        "whole": whole,
        "first": first,
        "unchanged": unchanged,
        "one_word": edited,
        "word": term["term"],  # type: ignore[dict-item]
    }


def main() -> None:
    """Build IMNM into a fresh project and time the checks (`make bench-check`)."""
    import argparse
    import json
    import shutil
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(repo / "content", root / "content")
        for step in (["script", "-q"], ["build", "-q", "--no-hold", "--formats", "none"]):
            timed(["-m", "imnm_audio", *step], root)
        figures = {**check_against_bare(root, "imnm"), **incremental(root, "imnm")}
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
