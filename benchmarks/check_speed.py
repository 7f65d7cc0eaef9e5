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
    check, check_rss = timed(["-m", "imnm_audio", "check", "-q", slug], root, ok=(0, 1))
    return {"bare": bare, "bare_rss": bare_rss, "check": check, "check_rss": check_rss}
