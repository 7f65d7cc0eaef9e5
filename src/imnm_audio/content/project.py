"""Everything read from a content folder: settings, lexicon and factsheets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .factsheet import Factsheet, find_factsheets, load_factsheet
from .lexicon import Lexicon, load_lexicon
from .settings import Podcast, load_podcast


@dataclass(frozen=True)
class Project:
    """Everything read from a content folder: settings, lexicon and factsheets."""

    content_dir: Path
    podcast: Podcast
    lexicon: Lexicon
    factsheets: tuple[Factsheet, ...]


def load_project(content_dir: Path, slugs: list[str] | None = None) -> Project:
    paths = find_factsheets(content_dir, slugs)
    return Project(
        content_dir=content_dir,
        podcast=load_podcast(content_dir / "podcast.yaml"),
        lexicon=load_lexicon(content_dir / "lexicon.yaml"),
        factsheets=tuple(load_factsheet(p) for p in paths),
    )
