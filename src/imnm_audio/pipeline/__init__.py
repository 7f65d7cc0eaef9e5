"""The build: content -> scripts -> clips -> assembled audio -> published files.

`run.py` runs the stages in order; each module below it owns one of them:
`scripts.py` (fresh, stale or missing scripts), `synthesis.py` (the voice, loaded
once), `episode.py` and `episode_files.py` (an episode and its files),
`hold_line.py` (the phone hold line), `encoding.py` (MP3 streams through the
cache), `stamp.py` (what a published output was built from) and `show.py` (feed,
index page, cover). docs/ARCHITECTURE.md has the whole map.
"""

from .episode import EpisodeReport
from .episode_files import write_outputs
from .hold_line import HoldReport
from .options import BuildOptions, ProgressFor
from .run import build, build_hold_line
from .scripts import (
    EPISODE,
    HOLD,
    ScriptKind,
    ScriptState,
    StaleScript,
    script_source_hash,
    script_state,
    write_script,
    write_scripts,
)
from .show import publish_show

__all__ = [
    "EPISODE",
    "HOLD",
    "BuildOptions",
    "EpisodeReport",
    "HoldReport",
    "ProgressFor",
    "ScriptKind",
    "ScriptState",
    "StaleScript",
    "build",
    "build_hold_line",
    "publish_show",
    "script_source_hash",
    "script_state",
    "write_outputs",
    "write_script",
    "write_scripts",
]
